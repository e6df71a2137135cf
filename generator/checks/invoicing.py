"""Invoicing rules that need no git: numbering, links between documents, money received.

- Numbers follow their series' pattern; the invoice series (invoices of every kind and
  credit notes) is gap-free and chronological (numbers in the order of issue dates).
- A number is assigned at issue only: a number without an issue date is refused.
- A credit note corrects an issued invoice; an invoice billing an order points at an order;
  the invoices of an order never bill more than the order.
- Payments never exceed what an invoice leaves due (a budget typed on a document is
  :mod:`generator.checks.pipelines`' concern).

Whether an issued document changed since its issuing commit is :mod:`generator.checks.frozen`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from generator.checks.base import Entry, Records, at
from generator.invoicing.ledger import invoice_status, is_issued, order_billing
from generator.invoicing.numbering import compile_pattern, pattern_for, series_of
from generator.locale import money
from generator.money import ZERO, document_totals
from generator.problems import Problem
from generator.schema.common import INVOICE_KINDS, DocumentKind


def _documents(records: Records) -> list[Entry]:
    return [e for e in records.of("interaction") if e.record.document is not None]


def check_numbering(records: Records) -> list[Problem]:
    """Numbers match their pattern; the invoice series has no gap and follows issue dates."""
    if records.settings is None:
        return []
    problems: list[Problem] = []
    series: dict[tuple[str, int | None], list[tuple[int, Entry]]] = defaultdict(list)
    for entry in _documents(records):
        doc = entry.record.document
        if not doc.number:
            continue
        if doc.issued is None:
            problems.append(
                at(
                    records,
                    entry.path,
                    ("document", "number"),
                    "number-on-draft",
                    number=doc.number,
                )
            )
            continue
        pattern = pattern_for(records.settings, doc.kind)
        if pattern is None:
            continue
        try:
            compiled = compile_pattern(pattern)
        except ValueError:
            continue
        parsed = compiled.parse(doc.number)
        if parsed is None:
            problems.append(
                at(
                    records,
                    entry.path,
                    ("document", "number"),
                    "number-pattern",
                    number=doc.number,
                    pattern=pattern,
                )
            )
            continue
        series[series_of(doc.kind), parsed[0]].append((parsed[1], entry))
    invoice_pattern = records.settings.invoicing.number_pattern
    for (name, year), numbered in series.items():
        if name == "invoice":
            problems += _gaps_and_order(records, numbered, year, invoice_pattern)
    return problems


def _gaps_and_order(
    records: Records, numbered: list[tuple[int, Entry]], year: int | None, pattern: str
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
                    records,
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
                    records,
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


def check_document_links(records: Records) -> list[Problem]:
    """Credit notes correct issued invoices; partial invoices bill orders."""
    problems: list[Problem] = []
    interactions = records.by_kind.get("interaction", {})
    for entry in _documents(records):
        doc = entry.record.document
        if doc.kind is DocumentKind.CREDIT_NOTE:
            target = interactions.get(doc.corrects) if doc.corrects else None
            if doc.corrects is None:
                problems.append(at(records, entry.path, ("document",), "credit-note-corrects"))
            elif target is not None and not _issued_invoice(target):
                problems.append(
                    at(
                        records,
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
                        records,
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
            problems.append(at(records, entry.path, ("document", "part"), "part-not-partial"))
    return problems


def _issued_invoice(entry: Entry) -> bool:
    doc = entry.record.document
    return (
        doc is not None
        and doc.kind in INVOICE_KINDS
        and doc.kind is not DocumentKind.CREDIT_NOTE
        and is_issued(entry)
    )


def check_billing(records: Records) -> list[Problem]:
    """Invoices never bill more than their order; payments never exceed what is due."""
    interactions = records.by_kind.get("interaction", {})
    documents = {k: e for k, e in interactions.items() if e.record.document is not None}
    if not documents:
        return []
    totals = {k: document_totals(e.record.document.lines) for k, e in documents.items()}
    lang = records.lang
    problems: list[Problem] = []
    for order_id, billing in order_billing(documents, totals).items():
        billed = billing.invoiced + billing.planned
        if billed > billing.total.net and billing.invoices:
            last = documents[billing.invoices[-1]]
            problems.append(
                at(
                    records,
                    last.path,
                    ("document", "order"),
                    "order-overbilled",
                    order=order_id,
                    billed=money(billed, lang),
                    total=money(billing.total.net, lang),
                )
            )
    for key, status in invoice_status(documents, totals, date.today()).items():
        if status.paid > ZERO and status.due < ZERO:
            problems.append(
                at(
                    records,
                    documents[key].path,
                    ("document", "payments"),
                    "payment-exceeds-due",
                    paid=money(status.paid, lang),
                    due=money(status.total - status.credited, lang),
                )
            )
    return problems
