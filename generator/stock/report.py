"""``carnet stock report``: ``stock-<date>.pdf`` and ``stock-<date>.xlsx``, written together."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator import Progress
from generator.book.book import Book
from generator.files.edits import ChangeSet
from generator.problems import Refused
from generator.stock.views import stock_report

FORMATS = ("pdf", "xlsx")


def parse_formats(value: str) -> list[str]:
    """``pdf,xlsx`` → the formats, in a stable order; refused otherwise."""
    asked = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [part for part in asked if part not in FORMATS]
    if unknown or not asked:
        raise Refused("stock-report-format", quoted=value)
    return [f for f in FORMATS if f in asked]


def write_reports(
    book: Book,
    formats: list[str],
    out: Path,
    at: date | None = None,
    lang: str = "fr",
    progress: Progress | None = None,
) -> list[Path]:
    """Write the reports of the stock at the end of ``at`` into ``out`` (all or none);
    ``progress`` hears of each report made (:data:`generator.Progress`)."""
    report = stock_report(book, at)
    changes = ChangeSet(out)
    for done, fmt in enumerate(formats):
        if progress is not None:
            progress("report", done, len(formats))
        name = f"stock-{report.at.isoformat()}.{fmt}"
        if fmt == "pdf":
            from generator.stock.report_pdf import report_pdf

            changes.create_bytes(name, report_pdf(book, report, lang))
        else:
            from generator.stock.report_xlsx import workbook_bytes

            changes.create_bytes(name, workbook_bytes(report, lang))
    if progress is not None:
        progress("report", len(formats), len(formats))
    return [out / rel for rel in changes.write()]
