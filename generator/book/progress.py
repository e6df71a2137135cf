"""Where each sales document stands: settled (nothing left to do), or its next steps.

A document is **settled** when nothing is left to do on it:

- a quote once accepted (an order is made ``from:`` it); the opportunity the quote comes
  from (the quote's ``from:``, an interaction without document) is then won as well;
- an order once its issued invoices bill all of it (a credit note corrects an invoice, it
  does not reopen the order: two damaged trees credited are not trees to invoice again);
- an invoice once nothing is due on it (paid, or credited in full);
- a credit note or a delivery note once issued.

A settled document belongs at state ``done`` (an accepted quote and its opportunity at
their pipeline's ``won`` stage too): the commands that move documents put it there
(:mod:`generator.invoicing.states`) and ``carnet validate`` warns when it is not
(:mod:`generator.checks.states`). Every other sales document has next steps: issue a
draft, follow up an issued quote, invoice (and deliver) an order, collect an invoice or,
past its due date, send a reminder. Purchase orders are the supplier's documents: none
of this applies to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from generator.book.ledger import InvoiceStatus, OrderBilling, is_issued
from generator.book.records import Entry
from generator.money import ZERO, Totals
from generator.schema.common import INVOICE_KINDS, DocumentKind, State


class Step(StrEnum):
    """Something someone must do about a document."""

    ISSUE = "issue"
    FOLLOW_UP = "follow_up"
    INVOICE = "invoice"
    DELIVER = "deliver"
    COLLECT = "collect"
    REMIND = "remind"


class Settled(StrEnum):
    """Why a document (or an opportunity) is settled."""

    ACCEPTED = "accepted"
    INVOICED = "invoiced"
    PAID = "paid"
    CREDITED = "credited"
    ISSUED = "issued"
    WON = "won"


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a document stands: settled (``settled`` says why) or its next ``steps``."""

    settled: Settled | None = None
    steps: tuple[Step, ...] = ()
    by: str | None = None
    """The record that settled it: an accepted quote's order, a won opportunity's quote."""

    @property
    def won(self) -> bool:
        """Settled as a sale won: at its pipeline's ``won`` stage, not only done."""
        return self.settled in (Settled.ACCEPTED, Settled.WON)


PAYABLE = INVOICE_KINDS - {DocumentKind.CREDIT_NOTE}


def document_progress(
    interactions: Mapping[str, Entry],
    documents: Mapping[str, Entry],
    totals: Mapping[str, Totals],
    orders: Mapping[str, OrderBilling],
    invoices: Mapping[str, InvoiceStatus],
    managed: frozenset[str],
) -> dict[str, Progress]:
    """The progress of every sales document, and of each opportunity an accepted quote
    comes from. ``managed``: the stock-managed products (the goods to deliver)."""
    accepted: dict[str, str] = {}
    for key, entry in sorted(documents.items()):
        doc = entry.record.document
        if doc.kind is DocumentKind.ORDER and doc.from_:
            accepted.setdefault(doc.from_, key)
    delivered = _delivered(documents)
    result: dict[str, Progress] = {}
    for key, entry in documents.items():
        doc = entry.record.document
        if doc.kind is DocumentKind.PURCHASE_ORDER:
            continue
        if doc.kind is DocumentKind.QUOTE and key in accepted:
            result[key] = Progress(Settled.ACCEPTED, by=accepted[key])
            origin = interactions.get(doc.from_ or "")
            if origin is not None and origin.record.document is None:
                result.setdefault(origin.id, Progress(Settled.WON, by=key))
        elif not is_issued(entry):
            result[key] = Progress(steps=(Step.ISSUE,))
        elif doc.kind is DocumentKind.QUOTE:
            result[key] = Progress(steps=(Step.FOLLOW_UP,))
        elif doc.kind is DocumentKind.ORDER:
            result[key] = _order(entry, documents, totals, orders.get(key), delivered, managed)
        elif doc.kind in PAYABLE:
            result[key] = _invoice(entry, invoices[key], delivered, managed)
        else:  # an issued credit note or delivery note
            result[key] = Progress(Settled.ISSUED)
    return result


def _order(
    entry: Entry,
    documents: Mapping[str, Entry],
    totals: Mapping[str, Totals],
    billing: OrderBilling | None,
    delivered: Mapping[str, Mapping[str, Decimal]],
    managed: frozenset[str],
) -> Progress:
    """Settled once its issued invoices add up to its total (before credit notes)."""
    issued = [k for k in (billing.invoices if billing else ()) if is_issued(documents[k])]
    billed = sum((totals[k].net for k in issued), ZERO)
    if issued and billed >= totals[entry.id].net:
        return Progress(Settled.INVOICED)
    group = [entry.id, *(billing.invoices if billing else ())]
    steps = (Step.INVOICE,)
    if _undelivered(entry, group, delivered, managed):
        steps += (Step.DELIVER,)
    return Progress(steps=steps)


def _invoice(
    entry: Entry,
    status: InvoiceStatus,
    delivered: Mapping[str, Mapping[str, Decimal]],
    managed: frozenset[str],
) -> Progress:
    """Settled once nothing is due; else collect it, or remind the client when late."""
    if status.due <= ZERO:
        credited_in_full = status.credited >= status.total
        return Progress(Settled.CREDITED if credited_in_full else Settled.PAID)
    steps = (Step.REMIND if status.overdue else Step.COLLECT,)
    doc = entry.record.document
    if not (doc.order or doc.from_) and _undelivered(entry, [entry.id], delivered, managed):
        steps += (Step.DELIVER,)  # an order's goods are the order's step
    return Progress(steps=steps)


def _delivered(documents: Mapping[str, Entry]) -> dict[str, dict[str, Decimal]]:
    """Per source document (a delivery note's ``from:``), the quantities delivered by
    product."""
    result: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for entry in documents.values():
        doc = entry.record.document
        if doc.kind is DocumentKind.DELIVERY_NOTE and doc.from_:
            for line in doc.lines:
                if line.product:
                    result[doc.from_][line.product] += line.quantity
    return result


def _undelivered(
    entry: Entry,
    group: Iterable[str],
    delivered: Mapping[str, Mapping[str, Decimal]],
    managed: frozenset[str],
) -> bool:
    """Does ``entry`` bill goods that the delivery notes of ``group`` (the order and its
    invoices) do not carry yet?"""
    wanted: dict[str, Decimal] = defaultdict(Decimal)
    for line in entry.record.document.lines:
        if line.product in managed:
            wanted[line.product] += line.quantity
    carried: dict[str, Decimal] = defaultdict(Decimal)
    for key in group:
        for product, quantity in delivered.get(key, {}).items():
            carried[product] += quantity
    return any(quantity > carried[product] for product, quantity in wanted.items())


PAYMENT_STEPS = frozenset({Step.COLLECT, Step.REMIND})


def action_day(entry: Entry, progress: Progress | None) -> date | None:
    """The day an interaction calls for someone's action (its ``date``; an invoice awaiting
    payment, its due date), or ``None`` when nothing is left to do: it is done, or it is a
    settled document (paid, credited, invoiced in full, accepted)."""
    r = entry.record
    if r.state is State.DONE or (progress is not None and progress.settled):
        return None
    if progress is not None and PAYMENT_STEPS & set(progress.steps) and r.document.due:
        return r.document.due
    return r.date
