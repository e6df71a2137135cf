"""The pipelines' pages: their totals, their boards (a column per stage) and their
working lists, from one grouping of the interactions made once per build."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from generator import locale as fmt
from generator.book.book import Book
from generator.book.counting import PURCHASE
from generator.schema.common import State
from generator.site import charts

RECENTLY_DONE = timedelta(days=90)
"""Finished interactions stay on the working lists this long."""


def pipelines(book: Book) -> list[dict[str, Any]]:
    """Each pipeline with its per-stage totals and a chart. Purchases are money going out:
    their amounts (negative in the data) are shown positive, in the purchases' colour."""
    result = []
    for key, pipeline in book.settings.pipelines.items():
        totals = book.pipeline_totals[key]
        outflow = key == PURCHASE
        shown = abs if outflow else Decimal  # the data counts purchases as negative
        rows = [(t.stage, t.count, f"{t.count} · {fmt.money(shown(t.amount))}") for t in totals]
        result.append(
            {
                "key": key,
                "label": pipeline.label,
                "totals": totals,
                "outflow": outflow,
                "count": sum(t.count for t in totals),
                "amount": shown(sum((t.amount for t in totals), Decimal(0))),
                "chart": charts.horizontal_bars(
                    rows,
                    charts.Chart(
                        f"chart-pipeline-{key}",
                        pipeline.label,
                        "; ".join(f"{stage} : {shown}" for stage, _, shown in rows),
                    ),
                    "purchases" if outflow else "bar",
                ),
            }
        )
    return result


def by_pipeline(book: Book) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Each pipeline's interactions (by id) and opportunities (by date, then id), in one
    pass over each: the boards and the lists of every pipeline read them."""
    interactions: dict[str, list[Any]] = defaultdict(list)
    for entry in book.interactions.values():
        interactions[entry.record.kind].append(entry)
    opportunities: dict[str, list[Any]] = defaultdict(list)
    for record_id in book.opportunities:
        entry = book.interactions[record_id]
        opportunities[entry.record.kind].append(entry)
    return interactions, opportunities


Grouped = Callable[[], tuple[dict[str, list[Any]], dict[str, list[Any]]]]
""":func:`by_pipeline` of the Book, worked out once for all the pages that need it."""


def board(book: Book, kind: str, grouped: Grouped | None = None) -> dict[str, Any]:
    """Columns per stage with the open opportunities' cards."""
    pipeline = book.settings.pipelines[kind]
    columns: dict[str, list[Any]] = {stage: [] for stage in pipeline.stages}
    opportunities = (grouped or partial(by_pipeline, book))()[1].get(kind, ())
    for entry in opportunities:
        r = entry.record
        if r.type in columns and _on_working_list(book, r):
            columns[r.type].append(entry)
    return {
        "pipeline": pipeline,
        "kind": kind,
        "columns": [
            (stage, sorted(cards, key=lambda e: e.record.date)) for stage, cards in columns.items()
        ],
    }


def _on_working_list(book: Book, record: Any) -> bool:
    return record.state is not State.DONE or record.date >= book.today - RECENTLY_DONE


def interaction_list(book: Book, kind: str, grouped: Grouped | None = None) -> dict[str, Any]:
    """The working list of a pipeline: unfinished, or finished in the last 90 days."""
    rows = (grouped or partial(by_pipeline, book))()[0].get(kind, [])
    shown = [e for e in rows if _on_working_list(book, e.record)]
    return {
        "pipeline": book.settings.pipelines[kind],
        "rows": sorted(shown, key=lambda e: (e.record.date, e.id), reverse=True),
        "archived": len(rows) - len(shown),
    }
