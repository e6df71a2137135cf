"""The « lettre de relance » of an unpaid invoice: what is due, how late, what it costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.documents.context import Fmt, buyer, seller
from generator.documents.kinds import is_draft, template_kind, title
from generator.documents.settlement import BILLED_KINDS, payment_block
from generator.money import ZERO
from generator.problems import Refused


def reminder_context(
    book: Book, interaction_id: str, *, repo: Path | None, lang: str
) -> dict[str, Any]:
    """The « lettre de relance » of an issued invoice: what is due, how late, penalties."""
    entry = book.interactions[interaction_id]
    doc = entry.record.document
    if doc is None or doc.kind not in BILLED_KINDS:
        raise Refused("document-reminder-not-invoice", file=entry.path)
    if is_draft(entry):
        raise Refused("document-reminder-draft", file=entry.path)
    fmt = Fmt(lang, book.settings.currency)
    status = book.invoices[interaction_id]
    customer = {**buyer(book, entry, fmt), "delivery_address": []}  # a letter: one address
    invoicing = book.settings.invoicing
    return {
        "lang": lang,
        "title": "Lettre de relance",
        "draft": False,
        "today": fmt.day(book.today),
        "seller": seller(book.settings, repo, fmt),
        "buyer": customer,
        "invoice": {
            "title": title(template_kind(entry), lang),
            "number": doc.number,
            "issued": fmt.day(doc.issued),
            "due_date": fmt.day(doc.due) if doc.due else None,
        },
        "total": fmt.money(status.total),
        "credited": fmt.money(status.credited) if status.credited else None,
        "paid": fmt.money(status.paid) if status.paid else None,
        "due": fmt.money(status.due),
        "settled": status.due <= ZERO,
        "overdue": status.overdue,
        "days_late": status.days_late,
        "late_penalty": invoicing.late_penalty,
        "recovery": (
            fmt.money(invoicing.recovery_indemnity)
            if customer["professional"] and status.overdue
            else None
        ),
        "payment": payment_block(book, entry, fmt, due=status.due),
        "signatory": book.settings.users[entry.record.user].name
        if entry.record.user in book.settings.users
        else book.settings.firm.name,
    }
