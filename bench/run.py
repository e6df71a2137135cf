"""Measure Carnet against the floor of parsing every YAML file, on the same files.

Example::

    .venv/bin/python bench/run.py                      # scale 1, temporary repository
    .venv/bin/python bench/run.py --scale 0.1 --only validate-warm
    .venv/bin/python bench/run.py --repo /tmp/bench-repo --keep --json

Every measurement runs in a fresh subprocess of this same Python (interpreter start
counts on both sides), best of `--runs` wall-clock times; peak RSS is the command's
and each of its descendants' (worker processes, git) own peaks summed, read from
`/proc` while it runs (:class:`TreePeaks`; `os.wait4`'s largest process elsewhere). To add a
section (site build, invoices, stock), write a function `(Bench) -> Result` and list
it in `MEASUREMENTS`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import generate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RSS_TARGET_MIB = 1024
FLOOR_SCRIPT = """\
import sys
import time
from pathlib import Path
import yaml
files = sorted(Path(sys.argv[1], "data").rglob("*.yaml"))
load, loader = yaml.load, yaml.CSafeLoader
failed = 0
started = time.perf_counter()
for path in files:
    with open(path, "rb") as handle:
        try:
            load(handle, Loader=loader)
        except Exception:  # the seeded syntax and date errors
            failed += 1
print(len(files), failed, time.perf_counter() - started)
"""
"""The floor: libyaml's CSafeLoader over every file opened in binary, timed inside one
process with a warm page cache (interpreter start and the file listing left out): the
fastest honest way to parse the same files."""


class TreePeaks:
    """The peak RSS of a process and of each of its descendants, summed (what the issue
    calls the peak memory of a command: its workers and git included, each at its own
    peak), read from ``/proc`` every few milliseconds while it runs (each process's own
    ``VmHWM``, through the tasks' ``children`` lists). A process born and gone between
    two readings is missed: short-lived ones (git) are small."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every = pid, every
        self.peaks: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.is_set():
            self._read(self.pid)
            self._done.wait(self.every)

    def _read(self, pid: int) -> None:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            hwm = int(status.split("VmHWM:", 1)[1].split()[0])
            children = [
                int(child)
                for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()
            ]
        except (OSError, IndexError, ValueError):
            return
        self.peaks[pid] = max(hwm, self.peaks.get(pid, 0))
        for child in children:
            self._read(child)

    def stop(self, waited_peak_kib: int) -> int:
        """Stop watching; the summed peaks in KiB (``waited_peak_kib``: the peak
        ``wait4`` gave, used only if the command was never read: it is the largest of
        the command and its reaped descendants, not the command's own)."""
        self._done.set()
        self._thread.join()
        self.peaks.setdefault(self.pid, waited_peak_kib)
        return sum(self.peaks.values())


@dataclass
class ChildRun:
    """One subprocess: wall-clock seconds, peak RSS (KiB: the command's and its
    descendants' peaks summed, :class:`TreePeaks`), exit code, captured output."""

    seconds: float
    max_rss_kib: int
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Result:
    """The figures of one measurement; `ratio` is filled in against the floor."""

    name: str
    description: str
    seconds: float
    runs: list[float]
    peak_rss_mib: float
    target_ratio: float | None = None
    ratio: float | None = None
    failed: str | None = None
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def time_ok(self) -> bool | None:
        """True/False against the target ratio; None when there is no target."""
        if self.failed:
            return False
        if self.target_ratio is None or self.ratio is None:
            return None
        return self.ratio <= self.target_ratio

    @property
    def rss_ok(self) -> bool:
        """Peak RSS within `RSS_TARGET_MIB`."""
        return self.peak_rss_mib <= RSS_TARGET_MIB


@dataclass
class Bench:
    """What every measurement needs: the repository, the runs count, a scratch folder."""

    repo: Path
    runs: int
    scratch: Path
    seeded: list[tuple[str, str]] | None = None
    scale: float = 1.0
    seed: int = 42
    history_commits: int = 20000
    floor_samples: list[float] = field(default_factory=list)
    """Every timing of the floor, taken alternately with the commands measured against it."""
    floor_notes: dict[str, object] = field(default_factory=dict)
    _clean: dict[int, Path] = field(default_factory=dict)

    def sample_floor(self) -> None:
        """Time the floor once more (see :data:`FLOOR_SCRIPT`)."""
        run = self.run(["-c", FLOOR_SCRIPT, str(self.repo)], f"floor-{len(self.floor_samples)}")
        if run.returncode != 0:
            raise RuntimeError(f"the floor failed: {run.stderr.strip()[-2000:]}")
        files, failed, seconds = run.stdout.split()
        self.floor_samples.append(float(seconds))
        self.floor_notes = {"files": int(files), "unparsable": int(failed)}

    def clean_repo(self, git_commits: int = 0) -> Path:
        """An error-free repository of the same scale (generated once per history size)."""
        if git_commits not in self._clean:
            target = self.scratch / f"clean-{git_commits}"
            generate.generate(target, self.scale, self.seed, git_commits, False)
            shutil.copy(PROJECT_ROOT / "mkdocs.yml", target / "mkdocs.yml")
            self._clean[git_commits] = target
        return self._clean[git_commits]

    def run(self, args: list[str], label: str) -> ChildRun:
        """Run `args` once with this interpreter; output captured in the scratch folder."""
        out_path, err_path = self.scratch / f"{label}.out", self.scratch / f"{label}.err"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=PROJECT_ROOT,
            )
            peaks = TreePeaks(proc.pid) if Path("/proc/self/status").exists() else None
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
        own = usage.ru_maxrss  # with no /proc: the largest process's peak
        return ChildRun(
            seconds,
            peaks.stop(own) if peaks is not None else own,
            proc.returncode,
            out_path.read_text(encoding="utf-8", errors="replace"),
            err_path.read_text(encoding="utf-8", errors="replace"),
        )

    def carnet(self, *args: str) -> list[str]:
        """Arguments of a `carnet` command on the bench repository."""
        return ["-m", "generator", "--repo", str(self.repo), *args]

    def best_of(
        self,
        name: str,
        description: str,
        args: list[str],
        before_each: Callable[[], None] = lambda: None,
        ok_codes: tuple[int, ...] = (0, 1),
        alternate: bool = False,
    ) -> tuple[Result, ChildRun]:
        """Run `args` `self.runs` times; the best time, the max peak RSS, the last run.
        ``alternate``: time the floor before each run too (ratios side by side)."""
        times, rss, last = [], 0, None
        for i in range(self.runs):
            if alternate:
                self.sample_floor()
            before_each()
            last = self.run(args, f"{name}-{i}")
            if last.returncode not in ok_codes:
                failure = f"exit {last.returncode}: {last.stderr.strip()[-2000:]}"
                return Result(name, description, last.seconds, [], 0, failed=failure), last
            times.append(last.seconds)
            rss = max(rss, last.max_rss_kib)
        assert last is not None
        return Result(name, description, min(times), times, rss / 1024), last


