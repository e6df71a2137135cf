"""Progress of long commands: a bar and a summary line on a terminal, nothing when piped,
under CI or with --quiet; the library reports its steps through a callback."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TODAY

from generator.cli.main import main


def test_load_reports_its_steps(example_repo: Path) -> None:
    from generator.load import load

    heard: list[tuple[str, int, int | None]] = []
    load(example_repo, today=TODAY, use_cache=False, progress=lambda *s: heard.append(s))
    steps = [step for step, _, _ in heard]
    assert "parse" in steps and steps[-1] == "checks"
    parsed = [(done, total) for step, done, total in heard if step == "parse"]
    assert parsed[-1][0] == parsed[-1][1] > 50


def _stock_report(repo: Path, out: Path, *, terminal: bool, ci: bool = False) -> str:
    """``carnet stock report`` in a real process, stderr on a pseudo-terminal or a pipe."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CARNET_LANG")}
    env.update(TERM="xterm-256color", COLUMNS="100", PYTHONPATH=str(ROOT))
    if ci:
        env["CI"] = "true"
    args = [sys.executable, "-m", "generator", "--repo", str(repo), "--today", TODAY.isoformat()]
    args += ["stock", "report", "--format", "xlsx", "--out", str(out)]
    if not terminal:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    assert process.stdout is not None and b"stock-" in process.stdout.read()
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_only(example_repo: Path, tmp_path: Path) -> None:
    shown = _stock_report(example_repo, tmp_path / "a", terminal=True)
    assert "Terminé en " in shown and " s (Rapports de stock : 1/1)" in shown, shown
    piped = _stock_report(example_repo, tmp_path / "b", terminal=False)
    assert "Terminé" not in piped and "\x1b[" not in piped
    under_ci = _stock_report(example_repo, tmp_path / "c", terminal=True, ci=True)
    assert "Terminé" not in under_ci


def test_quiet_prints_problems_only(runner, example_repo: Path, tmp_path: Path) -> None:
    from generator.testing import write_repo

    base = ["--repo", str(example_repo), "--today", TODAY.isoformat()]
    loud_out = str(tmp_path / "loud")
    loud = runner.invoke(main, [*base, "stock", "report", "--format", "xlsx", "--out", loud_out])
    assert loud.exit_code == 0 and "stock-" in loud.stdout
    quiet = runner.invoke(
        main, ["--quiet", *base, "stock", "report", "--format", "xlsx", "--out", str(tmp_path)]
    )
    assert quiet.exit_code == 0
    assert quiet.stdout == "" and quiet.stderr == ""
    assert list(tmp_path.glob("stock-*.xlsx"))  # written, not announced

    broken = write_repo(tmp_path / "broken", {"data/contacts/x.yaml": "last_name: X\ncompany: a\n"})
    result = runner.invoke(main, ["-q", "--repo", str(broken), "validate"])
    assert result.exit_code == 1
    assert "[ref-unknown]" in result.stdout
    assert "vérifié" not in result.stderr
    refused = runner.invoke(main, ["-q", "--repo", str(tmp_path / "nowhere"), "validate"])
    assert refused.exit_code == 2 and "introuvable" in refused.stderr
