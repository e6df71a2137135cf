"""Commands racing for real: numbers issued by processes started at the same instant.

Each command that assigns a number or commits holds an exclusive lock (``carnet.lock`` in
git's common directory, ``.carnet-cache/`` outside git) from reading the data to the
commit; a second one waits, says so, and gives up after ``CARNET_LOCK_TIMEOUT`` seconds
with nothing written.
"""

from __future__ import annotations

import fcntl
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    TODAY,
    add_draft_invoice,
    assert_no_crash,
    carnet_process,
    carnet_race,
    commit_all,
    git,
    make_repo,
    snapshot,
)

RACERS = 3
TRIALS = 3
WAITING = "en attente d'une autre commande Carnet"


def _numbers(results: list[subprocess.CompletedProcess[str]]) -> list[str]:
    found = []
    for result in results:
        assert_no_crash(result.stdout + result.stderr)
        assert result.returncode == 0, result.stderr
        found += re.findall(r"facture (F\d{4}-\d{4}) émis", result.stdout)
    return found


def test_invoices_issued_at_the_same_instant_get_distinct_gap_free_numbers(repo: Path) -> None:
    issued: list[str] = []
    for trial in range(TRIALS):
        names = [f"course-{trial}-{n}" for n in range(RACERS)]
        for name in names:
            add_draft_invoice(repo, name)
        commit_all(repo, f"Brouillons {trial}")
        results = carnet_race(
            repo, *[("--today", TODAY, "invoice", "issue", name) for name in names]
        )
        numbers = _numbers(results)
        assert len(numbers) == RACERS and len(set(numbers)) == RACERS, numbers
        issued += numbers
    first = 7  # the example business has issued F2026-0001 … F2026-0006
    assert sorted(issued) == [f"F2026-{n:04}" for n in range(first, first + RACERS * TRIALS)]
    log = git(repo, "log", "--format=%s").stdout
    for number in issued:
        assert log.count(f"Émission facture {number}") == 1, log
    assert git(repo, "status", "--porcelain").stdout == ""
    check = carnet_process(repo, "--today", TODAY, "validate")
    assert check.wait(timeout=120) == 0, check.communicate()


PURCHASE = """\
kind: purchase
type: "Achat - 5 - Commande"
user: benoit
subject: Sapins / Nordmann 2 m / Pépinières du Rhône
date: 2026-11-20
company: pepinieres-du-rhone
state: in_progress
document:
  kind: purchase_order
  lines:
    - {product: nordmann-200, description: Sapin Nordmann 2 m, quantity: 50, unit_price: 22.00,
       vat_rate: 20}
"""


def test_different_writing_commands_racing_all_land(repo: Path) -> None:
    """Issuing an invoice and a quote and receiving the same purchase twice, all at once:
    each gets its own number or file."""
    add_draft_invoice(repo, "course-a")
    (repo / "data/interactions/2026/achat-course.yaml").write_text(PURCHASE, encoding="utf-8")
    commit_all(repo, "Brouillon")
    results = carnet_race(
        repo,
        ("--today", TODAY, "invoice", "issue", "course-a"),
        ("--today", TODAY, "quote", "issue", "devis-accompagnement-2027-mbs", "--date", TODAY),
        ("--today", TODAY, "stock", "receive", "achat-course", "--line", "1=1"),
        ("--today", TODAY, "stock", "receive", "achat-course", "--line", "1=1"),
    )
    for result in results:
        assert_no_crash(result.stdout + result.stderr)
        assert result.returncode == 0, result.stderr
    received = [r.stdout.split()[0] for r in results[2:]]
    assert len(set(received)) == 2, received
    for path in received:
        assert (repo / path).is_file()


