"""Write a deterministic synthetic Carnet repository for benchmarks.

Example::

    python bench/generate.py --scale 1 --out /tmp/bench-repo
    python bench/generate.py --scale 0.1 --out /tmp/small --git-commits 2000

Scale 1 is the reference: 2,000 companies, 6,000 contacts, 200 projects, 50,000
interactions, 300 products, 5,000 stock movements, plus a dozen seeded errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from synth.crm import write_companies, write_contacts, write_projects, write_settings
from synth.history import write_history
from synth.interactions import write_interactions
from synth.seeded import seed_errors
from synth.stock import write_movements, write_products
from synth.world import World

TODAY = dt.date(2026, 11, 30)
KIND_FOLDERS = (
    ("companies", "data/companies/"),
    ("contacts", "data/contacts/"),
    ("projects", "data/projects/"),
    ("interactions", "data/interactions/"),
    ("products", "data/stock/products/"),
    ("movements", "data/stock/movements/"),
    ("settings", "data/settings.yaml"),
)


@dataclass
class Summary:
    """What was generated: file counts per kind, seeded errors, sizes and timings."""

    counts: dict[str, int]
    seeded: list[tuple[str, str]]
    total_bytes: int
    seconds: float
    git_commits: int = 0
    git_seconds: float = 0.0
    paths: list[str] = field(default_factory=list, repr=False)


def build_world(scale: float, seed: int = 42, errors: bool = True) -> World:
    """Generate every record in memory (paths → YAML text), deterministically."""
    world = World(rng=random.Random(seed), scale=scale, today=TODAY, first_day=dt.date(2019, 1, 1))
    write_settings(world)
    write_companies(world)
    write_contacts(world)
    write_projects(world)
    write_products(world)
    write_interactions(world)
    write_movements(world)
    if errors:
        seed_errors(world)
    return world


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write `files` under `root`, creating folders as needed."""
    made: set[Path] = set()
    for rel, text in files.items():
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def generate(
    out: Path, scale: float = 1.0, seed: int = 42, git_commits: int = 0, errors: bool = True
) -> Summary:
    """Replace `out/data` (and `out/.git` when `git_commits` > 0) with a synthetic repository."""
    started = time.perf_counter()
    world = build_world(scale, seed, errors)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "data", ignore_errors=True)
    git_seconds = 0.0
    if git_commits > 0:
        shutil.rmtree(out / ".git", ignore_errors=True)
        git_started = time.perf_counter()
        write_history(world, out, git_commits)
        git_seconds = time.perf_counter() - git_started
    else:
        write_files(out, world.files)
    counts: Counter[str] = Counter()
    for rel in world.files:
        counts[next(kind for kind, prefix in KIND_FOLDERS if rel.startswith(prefix))] += 1
    return Summary(
        counts={kind: counts[kind] for kind, _ in KIND_FOLDERS},
        seeded=world.seeded,
        total_bytes=sum(len(t.encode()) for t in world.files.values()),
        seconds=time.perf_counter() - started,
        git_commits=git_commits,
        git_seconds=git_seconds,
        paths=sorted(world.files),
    )


def print_summary(summary: Summary, out: Path) -> None:
    """Human-readable report of a generation run."""
    print(f"Wrote {sum(summary.counts.values()):,} files to {out}/data", end="")
    print(f" ({summary.total_bytes / 2**20:.1f} MiB) in {summary.seconds:.1f} s")
    for kind, n in summary.counts.items():
        print(f"  {kind:<13} {n:>7,}")
    if summary.git_commits:
        print(f"git: {summary.git_commits:,} commits in {summary.git_seconds:.1f} s")
    print(f"Seeded errors ({len(summary.seeded)}):")
    for path, what in summary.seeded:
        print(f"  {path}: {what}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = reference size")
    parser.add_argument("--out", type=Path, required=True, help="repository folder")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--git-commits", type=int, default=0, help="history length (0: no git)")
    parser.add_argument("--no-errors", action="store_true", help="do not seed errors")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    summary = generate(args.out, args.scale, args.seed, args.git_commits, not args.no_errors)
    print_summary(summary, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
