"""README.md is a tested tour: every ``console`` block runs and prints what it shows.

The tour starts in the Carnet checkout with an empty home folder (``HOME`` is a
temporary folder, so the README's ``~/atelier-dupont`` is a fresh copy of the example
business), git's author and committer are Claire Dupont and every commit is dated
2026-11-25 10:00 (Europe/Paris), so that ``carnet history`` prints the same dates on
every run, and the terminal is 200 columns wide (``COLUMNS``), so that a long temporary
path never wraps a line. The README's first block exports ``CARNET_TODAY=2026-11-25``. How blocks are
read, run and compared (placeholders ``<commit>`` and ``<dépôt>``, markers ``skip`` and
``fixture``): :mod:`readme_tour`.

After a change of the outputs (or of the example business), refresh the README from a
real run with ``CARNET_README_UPDATE=1 .venv/bin/python -m pytest tests/test_readme.py``,
then read the diff: the test rewrites the output lines of every block it runs (never a
command) and passes; it refuses to rewrite while a command fails.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from readme_tour import CRASHES, MARKER, Block, Shell, parse, rewrite

from generator import __version__

README = ROOT / "README.md"
UPDATE = os.environ.get("CARNET_README_UPDATE") == "1"
GIT_WHEN = "2026-11-25T10:00:00+01:00"
MARKERS = {"skip", "fixture"}


def tour_env(home: Path) -> dict[str, str]:
    """The tour's environment: the caller's, without Carnet's or git's settings and
    terminal hints, with a fresh home, a fixed git identity and commit date."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CARNET_", "GIT_"))
        and name not in {"FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "LINES"}
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        COLUMNS="200",  # a wide terminal: a long temporary path never wraps
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Claire Dupont",
        GIT_AUTHOR_EMAIL="claire@atelier-dupont.fr",
        GIT_COMMITTER_NAME="Claire Dupont",
        GIT_COMMITTER_EMAIL="claire@atelier-dupont.fr",
        GIT_AUTHOR_DATE=GIT_WHEN,
        GIT_COMMITTER_DATE=GIT_WHEN,
    )
    return env


def fixture_shell(block: Block, where: Path, env: dict[str, str]) -> Shell:
    """A shell in a fresh git repository holding a copy of the block's fixture."""
    source = ROOT / block.argument
    assert source.is_dir(), f"README line {block.line}: no fixture {block.argument}"
    target = where / f"fixture-{block.start}"
    shutil.copytree(source, target)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Exemple"]):
        subprocess.run(["git", *args], cwd=target, env=env, check=True, capture_output=True)
    return Shell(target, env)


def run_tour(
    text: str, where: Path
) -> tuple[str | None, list[str], dict[tuple[int, int], list[str]]]:
    """Run the blocks of ``text`` in order until a command fails: (that failure or None,
    stale outputs, real outputs by (block's fence index, command index))."""
    env = tour_env(where / "home")
    tour = Shell(ROOT, env)
    stale: list[str] = []
    outputs: dict[tuple[int, int], list[str]] = {}
    for block in parse(text):
        assert block.marker in MARKERS | {None}, f"README line {block.line}: {block.marker}?"
        if block.marker == "skip":
            continue
        shell = tour if block.marker is None else fixture_shell(block, where, env)
        for index, command in enumerate(block.commands):
            title = f"README line {block.line}: $ {command.text}"
            if shell.cwd == ROOT and outputs:  # only the first command may (it moves out)
                return (
                    f"{title}\n  would run in the Carnet checkout: the tour's first command "
                    "copies the example and moves into the copy",
                    stale,
                    outputs,
                )
            outcome = shell.run(command.text)
            outputs[block.start, index] = outcome.output
            shown = index + 1 < len(block.commands) and block.commands[index + 1].text == "echo $?"
            crashed = any(c in line for line in outcome.output for c in CRASHES)
            if crashed or (outcome.status != 0 and not shown):
                return (
                    f"{title}\n  exit {outcome.status}\n  " + "\n  ".join(outcome.output),
                    stale,
                    outputs,
                )
            if outcome.output != command.expected:
                stale.append(_diff(title, command.expected, outcome.output))
    return None, stale, outputs


def _diff(title: str, expected: list[str], actual: list[str]) -> str:
    lines = difflib.unified_diff(expected, actual, "README", "real run", lineterm="", n=1)
    return title + "\n" + "\n".join(lines)