@contextmanager
def held(lock: Path) -> Iterator[None]:
    """Hold Carnet's lock file the way a running command does."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _issue_waiting(repo: Path, timeout: str) -> subprocess.Popen[str]:
    return carnet_process(
        repo, "--today", TODAY, "invoice", "issue", "attente", env={"CARNET_LOCK_TIMEOUT": timeout}
    )


def _read_until(process: subprocess.Popen[str], text: str) -> str:
    """What ``process`` wrote on stderr until ``text`` (or until it ended)."""
    assert process.stderr is not None
    said = ""
    while text not in said:
        line = process.stderr.readline()
        if not line:
            break
        said += line
    return said


def test_a_second_command_waits_then_gives_up_with_nothing_written(repo: Path) -> None:
    add_draft_invoice(repo, "attente")
    commit_all(repo, "Brouillon")
    before = snapshot(repo / "data")
    head = git(repo, "rev-parse", "HEAD").stdout
    with held(repo / ".git" / "carnet.lock"):
        started = time.monotonic()
        process = _issue_waiting(repo, "1")
        out, err = process.communicate(timeout=60)
        waited = time.monotonic() - started
    assert_no_crash(out + err)
    assert process.returncode == 1, err
    assert err.count(WAITING) == 1, err
    assert "attendu 1 s" in err, err
    assert "rien n'est écrit" in err, err
    assert waited >= 1
    assert snapshot(repo / "data") == before
    assert git(repo, "rev-parse", "HEAD").stdout == head


def test_a_waiting_command_goes_on_once_the_lock_is_free(repo: Path) -> None:
    add_draft_invoice(repo, "attente")
    commit_all(repo, "Brouillon")
    with held(repo / ".git" / "carnet.lock"):
        process = _issue_waiting(repo, "30")
        said = _read_until(process, WAITING)  # however long the start takes under load
        assert WAITING in said, said
        assert process.poll() is None, process.communicate()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, said + err
    assert "F2026-0007" in out


def test_worktrees_share_the_lock(repo: Path, tmp_path: Path) -> None:
    """A linked worktree's command waits for the main worktree's (git's common dir)."""
    add_draft_invoice(repo, "attente")
    commit_all(repo, "Brouillon")
    other = tmp_path / "autre"
    git(repo, "worktree", "add", "-q", "-b", "autre", str(other))
    with held(repo / ".git" / "carnet.lock"):
        process = _issue_waiting(other, "0.5")
        _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert WAITING in err
    assert "number: F2026" not in (other / "data/interactions/2026/attente.yaml").read_text()


def test_outside_git_the_lock_is_in_the_cache_folder(tmp_path: Path) -> None:
    plain = make_repo(tmp_path / "plain", with_git=False)
    add_draft_invoice(plain, "attente")
    before = snapshot(plain / "data")
    with held(plain / ".carnet-cache" / "carnet.lock"):
        process = _issue_waiting(plain, "0.5")
        _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert WAITING in err
    assert snapshot(plain / "data") == before


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_lock_timeout_is_a_usage_error(repo: Path, value: str) -> None:
    add_draft_invoice(repo, "attente")
    commit_all(repo, "Brouillon")
    process = _issue_waiting(repo, value)
    out, err = process.communicate(timeout=60)
    assert_no_crash(out + err)
    assert process.returncode == 2, err
    assert "CARNET_LOCK_TIMEOUT" in err


def test_the_lock_never_follows_a_cache_folder_link_outside(tmp_path: Path, outside: Path) -> None:
    """Outside git the lock is in .carnet-cache/: a repository whose .carnet-cache is a link
    to another folder gets no lock file there (the command is refused, nothing written)."""
    plain = make_repo(tmp_path / "plain", with_git=False)
    add_draft_invoice(plain, "attente")
    (plain / ".carnet-cache").symlink_to(outside, target_is_directory=True)
    before, data = snapshot(outside), snapshot(plain / "data")
    process = _issue_waiting(plain, "0.5")
    out, err = process.communicate(timeout=60)
    assert_no_crash(out + err)
    assert process.returncode == 1, err
    assert "verrou de Carnet inutilisable" in err
    assert snapshot(outside) == before
    assert snapshot(plain / "data") == data
