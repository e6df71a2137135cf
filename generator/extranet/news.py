"""« Nouveautés »: what changed lately in a client's extranet, from git.

Only in-scope records and client-visible fields, newest first, with the date and the
field's **current** value: neither author, commit nor subject, and never a past value
(an old text may hold what was later removed precisely to keep it from the client).

A record that exists since the repository's first commit was imported, not created
then: its line carries the record's own date (an interaction's ``date``, a document's
``issued``, a project's ``start``), never the import commit's. Such a record without
a date of its own (a company, a contact), or whose own date is still to come, is not
news.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from generator.book.book import Book
from generator.extranet.scope import HIDDEN_BUDGETS

VISIBLE = {
    "project": {"title": "Titre", "start": "Début", "end": "Fin"},
    "company": {"name": "Nom", "email": "E-mail", "phone": "Téléphone", "website": "Site web"},
    "contact": {
        "first_name": "Prénom",
        "last_name": "Nom",
        "role": "Fonction",
        "email": "E-mail",
        "phone": "Téléphone",
        "mobile": "Mobile",
    },
    "interaction": {
        "subject": "Sujet",
        "date": "Date",
        "type": "Étape",
        "state": "État",
        "next_step": "Étape suivante",
        "note": "Note",
        "budget": "Montant",
    },
}
_TOP = re.compile(r"^[a-z_]+")


@dataclass(frozen=True, slots=True)
class News:
    """One line of « Nouveautés »."""

    when: datetime | date
    """The commit's moment, or the record's own day for an imported record."""
    entry: Any
    label: str
    value: Any
    created: bool


def news(scoped: Book, history: Any, limit: int = 200) -> list[News]:
    """The latest visible changes of the scoped Book's records."""
    if history is None:
        return []
    items: list[News] = []
    seen: set[tuple[str, str, str]] = set()
    commits = history.commits
    first = commits[-1].id if commits else None
    for kind, fields in VISIBLE.items():
        for entry in scoped.by_kind(kind).values():
            for change in history.changes_of(entry.path):
                if change.commit is None or change.kind in ("deleted", "renamed"):
                    continue  # uncommitted work is not news; paths are not shown
                created = change.kind == "added" and not change.field
                name = "" if created else (_TOP.match(change.field) or [""])[0]
                if not created and name not in fields:
                    continue
                if (
                    kind == "interaction"
                    and name == "budget"
                    and entry.record.kind in HIDDEN_BUDGETS
                ):
                    continue
                key = (entry.path, name, change.when.date().isoformat())
                if key in seen:
                    continue
                seen.add(key)
                when: datetime | date = change.when
                if created and change.commit == first:
                    own = own_date(kind, entry.record)
                    if own is None or own > scoped.today:
                        continue
                    when = own
                value = None if created else getattr(entry.record, name, None)
                items.append(News(when, entry, "" if created else fields[name], value, created))
    items.sort(key=_newest, reverse=True)
    return items[:limit]


def own_date(kind: str, record: Any) -> date | None:
    """The day a record dates itself: an interaction's ``date`` (a document's ``issued``),
    a project's ``start``; ``None`` for the others."""
    if kind == "interaction":
        document = getattr(record, "document", None)
        issued = getattr(document, "issued", None) if document is not None else None
        return issued or record.date
    if kind == "project":
        return record.start
    return None


def _newest(item: News) -> tuple[date, float]:
    """Day first, then the moment within the day (an own date counts as its morning)."""
    when = item.when
    if isinstance(when, datetime):
        return when.date(), when.timestamp()
    return when, float("-inf")
