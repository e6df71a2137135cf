"""``carnet renew``: the next interaction of a won contract that comes up for renewal.

The new interaction keeps the contract's user, contact, company, project and subject (and
its expected amount, or its document lines as a draft quote), starts at the first stage
of its pipeline, is dated the renewal date (or ``--date``) and says ``renews:`` the
contract, whose card then shows « renouvelé par … ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.naming import resolve
from generator.book.records import Entry
from generator.book.renewals import is_won
from generator.files.edits import ChangeSet
from generator.files.sources import discover
from generator.invoicing.drafting import line_data
from generator.locale import day_date
from generator.problems import Refused

_YEAR_SUFFIX = re.compile(r"-(\d{4})$")


@dataclass(frozen=True, slots=True)
class Renewed:
    """What renewing wrote: the changes to apply, the new interaction and its date."""

    changes: ChangeSet
    path: str
    record_id: str
    day: date


def find_interaction(repo: Path, book: Book, name: str) -> Entry:
    """The interaction ``name`` designates (id or ``interaction/id``); an unknown or
    ambiguous name is a usage error listing the candidates."""
    files, _ = discover(repo)
    found = resolve(name, [f for f in files if f.kind == "interaction"])
    return book.interactions[found.id]


def next_id(book: Book, contract: str, day: date) -> str:
    """The new interaction's id: the contract's with the renewal's year in place of its
    own (``contrat-auto-2026`` → ``contrat-auto-2027``), else with the year added; never
    an id already taken."""
    match = _YEAR_SUFFIX.search(contract)
    if match is None:
        base = f"{contract}-{day.year}"
    elif int(match.group(1)) != day.year:
        base = f"{contract[: match.start()]}-{day.year}"
    else:
        base = f"{contract}-renouvellement"
    taken = book.ids.get("interaction", frozenset())
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def renew(
    repo: Path, book: Book, contract: Entry, day: date | None = None, *, lang: str | None = "fr"
) -> Renewed:
    """The interaction that renews ``contract`` (a won interaction), dated ``day`` or its
    ``renewal:`` date. Refused for an interaction that is not won, has no date to renew
    at, or is renewed already."""
    r = contract.record
    settings = book.settings
    if not is_won(settings, contract):
        raise Refused("renew-not-won", id=contract.id, stage=r.type)
    when = day or r.renewal
    if when is None:
        raise Refused("renew-no-date", id=contract.id)
    renewal = book.renewals.get(contract.id)
    if renewal is not None and renewal.renewed_by:
        raise Refused("renew-already-renewed", id=contract.id, other=renewal.renewed_by[0])
    pipeline = settings.pipelines[r.kind]
    data: dict[str, Any] = {
        "kind": r.kind,
        "type": pipeline.stages[0],
        "user": r.user,
        "subject": r.subject,
        "date": when,
        "contact": r.contact,
        "company": r.company,
        "project": r.project,
        "renews": contract.id,
        "state": "open",
    }
    if r.document is not None and r.document.lines:
        data["document"] = {"kind": "quote", "lines": [line_data(x) for x in r.document.lines]}
    elif r.budget is not None:
        data["budget"] = r.budget
    data = {key: value for key, value in data.items() if value is not None}
    record_id = next_id(book, contract.id, when)
    changes = ChangeSet(repo)
    path = changes.unused_path(f"data/interactions/{when.year}/{record_id}.yaml")
    changes.create(
        path,
        data,
        comment=f"Renouvellement au {day_date(when, lang or 'fr')} de {contract.id}",
    )
    return Renewed(changes, path, Path(path).stem, when)
