"""Billing views computed once for the Book: what each order has invoiced, what each
invoice leaves due.

- Per order: its total, the invoices made from it (``document.order`` or ``from``), what is
  invoiced so far (issued invoices, net of issued credit notes correcting them), what is
  planned (drafts) and what remains to invoice.
- Per invoice: total incl. VAT, credited by issued credit notes, paid (``payments``), due,
  overdue as of ``today``; and for a partial invoice its Versement block: what was billed on
  the order before it, this invoice, what remains after it.

Credit notes carry positive amounts; they lower what the invoice they correct leaves due.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from generator.book.records import Entry
from generator.money import ZERO, Totals
from generator.schema.common import INVOICE_KINDS, DocumentKind

PARTIAL_KINDS = frozenset(
    {
        DocumentKind.DEPOSIT_INVOICE,
        DocumentKind.INTERMEDIATE_INVOICE,
        DocumentKind.BALANCE_INVOICE,
    }
)


@dataclass(frozen=True, slots=True)
class InvoiceStatus:
    """Money of one invoice (or credit note) as of ``today``; amounts incl. VAT."""

    total: Decimal
    credited: Decimal
    paid: Decimal
    due: Decimal
    issued: bool
    overdue: bool
    days_late: int
    credit_notes: tuple[str, ...]
    is_credit_note: bool = False

    @property
    def state(self) -> str:
        """``draft``, ``credit`` (an issued credit note), ``paid``, ``overdue`` or ``due``."""
        if not self.issued:
            return "draft"
        if self.is_credit_note:
            return "credit"
        if self.due <= ZERO:
            return "paid"
        return "overdue" if self.overdue else "due"


@dataclass(frozen=True, slots=True)
class OrderBilling:
    """What an order has invoiced; amounts excl. VAT."""

    total: Totals
    invoices: tuple[str, ...]
    invoiced: Decimal
    planned: Decimal

    @property
    def remaining(self) -> Decimal:
        """Left to invoice on the order after its issued invoices."""
        return self.total.net - self.invoiced

    @property
    def unplanned(self) -> Decimal:
        """Left to invoice after issued and draft invoices."""
        return self.total.net - self.invoiced - self.planned


@dataclass(frozen=True, slots=True)
class Instalment:
    """The Versement block of a partial invoice (excl. VAT)."""

    order: str
    before: Decimal
    this: Decimal
    after: Decimal
    remaining: Decimal
    earlier: tuple[str, ...]


def is_issued(entry: Entry) -> bool:
    """A document with its number and issue date."""
    doc = entry.record.document
    return doc is not None and bool(doc.number) and doc.issued is not None


def paid_at_issue(document: Any) -> Decimal:
    """Money received by the issue date: what an issued invoice shows as paid (its PDF and
    its Factur-X XML). Later payments and credit notes never change the document as
    issued; they change :func:`invoice_status`."""
    if document.issued is None:
        return ZERO
    return sum((p.amount for p in document.payments if p.date <= document.issued), ZERO)


def order_of(entry: Entry) -> str | None:
    """The order an invoice bills (``document.order``, else ``from`` for an invoice)."""
    doc = entry.record.document
    if doc is None or doc.kind not in INVOICE_KINDS or doc.kind is DocumentKind.CREDIT_NOTE:
        return None
    return doc.order or doc.from_


def _sequence_key(entry: Entry) -> tuple[date, str, tuple[Any, ...]]:
    doc = entry.record.document
    natural = tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", entry.id))
    return (doc.issued or entry.record.date, doc.number or "~", natural)  # facture-2 < -10


def invoices_by_order(interactions: Mapping[str, Entry]) -> dict[str, list[Entry]]:
    """Invoices of each order, in billing order (issue or planned date, then number)."""
    result: dict[str, list[Entry]] = defaultdict(list)
    for entry in interactions.values():
        order = order_of(entry)
        if order is not None:
            result[order].append(entry)
    for entries in result.values():
        entries.sort(key=_sequence_key)
    return dict(result)


def _credited_net(
    interactions: Mapping[str, Entry], totals: Mapping[str, Totals]
) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, list[str]]]:
    net: dict[str, Decimal] = defaultdict(lambda: ZERO)
    gross: dict[str, Decimal] = defaultdict(lambda: ZERO)
    notes: dict[str, list[str]] = defaultdict(list)
    for entry in interactions.values():
        doc = entry.record.document
        if doc is None or doc.kind is not DocumentKind.CREDIT_NOTE or not doc.corrects:
            continue
        notes[doc.corrects].append(entry.id)
        if is_issued(entry):
            net[doc.corrects] += totals[entry.id].net
            gross[doc.corrects] += totals[entry.id].gross
    return net, gross, notes


def order_billing(
    interactions: Mapping[str, Entry], totals: Mapping[str, Totals]
) -> dict[str, OrderBilling]:
    """Per order: invoices, invoiced so far, planned, and (as a property) remaining."""
    credited, _, _ = _credited_net(interactions, totals)
    by_order = invoices_by_order(interactions)
    result: dict[str, OrderBilling] = {}
    for order_id, entry in interactions.items():
        doc = entry.record.document
        if doc is None or doc.kind is not DocumentKind.ORDER:
            continue
        invoices = by_order.get(order_id, [])
        invoiced = sum((totals[e.id].net - credited[e.id] for e in invoices if is_issued(e)), ZERO)
        planned = sum((totals[e.id].net for e in invoices if not is_issued(e)), ZERO)
        result[order_id] = OrderBilling(
            totals[order_id], tuple(e.id for e in invoices), invoiced, planned
        )
    return result


def instalments(
    interactions: Mapping[str, Entry],
    totals: Mapping[str, Totals],
    orders: Mapping[str, OrderBilling],
) -> dict[str, Instalment]:
    """The Versement block of every invoice billing an order.

    What was invoiced before an invoice counts the earlier invoices less the credit notes
    correcting them issued by that invoice's date: a later credit note never changes the
    block of an invoice already issued, nor does a draft (only issued invoices came
    before an issued one).
    """
    notes = _issued_credit_notes(interactions)
    result: dict[str, Instalment] = {}
    for order_id, entries in invoices_by_order(interactions).items():
        billing = orders.get(order_id)
        if billing is None:
            continue
        earlier: list[str] = []
        for entry in entries:
            day = entry.record.document.issued or entry.record.date
            counted = (
                [key for key in earlier if is_issued(interactions[key])]
                if is_issued(entry)
                else earlier
            )
            before = sum(
                (
                    totals[key].net
                    - sum((totals[n].net for n, when in notes.get(key, ()) if when <= day), ZERO)
                    for key in counted
                ),
                ZERO,
            )
            this = totals[entry.id].net
            after = before + this
            result[entry.id] = Instalment(
                order_id, before, this, after, billing.total.net - after, tuple(counted)
            )
            earlier.append(entry.id)
    return result


def _issued_credit_notes(interactions: Mapping[str, Entry]) -> dict[str, list[tuple[str, date]]]:
    """Issued credit notes (id, issue date) of each invoice they correct."""
    notes: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for entry in interactions.values():
        doc = entry.record.document
        if (
            doc is not None
            and doc.kind is DocumentKind.CREDIT_NOTE
            and doc.corrects
            and is_issued(entry)
        ):
            notes[doc.corrects].append((entry.id, doc.issued))
    return notes


def invoice_status(
    interactions: Mapping[str, Entry], totals: Mapping[str, Totals], today: date
) -> dict[str, InvoiceStatus]:
    """Total, credited, paid, due and overdue of every invoice and credit note."""
    _, credited, notes = _credited_net(interactions, totals)
    result: dict[str, InvoiceStatus] = {}
    for key, entry in interactions.items():
        doc = entry.record.document
        if doc is None or doc.kind not in INVOICE_KINDS:
            continue
        total = totals[key].gross
        paid = sum((p.amount for p in doc.payments), ZERO)
        is_credit = doc.kind is DocumentKind.CREDIT_NOTE
        less = ZERO if is_credit else credited[key]
        due = ZERO if is_credit else total - less - paid
        issued = is_issued(entry)
        late = (today - doc.due).days if issued and doc.due and due > ZERO else 0
        result[key] = InvoiceStatus(
            total,
            less,
            paid,
            due,
            issued,
            late > 0,
            max(late, 0),
            tuple(notes.get(key, ())),
            is_credit,
        )
    return result
