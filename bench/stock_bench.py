"""Stock benchmark: stock levels and the stock reports against a cold `carnet validate`.

Example::

    .venv/bin/python bench/stock_bench.py                     # scale 1, temporary repository
    .venv/bin/python bench/stock_bench.py --scale 0.1 --runs 1
    .venv/bin/python bench/stock_bench.py --repo /tmp/bench-clean --keep
    .venv/bin/python bench/run.py --only stock               # the same, inside run.py

Measured on an error-free repository (stock commands start from valid data), reference
scale 5,000 movements and 300 products, each figure as a ratio to a cold validate
(`carnet validate`, cache deleted) of the same data in the same run:

* stock-levels — replaying every validated movement into levels and serials in stock
  (what the Book computes) plus the report's views, in-process on a loaded Book;
  target ≤ 0.05×;
* stock-xlsx — `carnet stock report --format xlsx`, a fresh process with a warm
  validate cache (loading the Book included); target ≤ 0.5×; the workbook alone
  (in-process) is in the notes;
* stock-pdf — `carnet stock report --format pdf`, likewise (no target);
* stock-status — `carnet stock status` (no target).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

TODAY = "2026-11-30"
IN_PROCESS = """\
import json, sys, time
from datetime import date
from pathlib import Path
from generator.book.inventory import replay
from generator.load import load
from generator.stock.report_pdf import report_pdf
from generator.stock.report_xlsx import workbook_bytes
from generator.stock.views import stock_report

repo, runs = Path(sys.argv[1]), int(sys.argv[2])
book = load(repo, today=date.fromisoformat(sys.argv[3])).book
assert book is not None, "the repository has errors"
managed = set(book.stock_on_hand)


def best(action):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def levels():
    replay(book.movements.values(), managed, until=book.today)
    stock_report(book, date(2026, 6, 30))  # a past date: replays again, then the views


report = stock_report(book)
print(json.dumps({
    "levels_s": best(levels),
    "xlsx_s": best(lambda: workbook_bytes(report)),
    "pdf_s": best(lambda: report_pdf(book, report)),
    "movements": len(book.movements),
    "products": len(book.products),
    "managed": len(managed),
    "serials": sum(len(s) for s in book.serials_in_stock.values()),
}))
"""


def _drop_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".carnet-cache", ignore_errors=True)


def measure_stock(bench: Any, result_type: Any, repo: Path) -> list[Any]:
    """Cold validate, stock levels and the reports; ratios to the cold validate."""
    carnet = ["-m", "generator", "--repo", str(repo), "--today", TODAY]
    cold, _ = bench.best_of(
        "stock-validate-cold",
        "carnet validate sans cache (dépôt sans erreur, référence du stock)",
        [*carnet, "validate", "--format", "json"],
        before_each=lambda: _drop_cache(repo),
        ok_codes=(0,),
    )
    if cold.failed:
        return [cold]
    bench.run([*carnet, "stock", "status"], "stock-prime")  # warm caches, Book included
    inner = bench.run(["-c", IN_PROCESS, str(repo), str(max(bench.runs, 3)), TODAY], "stock-in")
    if inner.returncode != 0:
        failure = f"exit {inner.returncode}: {inner.stderr.strip()[-2000:]}"
        return [cold, result_type("stock-levels", "replay", 0, [], 0, failed=failure)]
    figures = json.loads(inner.stdout)
    out = bench.scratch / "stock-reports"
    results = [cold]
    levels = result_type(
        "stock-levels",
        "niveaux et numéros de série (rejeu des mouvements) et vues du rapport, en mémoire",
        figures["levels_s"],
        [figures["levels_s"]],
        inner.max_rss_kib / 1024,
        target_ratio=0.05,
        notes={k: figures[k] for k in ("movements", "products", "managed", "serials")},
    )
    results.append(levels)
    for fmt, target in (("xlsx", 0.5), ("pdf", None)):
        result, _ = bench.best_of(
            f"stock-{fmt}",
            f"carnet stock report --format {fmt} (cache chaud, Book compris)",
            [*carnet, "stock", "report", "--format", fmt, "--out", str(out)],
            ok_codes=(0,),
        )
        result.target_ratio = target
        result.notes = {f"{fmt}_in_process_s": round(figures[f"{fmt}_s"], 3)}
        results.append(result)
    status, _ = bench.best_of(
        "stock-status", "carnet stock status (cache chaud)", [*carnet, "stock", "status"]
    )
    results.append(status)
    for result in results[1:]:
        if not result.failed:
            result.ratio = result.seconds / cold.seconds
            result.notes["ratio_to"] = "stock-validate-cold"
    cold.ratio = 1.0
    return results


def main(argv: list[str] | None = None) -> int:
    """``bench/run.py --only stock`` with this command's options (``--scale``, ``--seed``,
    ``--runs``, ``--repo``, ``--keep``, ``--json``, ``--check``): run.py owns the
    measuring, this file only what is measured."""
    options = sys.argv[1:] if argv is None else argv
    runner = Path(__file__).with_name("run.py")
    return subprocess.call([sys.executable, str(runner), "--only", "stock", *options])


if __name__ == "__main__":
    sys.exit(main())
