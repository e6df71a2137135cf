"""The Book: every record, frozen and cross-linked, with views computed once.

:func:`build_book` indexes what loading produced, before the checks: a record whose file
has schema errors enters with the fields that validated, so that the checks (which all
read the Book, never the files) still see it and its references. Views therefore never
assume valid data; but renderers (site, extranet, documents, reports) only ever get a
Book with no error (:func:`generator.load.load`), and nothing in it is recomputed in
templates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from generator.book.agenda import expand
from generator.book.analytics import monthly_purchases, monthly_turnover, totals_of_documents
from generator.book.campaigns import (
    Audience,
    CampaignStats,
    InterestCentre,
    audience,
    interest_centres,
    statistics,
)
from generator.book.compliance import Compliance, compliance
from generator.book.consent import Consent, consents
from generator.book.counting import DocumentChain, ProjectMargin, count
from generator.book.franchise import with_franchise_defaults
from generator.book.inventory import StockIssue, replay
from generator.book.ledger import (
    Instalment,
    InvoiceStatus,
    OrderBilling,
    instalments,
    invoice_status,
    order_billing,
)
from generator.book.progress import Progress, document_progress
from generator.book.records import Entry, Records
from generator.book.renewals import Renewal, renewals
from generator.book.reuse import Earlier
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
    lang: str
    """The language of messages about the Book (its checks' problems)."""
    ids: Mapping[str, frozenset[str]]
    """Every id that has a file, by kind, also those whose record could not be read."""
    files: frozenset[str]
    """Every record file, also those whose record could not be read."""
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
    """Per project: sales, purchases, costs and margin, realised and still to come."""
    margin_total: ProjectMargin
    """The same for the whole business, with or without a project."""
    chains: Mapping[str, DocumentChain]
    """Each document → the head of its chain of links and the sale opportunity it bills."""
    hours_costs: Mapping[str, Decimal]
    """Each project task priced by its ``hours`` → its cost (negative)."""
    turnover_by_month: Mapping[str, Decimal]
    purchases_by_month: Mapping[str, Decimal]
    invoices: Mapping[str, InvoiceStatus]
    orders: Mapping[str, OrderBilling]
    instalments: Mapping[str, Instalment]
    progress: Mapping[str, Progress]
    """Where each sales document stands: settled, or its next steps (and the
    opportunities accepted quotes come from)."""
    numbers: Mapping[str, str]
    occurrences: Mapping[str, tuple[datetime, ...]]
    """Start times of every interaction that has a ``start`` (its recurrence expanded)."""
    recurrence_errors: Mapping[str, str]
    """Why the recurrence of an interaction could not be read (it keeps its start)."""
    stock_issues: tuple[StockIssue, ...]
    """What the replay of every validated movement met: stock below zero, serials."""
    renewals: Mapping[str, Renewal]
    """Each won contract with a ``renewal:`` date → its renewal, by due date."""
    campaigns: Mapping[str, Entry]
    send_logs: Mapping[str, Entry]
    """Each campaign's send log (``data/campaigns/<id>.sent.yaml``), by campaign id."""
    consent: Mapping[str, Consent]
    """Each contact: may it receive campaigns, and why not (:mod:`generator.book.consent`)."""
    audiences: Mapping[str, Audience]
    """Each campaign → its recipients and the contacts it leaves out, with the reason."""
    campaign_stats: Mapping[str, CampaignStats]
    interest_centres: Mapping[str, InterestCentre]
    compliance: Compliance
    """Advisers: each contact's questionnaires and profile, each recommendation judged."""

    def by_kind(self, kind: str) -> Mapping[str, Entry]:
        """The records of ``kind`` (``company``, ``contact``, …) by id."""
        return {
            "company": self.companies,
            "contact": self.contacts,
            "project": self.projects,
            "interaction": self.interactions,
            "product": self.products,
            "movement": self.movements,
            "campaign": self.campaigns,
            "sendlog": self.send_logs,
        }[kind]

    def record(self, kind: str, record_id: str) -> Any:
        """The model of ``kind/record_id``."""
        return self.by_kind(kind)[record_id].record

    def of(self, kind: str) -> Iterator[Entry]:
        """The records of ``kind``, by id."""
        return iter(self.by_kind(kind).values())

    def get(self, kind: str, record_id: str | None) -> Any:
        """The model of ``kind/record_id``, or ``None`` when there is none."""
        entry = self.by_kind(kind).get(record_id) if record_id is not None else None
        return entry.record if entry is not None else None

    def open_interactions_by_user(self) -> dict[str, int]:
        """How many interactions each user has not finished."""
        return {
            user: sum(1 for i in ids if self.interactions[i].record.state is not State.DONE)
            for user, ids in self.interactions_by_user.items()
        }


def build_book(
    records: Records,
    today: date,
    *,
    base: Book | None = None,
    pipeline_totals: Mapping[str, tuple[StageTotal, ...]] | None = None,
) -> Book:
    """Index the records once and compute every view. ``records.settings`` is needed.

    ``base``: a Book of the same settings and day whose views are taken where their
    records are the very same (:mod:`generator.book.reuse`). ``pipeline_totals``: the
    pipelines' totals to show, when they are not those of these records."""
    if records.settings is None:
        raise ValueError("a Book needs settings")
    settings = records.settings
    earlier = Earlier(base, settings, today)
    kinds = records_by_kind(records, settings)
    interactions = kinds["interaction"]
    ordered = sorted(interactions.values(), key=lambda e: (e.record.date, e.id))
    by_company, by_contact, by_project, by_user = (defaultdict(list) for _ in range(4))
    opportunities: list[str] = []
    documents: list[str] = []
    # each stage's opportunities counted in the same pass (each record read once)
    stage_counts: dict[tuple[str, str], int] = defaultdict(int)
    stage_sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in ordered:
        r = entry.record
        if r.company:
            by_company[r.company].append(entry.id)
        if r.contact:
            by_contact[r.contact].append(entry.id)
        if r.project:
            by_project[r.project].append(entry.id)
        by_user[r.user].append(entry.id)
        if r.document is not None:
            documents.append(entry.id)
        else:
            opportunities.append(entry.id)
            stage = (r.kind, r.type)
            stage_counts[stage] += 1
            stage_sums[stage] += r.budget or Decimal(0)
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
    occurrences, recurrence_errors = earlier.per_record(
        interactions, lambda b: (b.occurrences, b.recurrence_errors), expand
    )
    # Documents are a few percent of the interactions: their views read only them.
    document_entries = {key: e for key, e in interactions.items() if e.record.document is not None}
    (totals,) = earlier.per_record(
        document_entries,
        lambda b: (b.document_totals,),
        lambda entries: (totals_of_documents({e.id: e for e in entries}),),
    )
    orders = order_billing(document_entries, totals)
    invoices = invoice_status(document_entries, totals, today)
    frozen_by_project = _freeze(by_project)
    counting = count(settings, interactions, document_entries, totals)
    people_as_before = earlier.unchanged(kinds, "contact", "company")
    if earlier.book is not None and earlier.unchanged(kinds, "contact"):
        consent = dict(earlier.book.consent)
    else:
        consent = consents(kinds["contact"], settings.prospecting.b2b_requires_optin)
    stock_views = _stock_views(kinds, managed, today, earlier)
    return Book(
        settings=settings,
        today=today,
        lang=records.lang,
        ids=MappingProxyType({k: frozenset(v) for k, v in records.ids.items()}),
        files=frozenset(records.paths),
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
        pipeline_totals=pipeline_totals
        if pipeline_totals is not None
        else _pipeline_totals(settings, stage_counts, stage_sums),
        stock_on_hand=stock_views[0],
        serials_in_stock=stock_views[1],
        document_totals=MappingProxyType(totals),
        project_margins=MappingProxyType(counting.projects),
        margin_total=counting.total,
        chains=MappingProxyType(counting.chains),
        hours_costs=MappingProxyType(counting.hours_costs),
        turnover_by_month=MappingProxyType(monthly_turnover(document_entries, totals)),
        purchases_by_month=MappingProxyType(monthly_purchases(settings, interactions, totals)),
        invoices=MappingProxyType(invoices),
        orders=MappingProxyType(orders),
        instalments=MappingProxyType(instalments(document_entries, totals, orders)),
        progress=MappingProxyType(
            document_progress(
                interactions, document_entries, totals, orders, invoices, frozenset(managed)
            )
        ),
        numbers=MappingProxyType(
            {
                e.record.document.number: key
                for key, e in document_entries.items()
                if e.record.document.number
            }
        ),
        occurrences=MappingProxyType(occurrences),
        recurrence_errors=MappingProxyType(recurrence_errors),
        stock_issues=stock_views[2],
        renewals=MappingProxyType(renewals(settings, interactions.values(), today)),
        campaigns=MappingProxyType(kinds["campaign"]),
        send_logs=MappingProxyType(kinds["sendlog"]),
        consent=MappingProxyType(consent),
        audiences=MappingProxyType(
            {
                c: audience(e.record, kinds["contact"], kinds["company"], consent)
                for c, e in kinds["campaign"].items()
            }
        ),
        campaign_stats=MappingProxyType(
            {
                c: statistics(
                    c,
                    kinds["sendlog"][c].record if c in kinds["sendlog"] else None,
                    kinds["contact"],
                    kinds["company"],
                )
                for c in kinds["campaign"]
            }
        ),
        interest_centres=earlier.book.interest_centres
        if earlier.book is not None and people_as_before
        else MappingProxyType(
            interest_centres(settings.interests, kinds["contact"], kinds["company"], consent)
        ),
        compliance=compliance(settings, kinds["contact"], ordered, kinds["product"], today),
    )


def records_by_kind(records: Records, settings: Settings) -> dict[str, dict[str, Entry]]:
    """The records of each kind by id, in the order of their ids (the interactions with
    the franchise's defaults applied)."""
    kinds = {k: dict(sorted(records.by_kind.get(k, {}).items())) for k in KINDS}
    kinds["interaction"] = with_franchise_defaults(settings, kinds["interaction"])
    return kinds


KINDS = (
    "company",
    "contact",
    "project",
    "interaction",
    "product",
    "movement",
    "campaign",
    "sendlog",
)


def _stock_views(
    kinds: Mapping[str, Mapping[str, Entry]], managed: set[str], today: date, earlier: Earlier
) -> tuple[Mapping[str, Decimal], Mapping[str, frozenset[str]], tuple[StockIssue, ...]]:
    """Stock on hand, serials in stock and the replay's issues (those of ``earlier`` when
    its products and movements are the very same)."""
    if earlier.book is not None and earlier.unchanged(kinds, "movement", "product"):
        book = earlier.book
        return book.stock_on_hand, book.serials_in_stock, book.stock_issues
    stock = replay(kinds["movement"].values(), managed, snapshot=today)
    on_hand = {
        p: (stock.levels_at or {}).get(p, Decimal(0)) for p in kinds["product"] if p in managed
    }
    serials = {p: frozenset(s) for p, s in (stock.serials_at or {}).items() if s}
    return MappingProxyType(on_hand), MappingProxyType(serials), tuple(stock.issues)


def _pipeline_totals(
    settings: Settings,
    counts: Mapping[tuple[str, str], int],
    sums: Mapping[tuple[str, str], Decimal],
) -> Mapping[str, tuple[StageTotal, ...]]:
    """Each pipeline's stages with how many opportunities are at each and their budgets'
    sum (``counts`` and ``sums`` by ``(kind, type)``: a stage with none is at zero)."""
    return MappingProxyType(
        {
            key: tuple(
                StageTotal(s, counts.get((key, s), 0), sums.get((key, s), Decimal(0)))
                for s in pipeline.stages
            )
            for key, pipeline in settings.pipelines.items()
        }
    )
