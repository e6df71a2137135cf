"""What ``carnet invoice list`` and the site show of invoices: their order and buyer."""

from __future__ import annotations

from generator.book.book import Book


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
