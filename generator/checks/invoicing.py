"""Invoicing rules that need no git: numbering, links between documents, money received.

- The numbering patterns of ``settings.invoicing`` can number (``{seq}``, allowed
  characters, at most 35 of them).
- Numbers follow their series' pattern and the year they were issued; the invoice series
  (invoices of every kind and credit notes) is gap-free and chronological (numbers in the
  order of issue dates).
- A number is assigned at issue only: a number without an issue date is refused, and so
  is an issue date after the real clock's (``--today`` does not move it).
- A credit note corrects an issued invoice; an invoice billing an order points at an order;
  the invoices of an order never bill more than the order, the credit notes of an invoice
  never credit more than the invoice.
- Payments never exceed what an invoice left due when they were received (a credit note
  issued after a payment leaves money to give back, no error); a due date never precedes
  the issue date. A budget typed on a document is :mod:`generator.checks.pipelines`'
  concern.

Whether an issued document changed since its issuing commit is :mod:`generator.checks.frozen`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from generator.book.book import Book, Entry
from generator.book.ledger import is_issued
from generator.book.numbering import PatternError, compile_pattern, pattern_for, series_of
from generator.checks.base import at
from generator.files.layout import SETTINGS_PATH
from generator.locale import money
from generator.money import ZERO, Totals
from generator.problems import Problem
from generator.schema.common import INVOICE_KINDS, DocumentKind


def _documents(book: Book) -> list[Entry]:
    return [e for e in book.of("interaction") if e.record.document is not None]


_PATTERN_FIELDS = ("number_pattern", "quote_pattern", "order_pattern", "delivery_pattern")


def _pattern_problems(book: Book) -> tuple[list[Problem], set[str]]:
    """Patterns of ``settings.invoicing`` Carnet cannot number with, and those patterns."""
    problems: list[Problem] = []
    bad: set[str] = set()
    for field in _PATTERN_FIELDS:
        pattern = getattr(book.settings.invoicing, field)  # type: ignore[union-attr]
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            bad.add(pattern)
            problems.append(
                at(
                    book,
                    SETTINGS_PATH,
                    ("invoicing", field),
                    "number-pattern-invalid",
                    field=field,
                    pattern=pattern,
                    reason=exc.message("fr"),
                    reason_en=exc.message("en"),
                )
            )
    return problems, bad


def check_numbering(book: Book) -> list[Problem]:
    """Patterns are usable; numbers match their pattern and the year they were issued, a
    date not after the real clock's; the invoice series has no gap and follows issue dates."""
    problems, bad_patterns = _pattern_problems(book)
    problems += _issued_in_future(book)
    series: dict[tuple[str, int | None], list[tuple[int, Entry]]] = defaultdict(list)
    for entry in _documents(book):
        doc = entry.record.document
        if not doc.number:
            continue
        if doc.issued is None:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "number"),
                    "number-on-draft",
                    number=doc.number,
                )
            )
            continue
        pattern = pattern_for(book.settings, doc.kind)
        if pattern is None or pattern in bad_patterns:
            continue
        compiled = compile_pattern(pattern)
        parsed = compiled.parse(doc.number)
        if parsed is None:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "number"),
                    "number-pattern",
                    number=doc.number,
                    pattern=pattern,
                )
            )
            continue
        if parsed[0] is not None and parsed[0] != doc.issued.year:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "number"),
                    "number-year-mismatch",
                    number=doc.number,
                    year=parsed[0],
                    issued=doc.issued,
                )
            )
            continue
        series[series_of(doc.kind), parsed[0]].append((parsed[1], entry))
    invoice_pattern = book.settings.invoicing.number_pattern
    for (name, year), numbered in series.items():
        if name == "invoice":
            problems += _gaps_and_order(book, numbered, year, invoice_pattern)
    return problems


def _issued_in_future(book: Book) -> list[Problem]:
    """Documents issued after the real date (the clock, never ``--today``): a stray
    ``CARNET_TODAY=2099-12-31`` would otherwise freeze a number every real date precedes."""
    today = date.today()
    return [
        at(
            book,
            entry.path,
            ("document", "issued"),
            "document-issued-in-future",
            number=entry.record.document.number,
            issued=entry.record.document.issued,
            today=today,
        )
        for entry in _documents(book)
        if entry.record.document.number
        and entry.record.document.issued is not None
        and entry.record.document.issued > today
    ]


def _gaps_and_order(
    book: Book, numbered: list[tuple[int, Entry]], year: int | None, pattern: str
) -> list[Problem]:
    compiled = compile_pattern(pattern)
    problems: list[Problem] = []
    numbered.sort(key=lambda item: (item[0], item[1].id))
    expected = 1
    previous: Entry | None = None
    for seq, entry in numbered:
        doc = entry.record.document
        if seq > expected:
            first = compiled.format(year or 0, expected)
            missing = (
                first if seq == expected + 1 else f"{first}…{compiled.format(year or 0, seq - 1)}"
            )
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "number"),
                    "number-gap",
                    number=doc.number,
                    missing=missing,
                )
            )
        expected = max(expected, seq + 1)
        if previous is not None and doc.issued < previous.record.document.issued:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "issued"),
                    "number-not-chronological",
                    number=doc.number,
                    issued=doc.issued,
                    other=previous.record.document.number,
                    other_issued=previous.record.document.issued,
                )
            )
        previous = entry
    return problems


