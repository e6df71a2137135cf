"""Site benchmark: `carnet build` against MkDocs alone building the same Markdown.

Measured on an error-free repository of the same scale (a site is only built from
valid data):

* floor — ``mkdocs build`` of the Markdown and ``mkdocs.yml`` that Carnet staged,
  clean, in a fresh process;
* full build — ``carnet build`` with a warm validate cache but no site yet (the site
  folder and the staged pages are deleted before each run); target ≤ 1.3× floor;
* one-record rebuild — ``carnet build`` after editing one interaction (its state);
  target ≤ 0.05× the full build;
* live edit — under ``carnet serve``, from the edit saved to the interaction's page
  served with the new subject, polled by an HTTP client; target ≤ 1 s;
* peak RSS of each (target ≤ 1 GiB).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
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
        full.target_ratio = 1.1
    if not (one.failed or full.failed):
        one.ratio = one.seconds / full.seconds
        one.target_ratio = 0.05
        one.notes = {"ratio_to": "site-full"}
    full.notes = {"ratio_to": "site-floor"}
    floor.ratio = 1.0
    return [floor, full, one, measure_live_edit(bench, result_type, repo)]


def measure_live_edit(bench: Any, result_type: Any, repo: Path, turns: int = 3) -> Any:
    """Seconds from an interaction's subject saved to its company's page served with it, under
    ``carnet serve`` (best of ``turns``); the server's own first build is not counted."""
    args = [sys.executable, "-m", "generator", "--repo", str(repo), "--today", TODAY]
    log = bench.scratch / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [*args, "serve", "--port", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        address = _wait_for_address(log, server)
        if address is None:
            failure = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            return result_type("site-live-edit", "carnet serve", 0, [], 0, failed=failure)
        times = []
        paths = sorted((repo / "data" / "interactions").rglob("*.yaml"))
        for turn in range(turns):
            path, company = _interaction_with_company(paths, (turn + 1) * 11)
            url = f"{address}societes/{company}/"  # its card is on its company's page
            marker = f"Sujet modifie {os.getpid()}-{turn}-{time.time_ns()}"
            text = path.read_text(encoding="utf-8")
            edited = re.sub(r"(?m)^subject: .*$", f"subject: {marker}", text, count=1)
            started = time.perf_counter()
            path.write_text(edited, encoding="utf-8")
            seconds = _poll_for(url, marker, started, limit=120)
            times.append(seconds)
            time.sleep(1.0)  # let the server settle before the next edit
    finally:
        server.terminate()
        server.wait(timeout=30)
    best = min(times)
    result = result_type("site-live-edit", "carnet serve : modification visible", best, times, 0)
    result.target_ratio = None
    result.notes = {"target_s": 1.0, "ok": best <= 1.0}
    return result


def _interaction_with_company(paths: list[Path], start: int) -> tuple[Path, str]:
    """The first interaction from ``start`` on that names a company, and that company."""
    for path in paths[start:] + paths[:start]:
        found = re.search(r"(?m)^company: ([\w-]+)", path.read_text(encoding="utf-8"))
        if found:
            return path, found.group(1)
    raise RuntimeError("no interaction names a company")


def _wait_for_address(log: Path, server: subprocess.Popen[bytes]) -> str | None:
    """The address ``carnet serve`` announces once its first build is served."""
    while server.poll() is None:
        found = re.search(rb"http://[0-9.]+:\d+/", log.read_bytes())
        if found:
            return found.group().decode()
        time.sleep(0.2)
    return None


def _poll_for(url: str, marker: str, started: float, limit: float) -> float:
    """Seconds from ``started`` until ``url`` answers with ``marker`` in its text."""
    while time.perf_counter() - started < limit:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if marker in answer.read().decode("utf-8", "replace"):
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    return float("inf")
