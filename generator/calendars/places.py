"""Where things happen: the address of an interaction, as one line.

An interaction happens at its ``location:`` when it has one, else at the address of its
company, else at that of its contact; the calendar feeds and the itineraries read it
from here.
"""

from __future__ import annotations

from typing import Any

from generator.book.book import Book


def one_line(text: str) -> str:
    """Free text (``location:``, a user's ``start_address``) on one line."""
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def place_of(book: Book, record: Any) -> str | None:
    """The address of the interaction ``record`` on one line, or ``None``."""
    if record.location and one_line(record.location):
        return one_line(record.location)
    for kind, key in (("company", record.company), ("contact", record.contact)):
        party = book.get(kind, key)
        address = getattr(party, "address", None)
        if address is not None and address.one_line():
            return address.one_line()
    return None
