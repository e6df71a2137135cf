"""Each process of one command, its own peak memory, and what it was born with.

Example (a full build of a bench repository: its site and staged pages removed first)::

    .venv/bin/python bench/process_peaks.py --repo /tmp/mem-0.3 --clean-site build
    .venv/bin/python bench/process_peaks.py --repo /tmp/mem-0.3 --mkdocs-alone

Runs ``carnet --repo REPO --today 2026-11-25 ARGS…`` in a fresh subprocess of this
Python and reads ``/proc`` every few milliseconds while it runs, as ``run.py``'s
:class:`~run.TreePeaks` does, but keeps each process apart: when it was first seen
(seconds from the start), its parent, its resident size then (for a forked child,
about what its parent held at the fork: fork maps every resident page of the parent
into the child, and ``VmHWM`` counts them again), its own peak (``VmHWM``) and the
peak of its private memory (``RssAnon``). The sum of the peaks is what ``run.py`` reports. ``--mkdocs-alone``: ``mkdocs
build`` of the pages Carnet staged in REPO instead (the site's floor). ``serve``: stopped
once its first build is served.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Seen:
    """One process of the tree, as read from ``/proc``."""

    pid: int
    ppid: int
    born_s: float
    name: str
    rss_at_birth_kib: int
    hwm_kib: int = 0
    anon_kib: int = 0
    last_s: float = 0.0


def _status(pid: int) -> dict[str, str] | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _kib(fields: dict[str, str], key: str) -> int:
    return int(fields.get(key, "0 kB").split()[0])


def _children(pid: int) -> list[int]:
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except (OSError, ValueError):
        return []


def _name(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [part.decode(errors="replace") for part in argv if part]
    return " ".join(words[:3])[:60]


def watch(
    args: list[str], every: float = 0.01, until_served: bool = False
) -> tuple[float, float, list[Seen], int]:
    """Run ``args`` (this Python's arguments); its seconds, its processor seconds (its
    own and those of the descendants it waited for), its processes, its exit code.
    ``until_served``: stopped (SIGTERM) once it prints the address it serves on."""
    with tempfile.TemporaryFile() as output:
        return _watch(args, every, until_served, output.fileno())


def _watch(
    args: list[str], every: float, until_served: bool, output: int
) -> tuple[float, float, list[Seen], int]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
    )
    seen: dict[int, Seen] = {}
    done = threading.Event()

    def read(pid: int, parent: int) -> None:
        fields = _status(pid)
        if fields is None:
            return
        now = time.perf_counter() - started
        if pid not in seen:
            seen[pid] = Seen(pid, parent, round(now, 2), _name(pid), _kib(fields, "VmRSS"))
        entry = seen[pid]
        entry.hwm_kib = max(entry.hwm_kib, _kib(fields, "VmHWM"))
        entry.anon_kib = max(entry.anon_kib, _kib(fields, "RssAnon"))
        entry.last_s = round(now, 2)
        for child in _children(pid):
            read(child, pid)

    def loop() -> None:
        while not done.is_set():
            read(proc.pid, os.getpid())
            if until_served and b"http://" in os.pread(output, 1 << 16, 0):
                os.kill(proc.pid, signal.SIGTERM)  # not terminate(): it would reap it
            done.wait(every)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    thread.join()
    processes = sorted(seen.values(), key=lambda s: s.born_s)
    return seconds, usage.ru_utime + usage.ru_stime, processes, os.waitstatus_to_exitcode(status)


def main() -> None:
    """Print the table of one command's processes (``--json``: as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--clean-site", action="store_true", help="remove the site and staging")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--mkdocs-alone", action="store_true", help="MkDocs on the staged pages")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    if options.clean_site:
        for folder in ("site", ".carnet-site"):
            shutil.rmtree(options.repo / "build" / folder, ignore_errors=True)
    args = ["-m", "generator", "--repo", str(options.repo), "--today", "2026-11-25"]
    if options.mkdocs_alone:
        staged = next((options.repo / "build" / ".carnet-site").glob("*/mkdocs.yml"))
        out = Path(tempfile.mkdtemp(prefix="mkdocs-alone-"))
        args, options.command = ["-m", "mkdocs", "build", "-q", "-f", str(staged)], ["-d", str(out)]
    served = options.command[:1] == ["serve"]
    if served:
        options.command = [*options.command, "--port", "0"]
    seconds, cpu, processes, code = watch([*args, *options.command], until_served=served)
    if options.mkdocs_alone:
        shutil.rmtree(out, ignore_errors=True)
    total = sum(p.hwm_kib for p in processes)
    if options.json:
        figures = {"seconds": seconds, "cpu": cpu, "exit": code, "summed_peak_kib": total}
        print(json.dumps({**figures, "processes": [asdict(p) for p in processes]}, indent=1))
        return
    root = processes[0].pid if processes else 0
    print(f"{' '.join(options.command)}: {seconds:.1f} s ({cpu:.1f} s CPU), exit {code}")
    print("| process | parent | born s | gone s | RSS at birth | VmHWM | RssAnon peak |")
    print("|---|---|---|---|---|---|---|")
    for p in processes:
        who = "command" if p.pid == root else p.name
        parent = "—" if p.pid == root else ("command" if p.ppid == root else str(p.ppid))
        print(
            f"| {p.pid} {who} | {parent} | {p.born_s:.1f} | {p.last_s:.1f} | "
            f"{p.rss_at_birth_kib / 1024:.0f} MiB | {p.hwm_kib / 1024:.0f} MiB | "
            f"{p.anon_kib / 1024:.0f} MiB |"
        )
    print(f"summed peaks: {total / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
