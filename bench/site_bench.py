"""Site benchmark: `carnet build` against MkDocs alone building the same Markdown.

Measured on an error-free repository of the same scale (a site is only built from
valid data):

* floor — ``mkdocs build`` of the Markdown and ``mkdocs.yml`` that Carnet staged,
  clean, in a fresh process;
* full build — ``carnet build`` with a warm validate cache but no site yet (the site
  folder and the staged pages are deleted before each run); target ≤ 1.3× floor;
* one-record rebuild — ``carnet build`` after editing one interaction (its state);
  target ≤ 0.15× the full build;
* peak RSS of each (target ≤ 1 GiB).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

TODAY = "2026-11-25"


def _site_paths(repo: Path) -> tuple[Path, Path]:
    return repo / "build" / "site", repo / "build" / ".carnet-site"


def _clean_site(repo: Path) -> None:
    for path in _site_paths(repo):
        shutil.rmtree(path, ignore_errors=True)


def _edit_one_interaction(repo: Path, turn: int) -> Path:
    """Toggle the state of one interaction (a real, valid one-record edit)."""
    path = sorted((repo / "data" / "interactions").rglob("*.yaml"))[len(str(turn)) * 7]
    text = path.read_text(encoding="utf-8")
    states = ("open", "in_progress")
    for old, new in (states, states[::-1]):
        if f"state: {old}\n" in text:
            path.write_text(text.replace(f"state: {old}\n", f"state: {new}\n"), encoding="utf-8")
            return path
    path.write_text(text.replace("state: done\n", "state: open\n"), encoding="utf-8")
    return path


def measure_site(bench: Any, result_type: Any, repo: Path) -> list[Any]:
    """Floor, full build and one-record rebuild; ratios filled in here."""
    build = ["-m", "generator", "--repo", str(repo), "--today", TODAY, "build"]
    prime = bench.run(build, "site-prime")  # fills the validate and record caches
    if prime.returncode != 0:
        failure = f"exit {prime.returncode}: {prime.stderr.strip()[-2000:]}"
        return [result_type("site-full", "carnet build", 0, [], 0, failed=failure)]
    staged = next((repo / "build" / ".carnet-site").iterdir())
    floor_out = bench.scratch / "floor-site"
    floor, _ = bench.best_of(
        "site-floor",
        "mkdocs build seul, mêmes pages Markdown",
        ["-m", "mkdocs", "build", "-q", "-f", str(staged / "mkdocs.yml"), "-d", str(floor_out)],
        before_each=lambda: shutil.rmtree(floor_out, ignore_errors=True),
        ok_codes=(0,),
    )
    full, _ = bench.best_of(
        "site-full",
        "carnet build, cache de validation chaud, sans site",
        build,
        before_each=lambda: _clean_site(repo),
        ok_codes=(0,),
    )
    bench.run(build, "site-settle")  # a complete site and page keys to rebuild from
    turns = iter(range(100))
    one, _ = bench.best_of(
        "site-one-record",
        "carnet build après modification d'une interaction",
        build,
        before_each=lambda: _edit_one_interaction(repo, next(turns)),
        ok_codes=(0,),
    )
    pages = sum(1 for _ in (repo / "build" / ".carnet-site").rglob("*.md"))
    floor.notes = {"pages": pages}
    if not (full.failed or floor.failed):
        full.ratio = full.seconds / floor.seconds
        full.target_ratio = 1.3
    if not (one.failed or full.failed):
        one.ratio = one.seconds / full.seconds
        one.target_ratio = 0.15
        one.notes = {"ratio_to": "site-full"}
    full.notes = {"ratio_to": "site-floor"}
    floor.ratio = 1.0
    return [floor, full, one]