def measure_floor(bench: Bench) -> Result:
    """Bare `yaml.load(…, CSafeLoader)` of every file, in one process (best of every
    sample: these, and those taken alternately with validate)."""
    for _ in range(bench.runs):
        bench.sample_floor()
    return Result("floor", "yaml.load(CSafeLoader) de chaque fichier", 0.0, [], 0.0)


def _validate_notes(bench: Bench, run: ChildRun) -> dict[str, object]:
    """Problems by severity and whether each seeded error was reported."""
    try:
        problems = json.loads(run.stdout)
    except json.JSONDecodeError:
        return {"json": "invalid output"}
    notes: dict[str, object] = dict(Counter(p["severity"] for p in problems))
    if bench.seeded is not None:
        reported = {p["path"] for p in problems}
        missed = [
            path
            for path, what in bench.seeded
            if not reported & {path, *re.findall(r"data/\S+\.yaml", what)}
        ]
        notes["seeded"] = f"{len(bench.seeded) - len(missed)}/{len(bench.seeded)} reported"
        if missed:
            notes["missed"] = missed
    return notes


def _drop_cache(bench: Bench) -> None:
    shutil.rmtree(bench.repo / ".carnet-cache", ignore_errors=True)


def measure_validate_cold(bench: Bench) -> Result:
    """`carnet validate` with no cache (deleted before each run)."""
    args = bench.carnet("validate", "--format", "json")
    result, last = bench.best_of(
        "validate-cold",
        "carnet validate, sans cache",
        args,
        lambda: _drop_cache(bench),
        alternate=True,
    )
    result.target_ratio = 0.6
    if not result.failed:
        result.notes = _validate_notes(bench, last)
    return result


