"""Hostile inputs: `carnet validate` on one file of 20,000 then 100,000 unknown keys, and
on a 1 KB billion-laughs file (nested aliases). Growth must be linear in the keys, and
the aliases refused before anything is built.

Example::

    .venv/bin/python bench/hostile_bench.py                 # prints seconds per case
    .venv/bin/python bench/run.py --only hostile            # the same, inside run.py

Each case is a fresh `carnet validate --no-cache --format json` of a tiny repository
(the example's settings and that one company file), best of `--runs`. The notes give
the time per thousand keys above a run without any (keys-0), whose ratio between the two sizes is 1
when growth is linear (it was 5 × 5 = 25 when each key was looked up by a scan).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEYS = (20_000, 100_000)


def many_keys(count: int) -> str:
    """A company with ``count`` unknown keys."""
    return "name: Clés\nkind: client\n" + "".join(f"cle-{n}: {n}\n" for n in range(count))


def billion_laughs() -> str:
    """Nine lists of nine aliases to the previous one: 9⁹ strings once expanded."""
    lines = ["name: Rires", "kind: client", 'l0: &l0 ["ha", "ha", "ha", "ha", "ha"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


CASES = {
    "keys-0": "name: Rien\nkind: client\n",
    **{f"keys-{count // 1000}k": many_keys(count) for count in KEYS},
    "laughs": billion_laughs(),
}


def make_repo(root: Path, company: str) -> Path:
    """A repository holding the example's settings and one company file."""
    (root / "data" / "companies").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "data" / "settings.yaml", root / "data" / "settings.yaml")
    (root / "data" / "companies" / "cas.yaml").write_text(company, encoding="utf-8")
    return root


def validate_args(repo: Path) -> list[str]:
    """Arguments of the measured command (after the interpreter)."""
    return ["-m", "generator", "--repo", str(repo), "validate", "--no-cache", "--format", "json"]


def notes(seconds: dict[str, float]) -> dict[str, Any]:
    """Per-thousand-key cost above the empty run, and its ratio between the two sizes."""
    per_k = {
        count: (seconds[f"keys-{count // 1000}k"] - seconds["keys-0"]) / (count / 1000)
        for count in KEYS
    }
    small, large = (per_k[count] for count in KEYS)
    return {
        "ms_per_1000_keys": {f"{count // 1000}k": round(v * 1000, 1) for count, v in per_k.items()},
        "growth": round(large / small, 2) if small > 0 else None,
    }


def measure_hostile(bench: Any, result_type: type) -> list[Any]:
    """The cases as run.py results (no target ratio; growth in the notes)."""
    results, seconds = [], {}
    for name, company in CASES.items():
        repo = make_repo(bench.scratch / f"hostile-{name}", company)
        result, _ = bench.best_of(name, f"validate, {name}", validate_args(repo))
        seconds[name] = result.seconds
        results.append(result)
    results[-2].notes = notes(seconds)
    return results


def main(argv: list[str] | None = None) -> int:
    """Print the seconds of each case and the growth from 20,000 to 100,000 keys."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (best kept)")
    args = parser.parse_args(argv)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="carnet-hostile-") as scratch:
        for name, company in CASES.items():
            repo = make_repo(Path(scratch) / name, company)
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                run = subprocess.run(
                    [sys.executable, *validate_args(repo)], capture_output=True, check=False
                )
                times.append(time.perf_counter() - started)
                if run.returncode not in (0, 1):
                    print(f"{name}: exit {run.returncode}\n{run.stderr.decode()[-2000:]}")
                    return 2
            seconds[name] = min(times)
            print(f"{name:<10}{seconds[name]:>8.2f} s")
    print(notes(seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
