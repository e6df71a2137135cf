"""Writing and committing what a command changes (issuing an invoice, validating a movement).

The issuing commit is the audit trail's anchor: :mod:`generator.checks.frozen` compares
issued documents and validated movements with their state at that commit. A command holds
the repository with :func:`writing` from before it reads the data until after its commit or
rollback: the lock of :mod:`generator.history.lock`, then the git checks (no operation in
progress, no lock file left by git, an identity), then :meth:`Session.save` writes the
change set and commits it, putting every file back when the commit fails. Every refusal is
a :class:`~generator.problems.Refused`, raised before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.history.committing import commit_paths, has_identity, unstage
from generator.history.lock import (
    GitPlace,
    exclusive,
    git_place,
    index_lock,
    lock_path,
    lock_timeout,
    unfinished_operation,
)
from generator.problems import Refused

if TYPE_CHECKING:
    from generator.files.edits import ChangeSet

NO_COMMIT = "no-commit"
NO_GIT = "no-git"


def check_not_future(when: date, allowed: bool, code: str, /, **params: Any) -> None:
    """Refuse (``code``, a ``future-…`` refusal) to freeze ``when`` if it is after the real
    clock's date, unless ``allowed`` (``--allow-future-date``): a number issued in 2099
    would make every real date come before the last one of its series."""
    real = date.today()
    if when > real and not allowed:
        raise Refused(code, today=real, **params)


@dataclass(frozen=True, slots=True)
class Saved:
    """What :meth:`Session.save` did: the repository paths written, and the commit's short
    hash (``None``: not committed)."""

    paths: list[str]
    commit: str | None


@dataclass(frozen=True, slots=True)
class Session:
    """A writing command's hold on the repository (see :func:`writing`)."""

    repo: Path
    commits: bool
    """What is written gets committed (in git, and not ``--no-commit``)."""
    notice: str | None = None
    """Why a command that commits will not: :data:`NO_COMMIT` or :data:`NO_GIT`."""
    allow_future: bool = False
    """``--allow-future-date``: freezing a date after the real clock's is wanted."""

    def check_not_future(self, when: date, code: str, /, **params: Any) -> None:
        """:func:`check_not_future` with this session's ``--allow-future-date``."""
        check_not_future(when, self.allow_future, code, **params)

    def save(self, changes: ChangeSet, message: str = "") -> Saved:
        """Write ``changes``, then commit them when the session commits: all or nothing (a
        failed commit puts every file back and the refusal is raised again)."""
        paths = changes.write()
        if not self.commits:
            return Saved(paths, None)
        try:
            return Saved(paths, commit_paths(self.repo, paths, message))
        except Refused:
            changes.undo()
            unstage(self.repo, paths)
            raise


_OPERATION_REFUSALS = {
    "rebase": "git-rebase-in-progress",
    "merge": "git-merge-in-progress",
    "cherry-pick": "git-cherry-pick-in-progress",
    "revert": "git-revert-in-progress",
    "bisect": "git-bisect-in-progress",
    "detached": "git-detached-head",
}


def check_git(repo: Path, place: GitPlace) -> None:
    """Refuse to commit in the middle of a git operation, past a lock file git left, or
    without an identity: nothing is written yet."""
    operation = unfinished_operation(place)
    if operation is not None:
        raise Refused(_OPERATION_REFUSALS[operation])
    lock = index_lock(place)
    if lock is not None:
        raise Refused("git-index-locked", file=lock)
    if not has_identity(repo):
        raise Refused("git-identity-missing")


@contextmanager
def writing(
    repo: Path,
    *,
    commits: bool = False,
    no_commit: bool = False,
    allow_future: bool = False,
    on_wait: Callable[[], None] = lambda: None,
) -> Iterator[Session]:
    """Hold the repository for a command that writes data: one such command at a time,
    from before it reads the data (every number is read under the lock) until after its
    commit or rollback (:mod:`generator.history.lock`). ``on_wait`` is called once when
    the lock is taken; after ``CARNET_LOCK_TIMEOUT`` seconds (30) the command is refused.

    ``commits``: the command commits what it writes unless ``no_commit``; it is then
    refused during a rebase, merge, cherry-pick, revert or bisect, on a detached HEAD,
    past a left ``index.lock`` and without a git identity.
    """
    try:
        timeout = lock_timeout(os.environ)
    except ValueError:
        raise Refused("lock-timeout-invalid") from None
    place = git_place(repo)
    with exclusive(lock_path(repo, place), timeout=timeout, on_wait=on_wait):
        if not commits:
            yield Session(repo, False, allow_future=allow_future)
        elif no_commit:
            yield Session(repo, False, NO_COMMIT, allow_future)
        elif place is None:
            yield Session(repo, False, NO_GIT, allow_future)
        else:
            check_git(repo, place)
            yield Session(repo, True, allow_future=allow_future)