def measure_validate_warm(bench: Bench) -> Result:
    """`carnet validate` again, nothing changed since the cache was written."""
    args = bench.carnet("validate", "--format", "json")
    if not (bench.repo / ".carnet-cache").exists():
        bench.run(args, "validate-prime")
    result, last = bench.best_of(
        "validate-warm", "carnet validate, cache chaud", args, alternate=True
    )
    result.target_ratio = 0.05
    if not result.failed:
        result.notes = _validate_notes(bench, last)
    return result


def measure_site(bench: Bench) -> list[Result]:
    """The internal site (issue 4): its own floor is MkDocs alone; see site_bench.py."""
    import site_bench

    repo = bench.clean_repo()
    return site_bench.measure_site(bench, Result, repo)


def measure_history(bench: Bench) -> list[Result]:
    """History of every record against one bare `git log --name-status` (20,000 commits)."""
    import history_bench

    repo = bench.clean_repo(git_commits=bench.history_commits)
    figures = history_bench.measure_history(repo)
    result = Result(
        "history",
        f"historique de chaque fiche, {bench.history_commits} commits",
        figures["history_s"],
        [figures["history_s"]],
        figures.get("peak_rss_mib", 0.0),
        target_ratio=2.0,
        ratio=figures["ratio"],
        notes={"ratio_to": "git log --name-status", "git_log_s": round(figures["floor_s"], 2)},
    )
    return [result]


def measure_extranet(bench: Bench) -> Result:
    """A client extranet of 2,000 interactions (its own synthetic project): see extranet_bench.py."""
    args = ["bench/extranet_bench.py", "--json", "--runs", str(bench.runs)]
    run = bench.run(args, "extranet")
    name, description = "extranet", "chiffrement d'un extranet (2 000 interactions)"
    if run.returncode != 0:
        failure = f"exit {run.returncode}: {run.stderr.strip()[-2000:]}"
        return Result(name, description, 0, [], 0, failed=failure)
    f = json.loads(run.stdout)
    seconds = f["derive_s"] + f["seal_s"]
    return Result(
        name,
        description,
        seconds,
        [seconds],
        run.max_rss_kib / 1024,
        target_ratio=f["targets"]["ratio"],
        ratio=f["ratio"],
        notes={
            "ratio_to": f"build sans chiffrement {f['unencrypted_build_s']:.2f} s",
            "pbkdf2_chromium_ms": round(f["pbkdf2_ms"]),
            "unlock_overhead_ms": round(f["unlock_overhead_ms"], 1),
            "page_decrypt_ms": round(f["page_decrypt_ms"], 1),
        },
    )


def measure_stock(bench: Bench) -> list[Result]:
    """Stock levels and reports (issue 7) as ratios to a cold validate; see stock_bench.py."""
    import stock_bench

    return stock_bench.measure_stock(bench, Result, bench.clean_repo())


def measure_documents(bench: Bench) -> list[Result]:
    """500 issued invoices against bare WeasyPrint + factur-x (issue 6); see documents_bench.py."""
    import documents_bench

    return documents_bench.measure_documents(bench, Result)


def measure_hostile(bench: Bench) -> list[Result]:
    """Validate on 20,000 and 100,000 unknown keys and on a billion-laughs file (linear
    growth, aliases refused unexpanded); see hostile_bench.py."""
    import hostile_bench

    return hostile_bench.measure_hostile(bench, Result)


MEASUREMENTS: list[tuple[str, Callable[[Bench], Result | list[Result]]]] = [
    ("floor", measure_floor),
    ("validate-cold", measure_validate_cold),
    ("validate-warm", measure_validate_warm),
    ("site", measure_site),
    ("history", measure_history),
    ("extranet", measure_extranet),
    ("stock", measure_stock),
    ("documents", measure_documents),
    ("hostile", measure_hostile),
]


def warm_page_cache(repo: Path) -> int:
    """Read every file under `data/` once (page cache); their total size in bytes."""
    return sum(len(p.read_bytes()) for p in (repo / "data").rglob("*") if p.is_file())


def count_files(repo: Path) -> dict[str, int]:
    """YAML files per record kind, as `generate.KIND_FOLDERS` names them."""
    counts: Counter[str] = Counter()
    for path in (repo / "data").rglob("*.yaml"):
        rel = path.relative_to(repo).as_posix()
        counts[next((k for k, p in generate.KIND_FOLDERS if rel.startswith(p)), "other")] += 1
    return {k: counts[k] for k, _ in [*generate.KIND_FOLDERS, ("other", "")] if counts[k]}


