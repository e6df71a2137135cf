"""Benchmark of the git audit trail against one bare ``git log`` pass.

Example::

    python bench/generate.py --scale 0.2 --out /tmp/hist-repo --git-commits 20000
    python bench/history_bench.py --repo /tmp/hist-repo

The floor is ``git log --name-status -z -- data`` (one pass, output discarded). The
measure is a fresh Python process computing the history of every record with a cold
cache (the history cache deleted first): ``load_history`` then
``changes_of`` for each record file. Best of 3 each; the target is a ratio ≤ 2.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_HISTORY_OF_EVERY_RECORD = """
import sys
from pathlib import Path
from generator.history.reader import load_history
from generator.files.sources import discover
repo = Path(sys.argv[1])
history = load_history(repo)
files, _ = discover(repo)
changes = sum(len(history.changes_of(f.path)) for f in files)
print(len(files), len(history.commits), changes, history.git_calls)
"""


def _timed(args: list[str], cwd: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, check=True)
    return time.perf_counter() - start, done.stdout.decode("utf-8", "replace")


def _cold(repo: Path) -> None:
    """Delete the history cache (``history-<code digest>.json``, ``history.pickle`` before)."""
    for stale in (repo / ".carnet-cache").glob("history*"):
        stale.unlink(missing_ok=True)


def measure_history(repo: Path, runs: int = 3) -> dict[str, float]:
    """Best-of-``runs`` seconds of the bare log pass and of a cold full history, and their
    ratio; also the warm (cached) time and the counts seen."""
    repo = repo.resolve()
    floor = min(
        _timed(["git", "log", "--name-status", "-z", "--", "data"], repo)[0] for _ in range(runs)
    )
    history = float("inf")
    output = ""
    for _ in range(runs):
        _cold(repo)
        seconds, output = _timed([sys.executable, "-c", _HISTORY_OF_EVERY_RECORD, str(repo)], repo)
        history = min(history, seconds)
    warm = min(
        _timed([sys.executable, "-c", _HISTORY_OF_EVERY_RECORD, str(repo)], repo)[0]
        for _ in range(runs)
    )
    records, commits, changes, git_calls = (int(x) for x in output.split())
    return {
        "floor_s": round(floor, 3),
        "history_s": round(history, 3),
        "ratio": round(history / floor, 2),
        "warm_s": round(warm, 3),
        "records": records,
        "commits": commits,
        "changes": changes,
        "git_calls": git_calls,
    }


def main() -> None:
    """Run the benchmark on ``--repo DIR`` and print the figures (``--json`` for machines)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a Carnet repository with git")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (best kept)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure_history(args.repo, args.runs)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['records']:,} records, {result['commits']:,} commits, "
        f"{result['changes']:,} changes, {result['git_calls']} git processes"
    )
    print(f"git log --name-status pass : {result['floor_s']:.2f} s")
    print(f"history of every record    : {result['history_s']:.2f} s (cold cache)")
    print(f"ratio                      : {result['ratio']:.2f}× (target ≤ 2×)")
    print(f"again, from the cache      : {result['warm_s']:.2f} s")


if __name__ == "__main__":
    main()
