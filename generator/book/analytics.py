"""Computed views of the business (PRODUCT.md "Counting"), built once into the Book."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from generator.book.records import Entry
from generator.money import ZERO, Totals, document_totals
from generator.schema import Settings
from generator.schema.common import INVOICE_KINDS, DocumentKind


@dataclass(frozen=True, slots=True)
class ProjectMargin:
    """A project's sales against its purchases and costs."""

    sales: Decimal
    purchases: Decimal
    costs: Decimal
    from_invoices: bool

    @property
    def margin(self) -> Decimal:
        """Sales minus purchases and costs (purchases and costs are negative)."""
        return self.sales + self.purchases + self.costs


def totals_of_documents(interactions: Mapping[str, Entry]) -> dict[str, Totals]:
    """Totals of every commercial document, by interaction id."""
    return {
        key: document_totals(e.record.document.lines)
        for key, e in interactions.items()
        if e.record.document is not None
    }


def is_issued_invoice(entry: Entry) -> bool:
    """An invoice or credit note that has its number and issue date."""
    doc = entry.record.document
    return (
        doc is not None
        and doc.kind in INVOICE_KINDS
        and bool(doc.number)
        and doc.issued is not None
    )


def signed_net(entry: Entry, totals: Mapping[str, Totals]) -> Decimal:
    """Invoiced amount excl. VAT: credit notes count negatively."""
    net = totals[entry.id].net
    return -net if entry.record.document.kind is DocumentKind.CREDIT_NOTE else net


def project_margins(
    settings: Settings,
    interactions: Mapping[str, Entry],
    by_project: Mapping[str, tuple[str, ...]],
    totals: Mapping[str, Totals],
) -> dict[str, ProjectMargin]:
    """Per project: issued invoices (else won opportunities) against purchases and costs."""
    result: dict[str, ProjectMargin] = {}
    for project, ids in by_project.items():
        entries = [interactions[i] for i in ids]
        invoiced = [e for e in entries if is_issued_invoice(e)]
        if invoiced:
            sales = sum((signed_net(e, totals) for e in invoiced), ZERO)
        else:
            sales = sum((e.record.budget or ZERO for e in entries if _won(settings, e)), ZERO)
        purchases = sum((_budget(e, totals) for e in entries if e.record.kind == "purchase"), ZERO)
        costs = sum((_budget(e, totals) for e in entries if e.record.kind == "project"), ZERO)
        result[project] = ProjectMargin(sales, purchases, costs, bool(invoiced))
    return result


def _won(settings: Settings, entry: Entry) -> bool:
    r = entry.record
    pipeline = settings.pipelines.get(r.kind)
    return r.document is None and pipeline is not None and pipeline.won == r.type


def _budget(entry: Entry, totals: Mapping[str, Totals]) -> Decimal:
    r = entry.record
    if r.document is not None:
        return -totals[entry.id].net if r.kind == "purchase" else ZERO
    return r.budget or ZERO


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
    interactions: Mapping[str, Entry], totals: Mapping[str, Totals]
) -> dict[str, Decimal]:
    """Purchases (as positive amounts) by action-date month."""
    months: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in interactions.values():
        r = entry.record
        if r.kind == "purchase":
            months[r.date.strftime("%Y-%m")] += -_budget(entry, totals)
    return dict(months)
