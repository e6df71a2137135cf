"""Counting per opportunity (PRODUCT.md "Counting"): what each project realised, and what
is still in the pipeline or planned.

- A sale opportunity counts the issued invoices that bill it, net of their credit notes,
  when it has any; else its budget when it is won (its pipeline's ``won`` stage); else it
  is pipeline ("en cours"), shown apart — unless it is lost or done (over, not pending).
  An invoice bills the opportunity it reaches through its links: a credit note its
  invoice (``corrects``), an invoice its order (``order``, else ``from``), an order its
  quote, a quote its opportunity (``from``); any of them may name the opportunity
  directly. An issued invoice that reaches no opportunity counts on its own, in its own
  project: nothing counts twice.
- A purchase counts from its pipeline's ``committed_from`` stage on (every purchase when
  the pipeline names none), or when it carries a document (a purchase order); earlier
  stages are planned ("prévu"), shown apart, unless the purchase is done (given up or
  superseded by the one that was ordered).
- A project task costs ``hours × hourly_cost`` of its user when it has ``hours``, else
  its budget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from generator.book.records import Entry
from generator.money import ZERO, Totals, cents
from generator.schema import Settings
from generator.schema.common import INVOICE_KINDS, BudgetSign, DocumentKind, State

PURCHASE = "purchase"
TASK = "project"


@dataclass(frozen=True, slots=True)
class ProjectMargin:
    """A project's sales against its purchases and costs: what is realised, and apart
    what is still in the pipeline (sales) or planned (purchases). Purchases and costs
    are negative."""

    invoiced: Decimal = ZERO
    """Issued invoices net of credit notes."""
    won: Decimal = ZERO
    """Budgets of won opportunities that have no issued invoice."""
    pipeline: Decimal = ZERO
    """Budgets of sale opportunities neither won, lost nor done ("en cours")."""
    purchases: Decimal = ZERO
    """Committed purchases (ordered or received)."""
    planned: Decimal = ZERO
    """Purchases at a stage before ``committed_from`` ("prévu")."""
    costs: Decimal = ZERO
    """Project tasks."""
    counted: frozenset[str] = field(default_factory=frozenset)
    """Every interaction whose amount lands here, with the documents linking invoices to
    their opportunities: what the figures are made of."""

    @property
    def sales(self) -> Decimal:
        """Realised sales: invoiced, plus won opportunities not invoiced yet."""
        return self.invoiced + self.won

    @property
    def margin(self) -> Decimal:
        """Realised sales minus committed purchases and costs."""
        return self.sales + self.purchases + self.costs

    @property
    def outlook(self) -> Decimal:
        """The margin if the pipeline is won and the planned purchases are made."""
        return self.margin + self.pipeline + self.planned

    @property
    def pending(self) -> bool:
        """Is anything still in the pipeline or planned?"""
        return self.pipeline != ZERO or self.planned != ZERO


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


def next_link(entry: Entry) -> str | None:
    """What a document was made from: a credit note's invoice, an invoice's order, an
    order's quote, or the opportunity any of them names."""
    doc = entry.record.document
    if doc is None:
        return None
    if doc.kind is DocumentKind.CREDIT_NOTE:
        return doc.corrects or doc.from_
    return doc.order or doc.from_


def is_sale_opportunity(settings: Settings, entry: Entry) -> bool:
    """An opportunity (no document) of a selling pipeline: one that can be won or whose
    budgets are positive — not a purchase, a project task or support."""
    r = entry.record
    pipeline = settings.pipelines.get(r.kind)
    return (
        r.document is None
        and r.kind not in (PURCHASE, TASK)
        and pipeline is not None
        and (pipeline.won is not None or pipeline.budget_sign is BudgetSign.POSITIVE)
    )


@dataclass(frozen=True, slots=True)
class DocumentChain:
    """Where a document's links lead."""

    head: str
    """The first document of the chain (the last one reached): where a missing link to
    the opportunity goes."""
    opportunity: str | None
    """The sale opportunity the chain reaches, if any."""


def document_chains(
    settings: Settings, interactions: Mapping[str, Entry], documents: Mapping[str, Entry]
) -> dict[str, DocumentChain]:
    """Each document → its chain's head and the sale opportunity it reaches.

    Every document is walked once (a chain met again is reused, a loop or an unknown id
    ends it): the time stays linear even when a hostile repository chains thousands of
    documents.
    """
    result: dict[str, DocumentChain] = {}
    for start in documents:
        path: list[str] = []
        on_path: set[str] = set()
        key: str | None = start
        while True:
            if key in result:
                end = result[key]
                break
            entry = interactions.get(key) if key is not None else None
            if entry is None or entry.record.document is None or key in on_path:
                reached = entry is not None and entry.record.document is None
                opportunity = key if reached and is_sale_opportunity(settings, entry) else None
                end = DocumentChain(path[-1], opportunity) if path else DocumentChain(start, None)
                break
            path.append(entry.id)
            on_path.add(entry.id)
            key = next_link(entry)
        for member in path:
            result[member] = end
    return result


