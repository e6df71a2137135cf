"""Forks of the test process, seen as they happen (``os.register_at_fork``): a worker of
a ``fork`` pool or a ``multiprocessing`` child is one; a ``subprocess`` (fork and exec in
C) is not. A process forked from a command counts again, in the memory the command and
its children take, every page the command holds (issue 15)."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterator

_WATCHING: list[list[str]] = []


def _note() -> None:
    for seen in _WATCHING:
        seen.append("".join(traceback.format_stack(limit=10)))


os.register_at_fork(before=_note)


@contextlib.contextmanager
def forks() -> Iterator[list[str]]:
    """The stacks of the forks made inside the ``with`` block."""
    seen: list[str] = []
    _WATCHING.append(seen)
    try:
        yield seen
    finally:
        _WATCHING.remove(seen)
