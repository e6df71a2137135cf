"""Work shared between this process and forked workers, chunk by chunk.

``jobs - 1`` workers take chunks from the start of the list while this process takes them
from its end, as long as no worker has started them (a chunk still waiting is cancelled
and done here). This process is never idle, its own results are never pickled, and the
shares balance whatever else the machine runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")


def shared_map(
    work: Callable[[Chunk], Result],
    chunks: Sequence[Chunk],
    jobs: int,
    finished: Callable[[int], None] | None = None,
) -> list[Result]:
    """``work`` of each chunk, in the order of ``chunks``, on ``jobs`` processes (this one
    included). ``work`` must be a module's function; workers are forked, so whatever this
    process has loaded is theirs too. ``finished`` hears, in this process, how many
    chunks are done so far (after each chunk done here, and at the end)."""
    tell = finished or (lambda _: None)
    if jobs <= 1 or len(chunks) < 2:
        results = []
        for chunk in chunks:
            results.append(work(chunk))
            tell(len(results))
        return results
    from concurrent.futures import ProcessPoolExecutor  # a run with nothing to share skips it
    from multiprocessing import get_context

    here: list[tuple[Result] | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=get_context("fork")) as pool:
        futures = [pool.submit(work, chunk) for chunk in chunks]
        for i in range(len(chunks) - 1, -1, -1):
            if not futures[i].cancel():
                break  # a worker has it: every chunk before it is theirs too
            here[i] = (work(chunks[i]),)
            tell(sum(1 for done in here if done) + sum(1 for f in futures if f.done()))
        results = [
            done[0] if done is not None else future.result()
            for done, future in zip(here, futures, strict=True)
        ]
    tell(len(chunks))
    return results
