"""What margins need (PRODUCT.md "Counting", :mod:`generator.book.counting`).

- ``hours`` on a project task prices it at its user's ``hourly_cost``: a user without one
  is an error on the ``hours`` line.
- An issued invoice that reaches no opportunity counts on its own; when its company or
  contact won an opportunity in the same project, it most likely bills that sale, which
  then counts twice (its budget and the invoice): a warning names the link to add.
"""

from __future__ import annotations

from collections import defaultdict

from generator.book.book import Book, Entry
from generator.book.counting import TASK
from generator.checks.base import at
from generator.money import plain_quantity
from generator.problems import Problem
from generator.schema.common import INVOICE_KINDS, DocumentKind


def check_counting(book: Book) -> list[Problem]:
    """Every check of this module."""
    return check_hourly_costs(book) + check_invoice_links(book)


def check_hourly_costs(book: Book) -> list[Problem]:
    """A task with ``hours`` has a user with an ``hourly_cost``."""
    users = book.settings.users
    problems: list[Problem] = []
    for entry in book.of("interaction"):
        r = entry.record
        user = users.get(r.user)
        if r.kind == TASK and r.hours is not None and user is not None and user.hourly_cost is None:
            problems.append(
                at(
                    book,
                    entry.path,
                    ("hours",),
                    "hourly-cost-missing",
                    hours=plain_quantity(r.hours),
                    user=r.user,
                )
            )
    return problems


def check_invoice_links(book: Book) -> list[Problem]:
    """An issued invoice billing no opportunity, while its company or contact won one in
    its project: the link to the sale is probably missing."""
    won: dict[str, list[Entry]] = defaultdict(list)
    for key in book.opportunities:
        entry = book.interactions[key]
        pipeline = book.settings.pipelines.get(entry.record.kind)
        if entry.record.project and pipeline is not None and entry.record.type == pipeline.won:
            won[entry.record.project].append(entry)
    problems: list[Problem] = []
    for key in book.documents:
        entry = book.interactions[key]
        r = entry.record
        doc = r.document
        if (
            book.chains[key].opportunity is not None
            or not r.project
            or doc.kind not in INVOICE_KINDS
            or doc.kind is DocumentKind.CREDIT_NOTE
            or not doc.number
            or doc.issued is None
        ):
            continue
        sales = [o for o in won.get(r.project, ()) if _same_party(o, entry)]
        if sales:
            problems.append(_unlinked(book, entry, sales))
    return problems


def _same_party(opportunity: Entry, invoice: Entry) -> bool:
    o, i = opportunity.record, invoice.record
    return bool(i.company and o.company == i.company) or bool(i.contact and o.contact == i.contact)


def _unlinked(book: Book, invoice: Entry, sales: list[Entry]) -> Problem:
    r = invoice.record
    head = book.chains[invoice.id].head
    # the contact's own sale first, then the nearest in time to the head of the chain
    day = book.interactions[head].record.date
    sales.sort(key=lambda o: (o.record.contact != r.contact, abs((o.record.date - day).days)))
    party = _party_name(book, invoice, sales[0])
    return at(
        book,
        invoice.path,
        ("document", "number"),
        "invoice-unlinked",
        number=r.document.number,
        party=party,
        project=r.project,
        other=", ".join(o.id for o in sales),
        suggestion=sales[0].id,
        id=head,
    )


def _party_name(book: Book, invoice: Entry, sale: Entry) -> str:
    r = invoice.record
    if r.contact and sale.record.contact == r.contact:
        contact = book.get("contact", r.contact)
        return contact.full_name if contact is not None else r.contact
    company = book.get("company", r.company)
    return company.name if company is not None else r.company or ""
