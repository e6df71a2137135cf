"""What every hostile test shares: a committed copy of the example business, git run
with no user configuration, a canary folder outside the repository, and snapshots that
prove nothing outside was read, written or deleted.

A hostile repository is built in a temporary folder, then Carnet runs on it exactly as
it would on a pull request: in-process through click's runner where the command is the
point, in a real subprocess where processes race or a kill is part of the attack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"
CRASH_MARKERS = ("erreur inattendue", "unexpected error", "Traceback (most recent call last)")
IDENTITY = {
    "GIT_AUTHOR_NAME": "Benoît Martin",
    "GIT_AUTHOR_EMAIL": "benoit@example.fr",
    "GIT_COMMITTER_NAME": "Benoît Martin",
    "GIT_COMMITTER_EMAIL": "benoit@example.fr",
}


def git_env() -> dict[str, str]:
    """The environment git runs with in these tests: no user or system configuration."""
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **IDENTITY,
    }


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in ``repo`` with :func:`git_env`."""
    return subprocess.run(
        ["git", *args], cwd=repo, env=git_env(), check=check, capture_output=True, text=True
    )


def commit_all(repo: Path, message: str = "Changement") -> None:
    """Stage everything (ignored files too when forced) and commit."""
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def make_repo(target: Path, *, with_git: bool = True) -> Path:
    """A copy of the example business (data and mkdocs.yml), committed when ``with_git``."""
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    if with_git:
        git(target, "init", "-q", "-b", "main")
        git(target, "config", "user.name", IDENTITY["GIT_AUTHOR_NAME"])
        git(target, "config", "user.email", IDENTITY["GIT_AUTHOR_EMAIL"])
        commit_all(target, "Entreprise d'exemple")
    return target


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry below ``root``: file bytes, or the target of a symbolic link."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed git repository holding the example business."""
    return make_repo(tmp_path / "repo")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding a secret and a canary's place: an attack
    that reads it leaks ``SECRET``; one that runs code leaves ``canary``."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("SECRET-7f3a9c outside the repository\n")
    return folder


@pytest.fixture
def carnet() -> Callable[..., Result]:
    """Run ``carnet --repo REPO --today TODAY ARGS…`` in-process; never lets an exception
    through unnoticed (a traceback is a failure of the test, not of the attack)."""
    from generator.cli.main import main

    def invoke(repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        result = runner.invoke(
            main, ["--repo", str(repo), "--today", TODAY, *args], env=env, catch_exceptions=True
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


def carnet_process(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start ``python -m generator --repo REPO ARGS…`` as a real process (for races)."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "--repo", str(repo), *args],
        env={**git_env(), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_no_crash(result: Result | str) -> None:
    """No traceback and no « erreur inattendue » in what a command printed."""
    text = result if isinstance(result, str) else result.output
    for marker in CRASH_MARKERS:
        assert marker not in text, text


# --- Writing commands: drafts to issue, real processes released together -------------------

DRAFT_INVOICE = """\
kind: sale
type: Vente - 6 - Gagné
user: benoit
subject: Facture — {name}
date: {day}
contact: jeanne-sapin
company: mes-beaux-sapins
project: sapins-2026
state: open
document:
  kind: invoice
  lines:
    - {{product: heure-developpement, description: Évolutions, quantity: 1, unit: heure,
       unit_price: 65.00, vat_rate: 20}}
"""


def add_draft_invoice(repo: Path, name: str, *, day: str = TODAY) -> str:
    """Write (without committing) a draft invoice ``name``: one hour of work for Mes Beaux
    Sapins, dated ``day``; its path relative to ``repo``."""
    rel = f"data/interactions/{day[:4]}/{name}.yaml"
    (repo / rel).write_text(DRAFT_INVOICE.format(name=name, day=day), encoding="utf-8")
    return rel


_RELEASED = """\
import os, sys, time
from pathlib import Path
barrier = Path(sys.argv[1])
from generator.cli.main import main
Path(f"{barrier}.ready-{os.getpid()}").touch()
deadline = time.monotonic() + 60
while not barrier.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
main(args=sys.argv[2:], prog_name="carnet")
"""


def carnet_race(
    repo: Path, *commands: tuple[str, ...], env: dict[str, str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Run each of ``commands`` (``carnet --repo REPO`` + the tuple) in its own real process,
    all released at the same instant: each imports Carnet, says it is ready, then waits for
    a barrier file that appears once every process is ready. Their results, in order."""
    barrier = repo.parent / f".barrier-{os.getpid()}-{time.monotonic_ns()}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _RELEASED, str(barrier), "--repo", str(repo), *args],
            env={**git_env(), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    deadline = time.monotonic() + 60
    while len(list(barrier.parent.glob(barrier.name + ".ready-*"))) < len(processes):
        assert time.monotonic() < deadline, "the racing processes never got ready"
        assert all(p.poll() is None for p in processes), "a racing process died early"
        time.sleep(0.01)
    barrier.touch()
    results = []
    for process, args in zip(processes, commands, strict=True):
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(args, process.returncode, out, err))
    for path in barrier.parent.glob(barrier.name + "*"):
        path.unlink()
    return results
