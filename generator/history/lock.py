"""One writing command at a time, and never in the middle of a git operation.

Every command that assigns a number, creates a sequentially named file or commits holds an
exclusive ``flock`` on ``carnet.lock`` from before it reads the data until after its
commit (or its rollback): two ``carnet invoice issue`` started together then get two
numbers, the second one reading the data the first one committed. The lock lives in git's
common directory, so that every worktree of a repository shares it, and in
``.carnet-cache/`` outside git. A command that finds it taken waits (it says so once),
up to ``CARNET_LOCK_TIMEOUT`` seconds (30 by default), then gives up.

A commit made while a rebase, a merge, a cherry-pick, a revert or a bisect is in progress,
or on a detached HEAD, lands where the next ``git rebase --abort`` or ``git switch``
drops it: :func:`unfinished_operation` says which one is in the way.
"""

from __future__ import annotations

import errno
import fcntl
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.history.git import WorkTree, find_work_tree
from generator.problems import Refused

LOCK_NAME = "carnet.lock"
TIMEOUT_VARIABLE = "CARNET_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
_POLL = 0.05
_OUTSIDE_GIT = ".carnet-cache"


GitPlace = WorkTree
"""Where git keeps a work tree's state (:class:`~generator.history.git.WorkTree`)."""


def git_place(repo: Path) -> WorkTree | None:
    """The git directories of the work tree holding ``repo``; ``None`` outside git (or
    without a git program). Found by reading ``.git``: no process."""
    return find_work_tree(repo)


_OPERATIONS = (
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
    ("sequencer", "cherry-pick"),
    ("BISECT_START", "bisect"),
)


def unfinished_operation(place: GitPlace) -> str | None:
    """The git operation a commit would land in the middle of: ``rebase``, ``merge``,
    ``cherry-pick``, ``revert``, ``bisect``, ``detached`` (HEAD on no branch), or ``None``."""
    for name, operation in _OPERATIONS:
        if (place.git_dir / name).exists():
            return operation
    return "detached" if place.detached else None


def index_lock(place: GitPlace) -> Path | None:
    """The index's lock file when one is there: a git command is running, or one was
    killed and left it (every commit then fails until it is removed)."""
    path = place.git_dir / "index.lock"
    return path if path.exists() else None


def lock_path(repo: Path, place: GitPlace | None) -> Path:
    """``carnet.lock`` in git's common directory, or in ``.carnet-cache/`` outside git."""
    if place is not None:
        return place.common_dir / LOCK_NAME
    return repo / _OUTSIDE_GIT / LOCK_NAME


def lock_timeout(environ: Mapping[str, str]) -> float:
    """The seconds to wait for the lock: ``CARNET_LOCK_TIMEOUT`` or 30.

    Raises ``ValueError`` when the variable is not a number of seconds (0 or more).
    """
    text = environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    seconds = float(text)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(text)
    return seconds


@contextmanager
def exclusive(path: Path, *, timeout: float, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` for the block; ``on_wait`` is called once if
    another process holds it. Refused (``lock-timeout``) after ``timeout`` seconds, and
    (``lock-unusable``) when the file cannot be opened. The file stays (removing it would
    let two processes lock two different files)."""
    try:
        if path.parent.is_symlink():  # a repository's .carnet-cache pointing elsewhere
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise Refused("lock-unusable", file=path, detail=exc.strerror) from exc
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    on_wait()
                    waited = True
                if time.monotonic() >= deadline:
                    raise Refused("lock-timeout", file=path, seconds=f"{timeout:g}") from None
                time.sleep(_POLL)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
