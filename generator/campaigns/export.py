"""``carnet campaign export``: the recipients of a campaign for an external mailing tool."""

from __future__ import annotations

import csv
import io

from generator.book.book import Book
from generator.book.campaigns import interests_of

COLUMNS = ("contact", "email", "civility", "first_name", "last_name", "company", "interests")


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (``=``, ``+``, ``-``, ``@``…)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def recipients_csv(book: Book, campaign_id: str) -> str:
    """CSV (comma, UTF-8, header line) of the campaign's recipients, after the same
    exclusions as a send: consent, disabled addresses, duplicates, hand-made exclusions."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in book.audiences[campaign_id].recipients:
        contact = book.contacts[r.contact].record
        company = book.companies.get(contact.company or "")
        row = (
            r.contact,
            r.address,
            contact.civility or "",
            contact.first_name or "",
            contact.last_name,
            company.record.name if company else "",
            ";".join(sorted(interests_of(contact, book.companies))),
        )
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