def test_readme_tour(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    failed, stale, outputs = run_tour(text, tmp_path)
    assert failed is None, "a README command failed:\n\n" + failed
    if UPDATE:
        README.write_text(rewrite(text, outputs), encoding="utf-8")
        return
    assert not stale, (
        "README outputs are stale (refresh: CARNET_README_UPDATE=1 pytest tests/test_readme.py):\n\n"
        + "\n\n".join(stale)
    )


def test_rewrite_of_unchanged_outputs_is_the_identity() -> None:
    text = README.read_text(encoding="utf-8")
    assert rewrite(text, {}) == text


def test_every_marker_stands_before_a_block_and_says_why() -> None:
    text = README.read_text(encoding="utf-8")
    markers = [line for line in text.splitlines() if MARKER.match(line)]
    marked = [block for block in parse(text) if block.marker is not None]
    assert len(markers) == len(marked) >= 3, "a marker not followed by a console block"
    for line in markers:
        assert re.search(r"\(.+\)", line), f"a marker says why: {line}"
    assert all(block.commands for block in parse(text)), "an empty console block"


def _tour(*lines: str) -> str:
    return "\n".join(["```console", *lines, "```", ""])


@pytest.mark.parametrize("version", ["0.0.0", __version__])
def test_a_stale_output_is_reported(tmp_path: Path, version: str) -> None:
    text = _tour("$ mkdir ~/vide && cd ~/vide", "$ carnet --version", f"carnet, version {version}")
    failed, stale, outputs = run_tour(text, tmp_path)
    assert failed is None
    assert len(stale) == (0 if version == __version__ else 1)
    assert rewrite(text, outputs) == text.replace(version, __version__)


def test_a_failing_command_stops_the_tour_unless_its_status_is_shown(tmp_path: Path) -> None:
    shown = _tour(
        "$ mkdir ~/vide && cd ~/vide", "$ carnet quote issue nulle-part", "$ echo $?", "2"
    )
    failed, stale, outputs = run_tour(shown, tmp_path / "shown")
    assert failed is None and len(stale) == 1  # the refusal's text is not shown
    assert outputs[0, 1][0] == "carnet: . ne contient pas de dossier data/"
    assert outputs[0, 2] == ["2"]
    hidden = _tour(
        "$ mkdir ~/vide && cd ~/vide", "$ carnet quote issue nulle-part", "$ carnet --version"
    )
    failed, _, outputs = run_tour(hidden, tmp_path / "hidden")
    assert failed is not None and "exit 2" in failed and "data/" in failed
    assert (0, 2) not in outputs


def test_nothing_runs_in_the_checkout_after_the_first_command(tmp_path: Path) -> None:
    text = _tour("$ mkdir ~/copie", "$ git add -A")
    failed, _, outputs = run_tour(text, tmp_path)
    assert failed is not None and "$ git add -A" in failed and "checkout" in failed
    assert list(outputs) == [(0, 0)] and (tmp_path / "home" / "copie").is_dir()


def test_commit_ids_and_the_repository_path_are_placeholders(tmp_path: Path) -> None:
    text = _tour(
        "$ mkdir ~/depot && cd ~/depot && git init -q -b main",
        "$ git commit -q --allow-empty -m vide && git log --format=%H | cut -c1-9 && pwd",
        "<commit>",
        "<dépôt>",
    )
    failed, stale, _ = run_tour(text, tmp_path)
    assert failed is None and not stale, stale


def test_markers_are_known(tmp_path: Path) -> None:
    text = "<!-- readme-test: sauter (pourquoi) -->\n" + _tour("$ carnet --version")
    with pytest.raises(AssertionError, match="sauter"):
        run_tour(text, tmp_path)
    assert (
        parse("<!-- readme-test: skip (serve) -->\n\n" + _tour("$ carnet serve"))[0].marker
        == "skip"
    )


def test_the_pre_commit_snippet_pins_this_version_of_the_hook() -> None:
    text = README.read_text(encoding="utf-8")
    snippet = yaml.safe_load(re.search(r"```yaml\n(repos:.*?)```", text, re.S)[1])
    (repo,) = snippet["repos"]
    assert repo["rev"] == f"v{__version__}", "tag the release, or name it in the README"
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert [h["id"] for h in repo["hooks"]] == ["carnet-validate"]
    hook = hooks["carnet-validate"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert hook["language"] == "python" and hook["entry"].split()[0] in scripts
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == __version__
