"""``carnet invoice list``: invoices and credit notes in a rich table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from generator.book.book import Book
from generator.cli.terminal import cell
from generator.invoicing.drafting import document_label
from generator.locale import money, short_date

STATE_LABELS = {
    "draft": ("brouillon", "draft"),
    "credit": ("avoir imputé", "credit applied"),
    "paid": ("payée", "paid"),
    "due": ("à payer", "due"),
    "overdue": ("en retard", "overdue"),
}


def buyer_name(book: Book, company: str | None, contact: str | None) -> str:
    """The buyer's name: the company's, else the contact's first and last names."""
    if company and company in book.companies:
        return book.companies[company].record.name
    if contact and contact in book.contacts:
        person = book.contacts[contact].record
        return " ".join(p for p in (person.first_name, person.last_name) if p)
    return company or contact or ""


def invoice_rows(book: Book, *, overdue_only: bool = False) -> list[str]:
    """Invoice ids in the table's order: issued by number, then drafts by planned date."""
    ids = [
        key
        for key, status in book.invoices.items()
        if not overdue_only or (status.overdue and status.state == "overdue")
    ]

    def order(key: str) -> tuple[int, str, str]:
        doc = book.interactions[key].record.document
        planned = (doc.issued or book.interactions[key].record.date).isoformat()
        return (0 if doc.number else 1, doc.number or planned, key)

    return sorted(ids, key=order)


def print_invoices(book: Book, *, overdue_only: bool = False, lang: str = "fr") -> None:
    """Print the invoices (or the overdue ones) with total, paid, due, due date and state."""
    en = lang.startswith("en")
    table = Table(
        "Number" if en else "Numéro",
        "Kind" if en else "Nature",
        "Date",
        "Client",
        "Total TTC",
        "Paid" if en else "Payé",
        "Due" if en else "Dû",
        "Due date" if en else "Échéance",
        "State" if en else "État",
        title="Invoices" if en else "Factures",
    )
    for key in invoice_rows(book, overdue_only=overdue_only):
        entry = book.interactions[key]
        doc = entry.record.document
        status = book.invoices[key]
        client = buyer_name(book, entry.record.company, entry.record.contact)
        state = STATE_LABELS[status.state][1 if en else 0]
        if status.state == "overdue":
            state += f" ({status.days_late} j)" if not en else f" ({status.days_late} d)"
        table.add_row(
            cell(doc.number or key),
            document_label(doc.kind, lang),
            short_date(doc.issued, lang),
            cell(client),
            money(status.total, lang),
            money(status.paid, lang),
            money(status.due, lang),
            short_date(doc.due, lang),
            state,
        )
    Console(width=160).print(table)
