"""The checks of a large Book on two processes: a forked child takes checks from the end of
the list while this process takes them from its start, until they meet.

The Book is frozen and computed once, so the child reads the very same Book (fork shares
its memory) and sends back only its problems. Each check's problems are put back in the
order of the list, so the result is the same as one process would give. A check that
fails in the child is run again here, where it fails as it would have alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from typing import Any

from generator.problems import Problem

SHARED_FROM = 5_000
"""Below this many records, forking a child costs more than it saves."""

RunOne = Callable[[int], list[Problem]]


def run_each(count: int, run_one: RunOne, *, records: int, jobs: int) -> list[list[Problem]]:
    """The problems of each of the ``count`` checks (``run_one(i)`` runs the i-th), on
    two processes when ``jobs`` allows it and the Book is large enough."""
    if jobs <= 1 or records < SHARED_FROM or count < 2 or not hasattr(os, "fork"):
        return [run_one(i) for i in range(count)]
    context = get_context("fork")
    bounds = context.RawArray("i", [0, count])  # next from the start, end of what is left
    lock = context.Lock()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(run_one, bounds, lock, sender), daemon=True)
    child.start()
    sender.close()
    results: list[list[Problem] | None] = [None] * count
    while (index := _take(bounds, lock, from_end=False)) is not None:
        results[index] = run_one(index)
    try:
        done: Sequence[tuple[int, list[Problem]]] = receiver.recv()
    except (EOFError, OSError):
        done = ()  # the child died: its checks are run here
    receiver.close()
    child.join()
    for index, problems in done:
        results[index] = problems
    return [run_one(i) if found is None else found for i, found in enumerate(results)]


def _take(bounds: Any, lock: Any, *, from_end: bool) -> int | None:
    """The next check to run, from the start or from the end; ``None`` when none is left."""
    with lock:
        if bounds[0] >= bounds[1]:
            return None
        if from_end:
            bounds[1] -= 1
            return int(bounds[1])
        bounds[0] += 1
        return int(bounds[0] - 1)


def _child(run_one: RunOne, bounds: Any, lock: Any, sender: Any) -> None:
    """The forked child: checks from the end of the list, then its problems sent back."""
    done: list[tuple[int, list[Problem]]] = []
    try:
        while (index := _take(bounds, lock, from_end=True)) is not None:
            done.append((index, run_one(index)))
    except Exception:  # run again, and so reported, by the parent
        pass
    sender.send(done)
    sender.close()