def purchase_split(
    settings: Settings, entry: Entry, totals: Mapping[str, Totals]
) -> tuple[Decimal, Decimal]:
    """A purchase's (committed, planned) amounts, negative."""
    r = entry.record
    if r.document is not None:
        return -totals[entry.id].net, ZERO
    budget = r.budget or ZERO
    pipeline = settings.pipelines.get(r.kind)
    if pipeline is None or pipeline.committed_from not in pipeline.stages:
        return budget, ZERO
    stages = pipeline.stages
    if r.type in stages and stages.index(r.type) >= stages.index(pipeline.committed_from):
        return budget, ZERO
    if r.state is State.DONE or r.type == pipeline.lost:
        return ZERO, ZERO
    return ZERO, budget


def hours_cost(settings: Settings, entry: Entry) -> Decimal | None:
    """A project task's ``hours`` at its user's hourly cost, negative; ``None`` without
    hours, or when the user has no hourly cost (:mod:`generator.checks.counting` reports
    it)."""
    r = entry.record
    user = settings.users.get(r.user)
    if r.hours is None or r.document is not None or user is None or user.hourly_cost is None:
        return None
    return -cents(r.hours * user.hourly_cost)


def task_cost(settings: Settings, entry: Entry) -> Decimal:
    """A project task's cost, negative: its hours at its user's hourly cost, else its
    budget."""
    if entry.record.document is not None:
        return ZERO
    priced = hours_cost(settings, entry)
    return priced if priced is not None else entry.record.budget or ZERO


@dataclass(slots=True)
class _Tally:
    invoiced: Decimal = ZERO
    won: Decimal = ZERO
    pipeline: Decimal = ZERO
    purchases: Decimal = ZERO
    planned: Decimal = ZERO
    costs: Decimal = ZERO
    counted: set[str] = field(default_factory=set)

    def frozen(self) -> ProjectMargin:
        return ProjectMargin(
            self.invoiced,
            self.won,
            self.pipeline,
            self.purchases,
            self.planned,
            self.costs,
            frozenset(self.counted),
        )


@dataclass(frozen=True, slots=True)
class Counting:
    """Every project's margin, the whole business's, and what each invoice bills."""

    projects: dict[str, ProjectMargin]
    total: ProjectMargin
    chains: dict[str, DocumentChain]
    """Each document → its chain's head and the sale opportunity it bills, if any."""
    hours_costs: dict[str, Decimal]
    """Project task priced by its ``hours`` → its cost (negative)."""


def count(
    settings: Settings,
    interactions: Mapping[str, Entry],
    documents: Mapping[str, Entry],
    totals: Mapping[str, Totals],
) -> Counting:
    """Count every interaction once, per opportunity, into its project and the total."""
    chains = document_chains(settings, interactions, documents)
    invoices_of: dict[str, list[Entry]] = defaultdict(list)
    linked: dict[str, set[str]] = defaultdict(set)
    for key, reached in chains.items():
        if reached.opportunity is not None:
            linked[reached.opportunity].add(key)
            if is_issued_invoice(documents[key]):
                invoices_of[reached.opportunity].append(documents[key])
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    hours_costs: dict[str, Decimal] = {}
    total = _Tally()

    def add(entry: Entry, name: str, amount: Decimal, counted: tuple[str, ...]) -> None:
        project = entry.record.project
        for tally in (total, tallies[project]) if project else (total,):
            setattr(tally, name, getattr(tally, name) + amount)
            tally.counted.update(counted)

    for entry in interactions.values():
        r = entry.record
        if r.document is not None:
            if is_issued_invoice(entry) and chains[entry.id].opportunity is None:
                add(entry, "invoiced", signed_net(entry, totals), (entry.id,))
            elif r.kind == PURCHASE:
                add(entry, "purchases", purchase_split(settings, entry, totals)[0], (entry.id,))
            continue
        if r.kind == PURCHASE:
            committed, planned = purchase_split(settings, entry, totals)
            add(entry, "purchases", committed, (entry.id,))
            add(entry, "planned", planned, (entry.id,))
        elif r.kind == TASK:
            priced = hours_cost(settings, entry)
            if priced is not None:
                hours_costs[entry.id] = priced
            add(entry, "costs", task_cost(settings, entry), (entry.id,))
        elif is_sale_opportunity(settings, entry):
            counted = (entry.id, *sorted(linked.get(entry.id, ())))
            _count_sale(settings, entry, invoices_of.get(entry.id, []), counted, totals, add)
    return Counting(
        {key: tally.frozen() for key, tally in tallies.items()},
        total.frozen(),
        chains,
        hours_costs,
    )


def _count_sale(
    settings: Settings,
    entry: Entry,
    invoices: list[Entry],
    counted: tuple[str, ...],
    totals: Mapping[str, Totals],
    add: Callable[[Entry, str, Decimal, tuple[str, ...]], None],
) -> None:
    """One sale opportunity: its invoices, else its budget when won, else pipeline.
    ``counted``: the opportunity and every document linked to it."""
    r = entry.record
    pipeline = settings.pipelines[r.kind]
    if invoices:
        add(entry, "invoiced", sum((signed_net(i, totals) for i in invoices), ZERO), counted)
    elif r.type == pipeline.won:
        add(entry, "won", r.budget or ZERO, counted)
    elif r.type != pipeline.lost and r.state is not State.DONE:
        add(entry, "pipeline", r.budget or ZERO, counted)
    else:
        add(entry, "won", ZERO, counted)