def check_document_links(book: Book) -> list[Problem]:
    """Credit notes correct issued invoices; partial invoices bill orders."""
    problems: list[Problem] = []
    interactions = book.interactions
    for entry in _documents(book):
        doc = entry.record.document
        if doc.kind is DocumentKind.CREDIT_NOTE:
            target = interactions.get(doc.corrects) if doc.corrects else None
            if doc.corrects is None:
                problems.append(at(book, entry.path, ("document",), "credit-note-corrects"))
            elif target is not None and not _issued_invoice(target):
                problems.append(
                    at(
                        book,
                        entry.path,
                        ("document", "corrects"),
                        "credit-note-target",
                        target=doc.corrects,
                    )
                )
        if doc.order is not None:
            target = interactions.get(doc.order)
            if target is not None and (
                target.record.document is None or target.record.document.kind != "order"
            ):
                problems.append(
                    at(
                        book,
                        entry.path,
                        ("document", "order"),
                        "order-not-order",
                        target=doc.order,
                    )
                )
        if doc.part is not None and doc.kind not in (
            DocumentKind.DEPOSIT_INVOICE,
            DocumentKind.INTERMEDIATE_INVOICE,
            DocumentKind.BALANCE_INVOICE,
        ):
            problems.append(at(book, entry.path, ("document", "part"), "part-not-partial"))
    return problems


def _issued_invoice(entry: Entry) -> bool:
    doc = entry.record.document
    return (
        doc is not None
        and doc.kind in INVOICE_KINDS
        and doc.kind is not DocumentKind.CREDIT_NOTE
        and is_issued(entry)
    )


def check_billing(book: Book) -> list[Problem]:
    """Invoices never bill more than their order, credit notes never credit more than their
    invoice, payments never exceed what was due when received; due dates follow issue."""
    interactions = book.interactions
    documents = {k: e for k, e in interactions.items() if e.record.document is not None}
    if not documents:
        return []
    totals = book.document_totals
    lang = book.lang
    problems: list[Problem] = []
    for order_id, billing in book.orders.items():
        billed = billing.invoiced + billing.planned
        if billed > billing.total.net and billing.invoices:
            last = documents[billing.invoices[-1]]
            problems.append(
                at(
                    book,
                    last.path,
                    ("document", "order"),
                    "order-overbilled",
                    order=order_id,
                    billed=money(billed, lang),
                    total=money(billing.total.net, lang),
                )
            )
    notes = _credit_notes(documents)
    for key, entry in documents.items():
        doc = entry.record.document
        if doc.kind not in INVOICE_KINDS or doc.kind is DocumentKind.CREDIT_NOTE:
            continue
        problems += _credit_excess(book, entry, totals, notes.get(key, []))
        problems += _overpayment(book, entry, totals, notes.get(key, []))
        if doc.due is not None and doc.issued is not None and doc.due < doc.issued:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("document", "due"),
                    "due-before-issue",
                    due=doc.due,
                    issued=doc.issued,
                )
            )
    return problems


def _credit_notes(documents: dict[str, Entry]) -> dict[str, list[Entry]]:
    """Issued credit notes of each invoice, in issue order."""
    notes: dict[str, list[Entry]] = defaultdict(list)
    for entry in documents.values():
        doc = entry.record.document
        if doc.kind is DocumentKind.CREDIT_NOTE and doc.corrects and is_issued(entry):
            notes[doc.corrects].append(entry)
    for found in notes.values():
        found.sort(key=lambda e: (e.record.document.issued, e.record.document.number))
    return notes


def _credit_excess(
    book: Book, invoice: Entry, totals: Mapping[str, Totals], notes: list[Entry]
) -> list[Problem]:
    """The credit note that takes the invoice's credit notes beyond its total."""
    total = totals[invoice.id].gross
    credited = ZERO
    for note in notes:
        credited += totals[note.id].gross
        if credited > total:
            return [
                at(
                    book,
                    note.path,
                    ("document", "corrects"),
                    "credit-exceeds-invoice",
                    number=invoice.record.document.number,
                    credited=money(credited, book.lang),
                    total=money(total, book.lang),
                )
            ]
    return []


def _overpayment(
    book: Book, invoice: Entry, totals: Mapping[str, Totals], notes: list[Entry]
) -> list[Problem]:
    """Payments beyond what was due when they were received: a credit note issued after a
    payment leaves money to give back, which is no overpayment."""
    doc = invoice.record.document
    total = totals[invoice.id].gross
    paid = ZERO
    for payment in sorted(doc.payments, key=lambda p: p.date):
        paid += payment.amount
        credited = sum(
            (totals[n.id].gross for n in notes if n.record.document.issued <= payment.date),
            ZERO,
        )
        if paid > total - credited:
            return [
                at(
                    book,
                    invoice.path,
                    ("document", "payments"),
                    "payment-exceeds-due",
                    paid=money(paid, book.lang),
                    due=money(total - credited, book.lang),
                )
            ]
    return []