def print_table(results: list[Result], counts: dict[str, int], size: int) -> None:
    """The human-readable report."""
    print("Files: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), end="")
    print(f" — {sum(counts.values()):,} files, {size / 2**20:.1f} MiB")
    print(f"{'measurement':<15}{'best s':>9}{'× floor':>9}{'target':>9}  {'time':<5}", end="")
    print(f"{'peak RSS MiB':>14}  {'≤ 1 GiB':<7} notes")
    for r in results:
        if r.failed:
            print(f"{r.name:<15}  FAILED {r.failed}")
            continue
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        target = f"≤ {r.target_ratio}" if r.target_ratio is not None else "—"
        verdict = {True: "OK", False: "MISS", None: ""}[r.time_ok]
        notes = ", ".join(f"{k}={v}" for k, v in r.notes.items())
        print(f"{r.name:<15}{r.seconds:>9.2f}{ratio:>9}{target:>9}  {verdict:<5}", end="")
        print(f"{r.peak_rss_mib:>14.0f}  {'OK' if r.rss_ok else 'MISS':<7} {notes}")
        if len(r.runs) > 1:
            print(f"{'':<15}runs: " + ", ".join(f"{t:.2f}" for t in r.runs))


def prepare_repo(args: argparse.Namespace) -> tuple[Path, list[tuple[str, str]] | None, bool]:
    """The repository to measure, its seeded errors when generated now, and whether to delete it."""
    if args.repo and (args.repo / "data" / "settings.yaml").exists():
        return args.repo, None, False
    repo = args.repo or Path(tempfile.mkdtemp(prefix="carnet-bench-"))
    summary = generate.generate(repo, args.scale, args.seed, args.git_commits)
    print(
        f"Generated scale {args.scale} in {summary.seconds:.1f} s: {repo}",
        file=sys.stderr if args.json else sys.stdout,
    )
    return repo, summary.seeded, args.repo is None and not args.keep


def byte_compile() -> None:
    """Byte-compile Carnet's code once, as installing a package does: with an editable
    install under ``PYTHONDONTWRITEBYTECODE`` every run would compile it again (0.05 s for
    a warm validate, 0.1 s cold), which no installed Carnet pays."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(PROJECT_ROOT / "generator")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: 0 measured, 1 a target missed (with --check), 2 a failure."""
    names = [name for name, _ in MEASUREMENTS]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="generated size (1 = reference)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repo", type=Path, help="measure this repository (generated if empty)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.add_argument("--git-commits", type=int, default=0, help="history to generate")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument(
        "--history-commits",
        type=int,
        default=20000,
        help="commits of the history measured by 'history'",
    )
    parser.add_argument("--only", action="append", choices=names, help="measure only this")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    try:
        import yaml

        yaml.CSafeLoader  # noqa: B018 — the floor is meaningless without libyaml
    except (ImportError, AttributeError):
        parser.error(f"{sys.executable} has no PyYAML with libyaml (CSafeLoader)")
    repo, seeded, delete = prepare_repo(args)
    byte_compile()
    try:
        size = warm_page_cache(repo)
        counts = count_files(repo)
        with tempfile.TemporaryDirectory(prefix="carnet-bench-out-") as scratch:
            bench = Bench(
                repo, args.runs, Path(scratch), seeded, args.scale, args.seed, args.history_commits
            )
            wanted = {"floor", *(args.only or names)}
            results: list[Result] = []
            for name, measure in MEASUREMENTS:
                if name in wanted:
                    measured = measure(bench)
                    results.extend(measured if isinstance(measured, list) else [measured])
    finally:
        if delete:
            shutil.rmtree(repo, ignore_errors=True)
    floor = results[0]
    floor.runs = list(bench.floor_samples)
    floor.seconds = min(floor.runs)
    floor.notes = bench.floor_notes
    for r in results[1:]:
        if r.ratio is None and not r.failed and not floor.failed:
            r.ratio = r.seconds / floor.seconds
    if args.json:
        payload = {
            "scale": args.scale if seeded is not None else None,
            "repo": str(repo) if not delete else None,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "files": counts,
            "bytes": size,
            "results": [asdict(r) | {"time_ok": r.time_ok, "rss_ok": r.rss_ok} for r in results],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print_table(results, counts, size)
    if any(r.failed for r in results):
        return 2
    missed = any(r.time_ok is False or not r.rss_ok for r in results)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
