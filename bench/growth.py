"""How Carnet grows with the size of the firm: the same measurements at several scales.

Example::

    .venv/bin/python bench/growth.py --scales 0.1,0.3,1,3 --work /tmp/carnet-growth
    .venv/bin/python bench/growth.py --scales 0.1,0.3 --only validate --runs 1
    .venv/bin/python bench/growth.py --work /tmp/carnet-growth --report-only --write

Each scale runs ``bench/run.py --json`` on its own generated repository (kept in
``--work``, with its figures in ``growth-<scale>.json``, so a scale measured once is
not measured again unless ``--again``, which replaces only the measurements it takes);
the history is measured over ``20,000 × scale`` commits. The report is a table of
seconds and peak memory per measurement and scale, the exponent ``k`` of
``seconds ∝ files^k`` fitted by least squares on the logarithms (1 = linear), and a
log-log plot (matplotlib, ``pip install -e '.[bench]'``).
``--write`` puts the table and the plot into ``bench/README.md`` (between the
``growth`` markers) and ``bench/growth.svg``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
PLOT = HERE / "growth.svg"
START, END = "<!-- growth:start -->", "<!-- growth:end -->"
GROUPS = {
    "validate": ["validate-cold", "validate-warm"],
    "site": ["site"],
    "history": ["history"],
}
SHOWN = [
    ("floor", "floor (yaml.load)"),
    ("validate-cold", "validate, cold"),
    ("validate-warm", "validate, warm"),
    ("site-floor", "MkDocs alone"),
    ("site-full", "full build"),
    ("site-one-record", "build after one edit"),
    ("site-live-edit", "serve: edit visible"),
    ("history", "history of every record"),
]


def measure_scale(scale: float, work: Path, only: list[str], runs: int) -> dict[str, object]:
    """Run ``bench/run.py`` at ``scale`` on the repository kept for it; its JSON figures."""
    repo = work / f"scale-{scale:g}"
    args = [sys.executable, str(HERE / "run.py"), "--json", "--keep", "--repo", str(repo)]
    args += ["--scale", f"{scale:g}", "--runs", str(runs)]
    args += ["--history-commits", str(max(100, round(20000 * scale)))]
    for group in only:
        args += [arg for name in GROUPS[group] for arg in ("--only", name)]
    done = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench/run.py failed at scale {scale:g} (exit {done.returncode})")
    figures = json.loads(done.stdout)
    figures["scale"] = scale
    figures["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return figures


def fitted_exponent(points: list[tuple[float, float]]) -> float | None:
    """The slope ``k`` of ``log y = k log x + c`` by least squares (None under 2 points)."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread


def series(runs: list[dict[str, object]]) -> dict[str, list[tuple[int, float, float]]]:
    """Per measurement: (files, seconds, peak MiB) at each scale measured, smallest first."""
    found: dict[str, list[tuple[int, float, float]]] = {}
    for run in sorted(runs, key=lambda r: float(r["scale"])):  # type: ignore[arg-type]
        files = sum(run["files"].values())  # type: ignore[union-attr]
        for result in run["results"]:  # type: ignore[union-attr]
            if result.get("failed") or not result["seconds"]:
                continue
            point = (files, result["seconds"], result["peak_rss_mib"])
            found.setdefault(result["name"], []).append(point)
    return found


def table(runs: list[dict[str, object]]) -> str:
    """The Markdown table: seconds (and peak MiB) per measurement and scale, and ``k``."""
    runs = sorted(runs, key=lambda r: float(r["scale"]))  # type: ignore[arg-type]
    by_name = series(runs)
    scales = [f"{float(r['scale']):g} ({sum(r['files'].values()):,} files)" for r in runs]  # type: ignore[union-attr, arg-type]
    lines = [
        "| measurement | " + " | ".join(scales) + " | k |",
        "|---|" + "---|" * len(scales) + "---|",
    ]
    for name, label in SHOWN:
        points = by_name.get(name)
        if not points:
            continue
        cells = {files: (seconds, rss) for files, seconds, rss in points}
        row = []
        for run in runs:
            files = sum(run["files"].values())  # type: ignore[union-attr]
            if files not in cells:
                row.append("—")
                continue
            seconds, rss = cells[files]
            row.append(f"{seconds:.2f} s" + (f", {rss:,.0f} MiB" if rss else ""))
        k = fitted_exponent([(f, s) for f, s, _ in points])
        exponent = f"{k:.2f}" if k is not None else "—"
        lines.append(f"| {label} | " + " | ".join(row) + f" | {exponent} |")
    return "\n".join(lines)


def plot(runs: list[dict[str, object]], path: Path) -> None:
    """A log-log plot of seconds against files, one line per measurement."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8.5, 4.2))
    by_name = series(runs)
    for name, label in SHOWN:
        points = by_name.get(name)
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("YAML files")
    axes.set_ylabel("seconds")
    axes.grid(True, which="both", linewidth=0.3)
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.tight_layout()
    figure.savefig(path, metadata={"Date": None})
    pyplot.close(figure)


def write_readme(text: str) -> None:
    """Replace the block between the growth markers of ``bench/README.md``."""
    readme = README.read_text(encoding="utf-8")
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure each scale (unless kept), then print (and with --write store) the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="0.1,0.3,1,3", help="comma-separated scales")
    parser.add_argument("--work", type=Path, default=Path("/tmp/carnet-growth"))
    parser.add_argument("--only", action="append", choices=sorted(GROUPS), help="measure only")
    parser.add_argument("--runs", type=int, default=1, help="runs per measurement (best kept)")
    parser.add_argument("--again", action="store_true", help="measure scales already measured")
    parser.add_argument("--report-only", action="store_true", help="measure nothing")
    parser.add_argument("--write", action="store_true", help="update bench/README.md and plot")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    for scale in (float(s) for s in args.scales.split(",")):
        kept = args.work / f"growth-{scale:g}.json"
        if args.report_only or (kept.exists() and not args.again):
            continue
        figures = measure_scale(scale, args.work, args.only or sorted(GROUPS), args.runs)
        if kept.exists():  # measurements of other groups, kept (``--again --only x``)
            earlier = json.loads(kept.read_text(encoding="utf-8"))
            fresh = {r["name"] for r in figures["results"]}  # type: ignore[union-attr]
            others = [r for r in earlier["results"] if r["name"] not in fresh]
            figures["results"] = [*figures["results"], *others]  # type: ignore[misc]
        kept.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in args.work.glob("growth-*.json")]
    if not runs:
        print("nothing measured yet", file=sys.stderr)
        return 1
    report = table(runs)
    print(report)
    if args.write:
        plot(runs, PLOT)
        when = sorted({str(r["measured_at"]) for r in runs})
        note = f"\n\nMeasured {when[0]} – {when[-1]}; plot: [growth.svg](growth.svg)."
        write_readme(report + note + "\n\n![growth](growth.svg)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
