"""Committing in the middle of a git operation, or past a lock file git left behind.

An invoice issued during a conflicted rebase was committed on the rebase's detached HEAD
and vanished on ``git rebase --abort``. Every command that commits now refuses while a
rebase, merge, cherry-pick, revert or bisect is in progress or HEAD is detached, and says
what to finish first; a left ``index.lock`` is named in the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.history.commit import commit_paths
from generator.problems import Refused
from tests.hostile.conftest import (
    TODAY,
    add_draft_invoice,
    assert_no_crash,
    commit_all,
    git,
    snapshot,
)

DRAFT = "brouillon-git"
ISSUE = ("invoice", "issue", DRAFT)


def _conflict(repo: Path) -> None:
    """Branch ``autre`` and ``main`` each change ``notes.txt`` (not data: the records stay
    valid during the conflict); ``autre`` is checked out."""
    (repo / "notes.txt").write_text("début\n")
    commit_all(repo, "Notes")
    git(repo, "switch", "-q", "-c", "autre")
    (repo / "notes.txt").write_text("version autre\n")
    commit_all(repo, "Notes, autre version")
    git(repo, "switch", "-q", "main")
    (repo / "notes.txt").write_text("version main\n")
    commit_all(repo, "Notes, version main")
    git(repo, "switch", "-q", "autre")


def _rebase(repo: Path) -> str:
    _conflict(repo)
    assert git(repo, "rebase", "main", check=False).returncode != 0
    return "git rebase --abort"


def _merge(repo: Path) -> str:
    _conflict(repo)
    assert git(repo, "merge", "main", check=False).returncode != 0
    return "git merge --abort"


def _cherry_pick(repo: Path) -> str:
    _conflict(repo)
    assert git(repo, "cherry-pick", "main", check=False).returncode != 0
    return "git cherry-pick --abort"


def _revert(repo: Path) -> str:
    _conflict(repo)
    git(repo, "switch", "-q", "main")
    (repo / "notes.txt").write_text("encore une autre\n")
    commit_all(repo, "Notes, encore")
    assert git(repo, "revert", "--no-edit", "HEAD~1", check=False).returncode != 0
    return "git revert --abort"


def _bisect(repo: Path) -> str:
    git(repo, "bisect", "start")
    return "git bisect reset"


def _detached(repo: Path) -> str:
    git(repo, "switch", "-q", "--detach")
    return "git switch"


STATES: dict[str, Callable[[Path], str]] = {
    "rebase": _rebase,
    "merge": _merge,
    "cherry-pick": _cherry_pick,
    "revert": _revert,
    "bisect": _bisect,
    "detached": _detached,
}


def _refused(result: Result) -> str:
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    return result.output


@pytest.mark.parametrize("state", sorted(STATES))
def test_issuing_in_the_middle_of_a_git_operation_is_refused(
    repo: Path, carnet: Callable[..., Result], state: str
) -> None:
    add_draft_invoice(repo, DRAFT)
    commit_all(repo, "Brouillon")
    finish = STATES[state](repo)
    before = snapshot(repo / "data")
    head = git(repo, "rev-parse", "HEAD").stdout
    output = _refused(carnet(repo, *ISSUE))
    assert finish in output and "rien n'est écrit" in output, output
    assert snapshot(repo / "data") == before
    assert git(repo, "rev-parse", "HEAD").stdout == head
    english = _refused(carnet(repo, "--lang", "en", *ISSUE))
    assert finish in english and "nothing written" in english, english


def test_the_invoice_survives_an_aborted_rebase(repo: Path, carnet: Callable[..., Result]) -> None:
    """The review's scenario: refused during the rebase, issued once it is over, kept."""
    add_draft_invoice(repo, DRAFT)
    commit_all(repo, "Brouillon")
    _rebase(repo)
    _refused(carnet(repo, *ISSUE))
    git(repo, "rebase", "--abort")
    issued = carnet(repo, *ISSUE)
    assert issued.exit_code == 0, issued.output
    assert "F2026-0007" in issued.output
    assert "F2026-0007" in git(repo, "log", "-1", "--format=%s", "autre").stdout


COMMITTING = {
    "quote issue": ("quote", "issue", "devis-accompagnement-2027-mbs", "--date", TODAY),
    "quote accept": ("quote", "accept", "D2026-0001"),
    "delivery new": ("delivery", "new", "commande-sapins-mbs-2026"),
    "stock validate": ("stock", "validate", "entree-2026-0005"),
}


@pytest.mark.parametrize("command", sorted(COMMITTING))
def test_every_committing_command_refuses_a_detached_head(
    repo: Path, carnet: Callable[..., Result], command: str
) -> None:
    _detached(repo)
    before = snapshot(repo / "data")
    output = _refused(carnet(repo, *COMMITTING[command]))
    assert "HEAD est détaché" in output and "git switch" in output, output
    assert snapshot(repo / "data") == before


def test_no_commit_is_allowed_on_a_detached_head(repo: Path, carnet: Callable[..., Result]) -> None:
    """Nothing is committed, so nothing can be lost by a branch switch: written as asked."""
    _detached(repo)
    result = carnet(repo, "stock", "validate", "entree-2026-0005", "--no-commit")
    assert result.exit_code == 0, result.output
    assert "non enregistré dans git (--no-commit)" in result.output


def test_a_left_index_lock_is_named(repo: Path, carnet: Callable[..., Result]) -> None:
    add_draft_invoice(repo, DRAFT)
    commit_all(repo, "Brouillon")
    lock = repo / ".git" / "index.lock"
    lock.touch()
    before = snapshot(repo / "data")
    head = git(repo, "rev-parse", "HEAD").stdout
    output = _refused(carnet(repo, *ISSUE))
    assert str(lock.resolve()) in output and "supprimez ce fichier" in output, output
    assert "rien n'est écrit" in output
    assert snapshot(repo / "data") == before
    assert git(repo, "rev-parse", "HEAD").stdout == head
    lock.unlink()
    assert carnet(repo, *ISSUE).exit_code == 0


def test_a_commit_refused_for_a_lock_file_says_which(repo: Path) -> None:
    """When git itself refuses (the lock appeared after Carnet looked), the error keeps the
    path git names, so the refusal can name it too."""
    rel = add_draft_invoice(repo, DRAFT)
    lock = repo / ".git" / "index.lock"
    lock.touch()
    with pytest.raises(Refused) as refused:
        commit_paths(repo, [rel], "Brouillon")
    assert refused.value.code == "git-index-locked"
    assert Path(refused.value.params["file"]).resolve() == lock.resolve()


def test_a_linked_worktree_commits_on_its_own_branch(
    repo: Path, tmp_path: Path, carnet: Callable[..., Result]
) -> None:
    add_draft_invoice(repo, DRAFT)
    commit_all(repo, "Brouillon")
    other = tmp_path / "autre"
    git(repo, "worktree", "add", "-q", "-b", "autre", str(other))
    result = carnet(other, *ISSUE)
    assert result.exit_code == 0, result.output
    assert "F2026-0007" in git(repo, "log", "-1", "--format=%s", "autre").stdout
    assert "F2026-0007" not in git(repo, "log", "-1", "--format=%s", "main").stdout
