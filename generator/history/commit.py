"""Committing what a command wrote (issuing an invoice, validating a movement).

The issuing commit is the audit trail's anchor: :mod:`generator.checks.frozen` compares
issued documents and validated movements with their state at that commit. Commands reach
this module through :func:`generator.cli.common.writing`, which holds the lock of
:mod:`generator.history.lock` around the read, the write and the commit.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import git

_LOCK_REFUSED = re.compile(r"Unable to create '([^']+\.lock)': File exists")


class CommitError(Exception):
    """The files were written but could not be committed (no repository, a hook said no,
    a lock file left by git). ``lock``: the lock file in the way, when that is the cause."""

    def __init__(self, detail: str, lock: Path | None = None) -> None:
        super().__init__(detail)
        self.lock = lock


def _repository(repo: Path) -> git.Repo:
    try:
        return git.Repo(repo, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise CommitError(f"{repo} n'est pas un dépôt git") from exc


def _stderr(exc: git.GitCommandError) -> str:
    """What git printed, without GitPython's ``stderr: '…'`` wrapping."""
    text = str(exc.stderr or exc).strip()
    if text.startswith("stderr: '") and text.endswith("'"):
        text = text[len("stderr: '") : -1]
    return text.strip()


def has_identity(repo: Path) -> bool:
    """Does git know the author and committer (user.name, user.email, or the variables)?"""
    repository = _repository(repo)
    try:
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            repository.git.var(ident)
    except git.GitCommandError:
        return False
    return True


def commit_paths(repo: Path, paths: list[str], message: str) -> str:
    """Commit ``paths`` (relative to ``repo``) alone with ``message``; the short hash."""
    repository = _repository(repo)
    try:
        repository.git.add("--", *paths)
        repository.git.commit("-m", message, "--only", "--", *paths)
        return repository.head.commit.hexsha[:8]
    except git.GitCommandError as exc:
        text = _stderr(exc)
        found = _LOCK_REFUSED.search(text)
        if found:
            raise CommitError(text, Path(found.group(1))) from exc
        lines = text.splitlines()
        raise CommitError(lines[-1] if lines else str(exc)) from exc


def unstage(repo: Path, paths: list[str]) -> None:
    """Take ``paths`` out of the index again (after a failed commit put them there)."""
    with contextlib.suppress(CommitError, git.GitCommandError):  # nothing staged, no HEAD
        _repository(repo).git.reset("-q", "--", *paths)
