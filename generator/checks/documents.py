"""Commercial documents and catalogue: VAT rates, unique numbers."""

from __future__ import annotations

from generator.book.book import Book
from generator.checks.base import at
from generator.problems import Problem
from generator.schema.common import INVOICE_KINDS


def _rates(book: Book) -> set:
    return {rate.normalize() for rate in book.settings.vat_rates} if book.settings else set()


def check_vat_rates(book: Book) -> list[Problem]:
    """Product and line VAT rates are among ``settings.vat_rates``."""
    rates = _rates(book)
    if not rates:
        return []
    allowed = ", ".join(str(r) for r in book.settings.vat_rates)
    problems: list[Problem] = []
    for entry in book.of("product"):
        if entry.record.vat_rate.normalize() not in rates:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("vat_rate",),
                    "vat-rate-unknown",
                    rate=entry.record.vat_rate,
                    allowed=allowed,
                )
            )
    for entry in book.of("interaction"):
        document = entry.record.document
        if document is None:
            continue
        for index, line in enumerate(document.lines):
            if line.vat_rate.normalize() not in rates:
                problems.append(
                    at(
                        book,
                        entry.path,
                        ("document", "lines", index, "vat_rate"),
                        "vat-rate-unknown",
                        rate=line.vat_rate,
                        allowed=allowed,
                    )
                )
    return problems


def series_of(kind: str) -> str:
    """Invoices of every kind and credit notes share one series; others have their own."""
    return "invoice" if kind in INVOICE_KINDS else kind


def check_document_numbers(book: Book) -> list[Problem]:
    """A document number is used once in its series."""
    seen: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    for entry in sorted(book.of("interaction"), key=lambda e: e.path):
        document = entry.record.document
        if document is None or not document.number:
            continue
        key = (series_of(document.kind), document.number)
        if key in seen:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "number"),
                    "number-duplicate",
                    number=document.number,
                    other=seen[key],
                )
            )
        else:
            seen[key] = entry.id
    return problems
