"""The Book: every valid record, frozen and cross-linked, with views computed once.

Renderers (site, extranet, documents, reports) read only the Book. It is built after
validation by :func:`build_book`; nothing in it is recomputed in templates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from generator.book.analytics import (
    ProjectMargin,
    monthly_purchases,
    monthly_turnover,
    project_margins,
    totals_of_documents,
)
from generator.book.inventory import replay
from generator.book.ledger import (
    Instalment,
    InvoiceStatus,
    OrderBilling,
    instalments,
    invoice_status,
    order_billing,
)
from generator.book.records import Entry, Records
from generator.money import Totals
from generator.schema import Settings
from generator.schema.common import State


@dataclass(frozen=True, slots=True)
class StageTotal:
    """Opportunities at one stage of a pipeline: how many, and their budgets' sum."""

    stage: str
    count: int
    amount: Decimal


def _freeze(index: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


@dataclass(frozen=True, slots=True)
class Book:
    """The whole business as of ``today``, read-only."""

    settings: Settings
    today: date
    companies: Mapping[str, Entry]
    contacts: Mapping[str, Entry]
    projects: Mapping[str, Entry]
    interactions: Mapping[str, Entry]
    products: Mapping[str, Entry]
    movements: Mapping[str, Entry]
    interactions_by_company: Mapping[str, tuple[str, ...]]
    interactions_by_contact: Mapping[str, tuple[str, ...]]
    interactions_by_project: Mapping[str, tuple[str, ...]]
    interactions_by_user: Mapping[str, tuple[str, ...]]
    contacts_by_company: Mapping[str, tuple[str, ...]]
    projects_by_company: Mapping[str, tuple[str, ...]]
    projects_by_contact: Mapping[str, tuple[str, ...]]
    movements_by_product: Mapping[str, tuple[str, ...]]
    opportunities: tuple[str, ...]
    documents: tuple[str, ...]
    pipeline_totals: Mapping[str, tuple[StageTotal, ...]]
    stock_on_hand: Mapping[str, Decimal]
    serials_in_stock: Mapping[str, frozenset[str]]
    document_totals: Mapping[str, Totals]
    project_margins: Mapping[str, ProjectMargin]
    turnover_by_month: Mapping[str, Decimal]
    purchases_by_month: Mapping[str, Decimal]
    invoices: Mapping[str, InvoiceStatus]
    orders: Mapping[str, OrderBilling]
    instalments: Mapping[str, Instalment]
    numbers: Mapping[str, str]

    def by_kind(self, kind: str) -> Mapping[str, Entry]:
        """The records of ``kind`` (``company``, ``contact``, …) by id."""
        return {
            "company": self.companies,
            "contact": self.contacts,
            "project": self.projects,
            "interaction": self.interactions,
            "product": self.products,
            "movement": self.movements,
        }[kind]

    def record(self, kind: str, record_id: str) -> Any:
        """The model of ``kind/record_id``."""
        return self.by_kind(kind)[record_id].record

    def open_interactions_by_user(self) -> dict[str, int]:
        """How many interactions each user has not finished."""
        return {
            user: sum(1 for i in ids if self.interactions[i].record.state is not State.DONE)
            for user, ids in self.interactions_by_user.items()
        }


def build_book(records: Records, today: date) -> Book:
    """Index valid records once. ``records.settings`` must be valid."""
    if records.settings is None:
        raise ValueError("a Book needs valid settings")
    settings = records.settings
    kinds = {
        k: dict(sorted(records.by_kind.get(k, {}).items()))
        for k in ("company", "contact", "project", "interaction", "product", "movement")
    }
    interactions = kinds["interaction"]
    ordered = sorted(interactions.values(), key=lambda e: (e.record.date, e.id))
    by_company, by_contact, by_project, by_user = (defaultdict(list) for _ in range(4))
    opportunities: list[str] = []
    documents: list[str] = []
    for entry in ordered:
        r = entry.record
        if r.company:
            by_company[r.company].append(entry.id)
        if r.contact:
            by_contact[r.contact].append(entry.id)
        if r.project:
            by_project[r.project].append(entry.id)
        by_user[r.user].append(entry.id)
        (documents if r.document is not None else opportunities).append(entry.id)
    contacts_by_company: dict[str, list[str]] = defaultdict(list)
    for entry in kinds["contact"].values():
        if entry.record.company:
            contacts_by_company[entry.record.company].append(entry.id)
    managed = {p for p, e in kinds["product"].items() if e.record.stock_managed}
    projects_by_company: dict[str, list[str]] = defaultdict(list)
    projects_by_contact: dict[str, list[str]] = defaultdict(list)
    for entry in kinds["project"].values():
        for link in entry.record.companies:
            projects_by_company[link.id].append(entry.id)
        for link in entry.record.contacts:
            projects_by_contact[link.id].append(entry.id)
    movements_by_product: dict[str, list[str]] = defaultdict(list)
    for entry in sorted(kinds["movement"].values(), key=lambda e: (e.record.date, e.id)):
        for product in dict.fromkeys(line.product for line in entry.record.lines):
            movements_by_product[product].append(entry.id)
    stock = replay(kinds["movement"].values(), managed, until=today)
    totals = totals_of_documents(interactions)
    orders = order_billing(interactions, totals)
    frozen_by_project = _freeze(by_project)
    return Book(
        settings=settings,
        today=today,
        companies=MappingProxyType(kinds["company"]),
        contacts=MappingProxyType(kinds["contact"]),
        projects=MappingProxyType(kinds["project"]),
        interactions=MappingProxyType(interactions),
        products=MappingProxyType(kinds["product"]),
        movements=MappingProxyType(kinds["movement"]),
        interactions_by_company=_freeze(by_company),
        interactions_by_contact=_freeze(by_contact),
        interactions_by_project=frozen_by_project,
        interactions_by_user=_freeze(by_user),
        contacts_by_company=_freeze(contacts_by_company),
        projects_by_company=_freeze(projects_by_company),
        projects_by_contact=_freeze(projects_by_contact),
        movements_by_product=_freeze(movements_by_product),
        opportunities=tuple(opportunities),
        documents=tuple(documents),
        pipeline_totals=_pipeline_totals(settings, interactions, opportunities),
        stock_on_hand=MappingProxyType(
            {
                p: stock.levels.get(p, Decimal(0))
                for p in kinds["product"]
                if kinds["product"][p].record.stock_managed
            }
        ),
        serials_in_stock=MappingProxyType({p: frozenset(s) for p, s in stock.serials.items() if s}),
        document_totals=MappingProxyType(totals),
        project_margins=MappingProxyType(
            project_margins(settings, interactions, frozen_by_project, totals)
        ),
        turnover_by_month=MappingProxyType(monthly_turnover(interactions, totals)),
        purchases_by_month=MappingProxyType(monthly_purchases(interactions, totals)),
        invoices=MappingProxyType(invoice_status(interactions, totals, today)),
        orders=MappingProxyType(orders),
        instalments=MappingProxyType(instalments(interactions, totals, orders)),
        numbers=MappingProxyType(
            {
                e.record.document.number: key
                for key, e in interactions.items()
                if e.record.document is not None and e.record.document.number
            }
        ),
    )


def _pipeline_totals(
    settings: Settings, interactions: Mapping[str, Entry], opportunities: list[str]
) -> Mapping[str, tuple[StageTotal, ...]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for record_id in opportunities:
        r = interactions[record_id].record
        counts[r.kind, r.type] += 1
        sums[r.kind, r.type] += r.budget or Decimal(0)
    return MappingProxyType(
        {
            key: tuple(StageTotal(s, counts[key, s], sums[key, s]) for s in pipeline.stages)
            for key, pipeline in settings.pipelines.items()
        }
    )
