"""Computed views of the business (PRODUCT.md "Counting"), built once into the Book.

Margins per project are :mod:`generator.book.counting`'s; here are the document totals
and the figures by month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from generator.book.counting import PURCHASE, is_issued_invoice, purchase_split, signed_net
from generator.book.records import Entry
from generator.money import ZERO, Totals, document_totals
from generator.schema import Settings


def totals_of_documents(interactions: Mapping[str, Entry]) -> dict[str, Totals]:
    """Totals of every commercial document, by interaction id."""
    return {
        key: document_totals(e.record.document.lines)
        for key, e in interactions.items()
        if e.record.document is not None
    }


def monthly_turnover(
    interactions: Mapping[str, Entry], totals: Mapping[str, Totals]
) -> dict[str, Decimal]:
    """Issued invoices minus credit notes, excl. VAT, by issue month (``YYYY-MM``)."""
    months: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in interactions.values():
        if is_issued_invoice(entry):
            months[entry.record.document.issued.strftime("%Y-%m")] += signed_net(entry, totals)
    return dict(months)


def monthly_purchases(
    settings: Settings, interactions: Mapping[str, Entry], totals: Mapping[str, Totals]
) -> dict[str, Decimal]:
    """Committed purchases (as positive amounts) by action-date month: planned ones
    (before their pipeline's ``committed_from`` stage) are not bought yet."""
    months: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in interactions.values():
        r = entry.record
        if r.kind == PURCHASE:
            months[r.date.strftime("%Y-%m")] += -purchase_split(settings, entry, totals)[0]
    return dict(months)
