"""Only the live-edit measure of the site bench: ``carnet serve`` on a copy of a
repository, an interaction's subject saved, its company's page polled over HTTP until it
shows it (:func:`site_bench.measure_live_edit`, best of ``--turns``). The whole site
bench (``run.py --only site``) takes about 25 minutes at reference scale; this takes the
server's first build and a few seconds per turn.

Example::

    cp -a /tmp/bench-repo /tmp/live-repo   # never the original: the edits stay
    .venv/bin/python bench/live_edit.py /tmp/live-repo --turns 3
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import site_bench
from run import Result


@dataclass
class _Scratch:
    scratch: Path


def main(argv: list[str] | None = None) -> int:
    """Run the measure and print its times and the server's CPU seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a copy of an error-free repository")
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="carnet-live-") as scratch:
        started = time.perf_counter()
        result = site_bench.measure_live_edit(
            _Scratch(Path(scratch)), Result, args.repo, args.turns
        )
        elapsed = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.failed:
        print(f"failed: {result.failed}")
        return 1
    runs = ", ".join(f"{seconds:.2f}" for seconds in result.runs)
    print(f"live edit: best {result.seconds:.2f} s (turns: {runs})")
    print(f"in all {elapsed:.0f} s, server CPU {used.ru_utime + used.ru_stime:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
