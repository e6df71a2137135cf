"""What each record page shows, as files: a page whose inputs did not change is reused.

A record page shows its record, the records it lists (contacts, projects, movements),
what its margin counts (a project's: invoices of its opportunities, wherever they are)
and interaction cards, each naming a company, a contact and a project. Its key is the
digest of all those files' contents, of the record's history, and of everything global
(settings, templates, Carnet itself); pages of lists, boards, agenda and dashboard are
always rendered again, but for those that show only people (the contacts list, the interest
centres: :func:`people_key`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from generator.book.book import Book
from generator.files.cache import add_files
from generator.files.layout import SETTINGS_PATH

_INDEX = {
    "company": "interactions_by_company",
    "contact": "interactions_by_contact",
    "project": "interactions_by_project",
}


def _paths(book: Book, kind: str, ids: Iterable[str | None]) -> Iterable[str]:
    records = book.by_kind(kind)
    for record_id in ids:
        if record_id and record_id in records:
            yield records[record_id].path


def _link_inputs(book: Book, interaction_id: str) -> set[str]:
    """Files a card's link to an interaction shows (its subject, the page it is on)."""
    entry = book.interactions.get(interaction_id)
    if entry is None:
        return set()
    r = entry.record
    return {
        entry.path,
        *_paths(book, "company", [r.company]),
        *_paths(book, "contact", [r.contact]),
        *_paths(book, "project", [r.project]),
    }


def card_inputs(book: Book, interaction_id: str) -> set[str]:
    """Files an interaction card shows (and, for a contract to renew, today: whether its
    renewal is coming or overdue changes with the days)."""
    inputs = _link_inputs(book, interaction_id)
    r = book.interactions[interaction_id].record
    renewal = book.renewals.get(interaction_id)
    if renewal is not None:
        inputs.add(f"today:{book.today.isoformat()}")
        for other in renewal.renewed_by:
            inputs |= _link_inputs(book, other)
    if r.renews:
        inputs |= _link_inputs(book, r.renews)
    return inputs


CardMemo = dict[str, Any]
"""What :func:`kept_cards` keeps between two stagings: the files of the records a card
links, by id; each interaction's card inputs with the record and file they came from."""

_LINKED = ("company", "contact", "project")


def kept_cards(book: Book, memo: CardMemo) -> dict[str, set[str]]:
    """The card inputs (:func:`card_inputs`) kept in ``memo`` that still hold for ``book``,
    by interaction id: same record object from the same file, the same file for every id
    of the kinds a card links, and no renewal in play (a renewal's inputs follow other
    interactions and the day: they are always worked out again). ``memo`` is left with
    those only, for :func:`keep_cards` to add this staging's."""
    files = {kind: {e.id: e.path for e in book.of(kind)} for kind in _LINKED}
    valid = memo.get("files") == files
    memo["files"] = files
    kept: dict[str, tuple[Any, str, set[str]]] = {}
    found: dict[str, set[str]] = {}
    interactions, renewals = book.interactions, book.renewals
    for interaction_id, held in (memo.get("cards", {}) if valid else {}).items():
        entry = interactions.get(interaction_id)
        if (
            entry is not None
            and entry.record is held[0]
            and entry.path == held[1]
            and interaction_id not in renewals
        ):
            kept[interaction_id] = held
            found[interaction_id] = held[2]
    memo["cards"] = kept
    return found


def keep_cards(book: Book, memo: CardMemo, cards: dict[str, set[str]]) -> None:
    """Keep the card inputs worked out in this staging for the next (:func:`kept_cards`)."""
    kept = memo.setdefault("cards", {})
    for interaction_id, inputs in cards.items():
        if interaction_id not in kept and _plain_card(book, interaction_id):
            entry = book.interactions[interaction_id]
            kept[interaction_id] = (entry.record, entry.path, inputs)


def _plain_card(book: Book, interaction_id: str) -> bool:
    """Whether a card's inputs are its own links only: no renewal in play."""
    return not book.interactions[interaction_id].record.renews and (
        interaction_id not in book.renewals
    )


def page_inputs(
    book: Book, kind: str, record_id: str, cards: dict[str, set[str]] | None = None
) -> set[str]:
    """Files the page of ``kind/record_id`` shows (``cards``: the inputs of the cards
    already worked out for other pages of the same Book, filled as they are)."""
    entry = book.by_kind(kind)[record_id]
    r = entry.record
    inputs = {entry.path}
    if kind in _INDEX:
        for interaction_id in getattr(book, _INDEX[kind]).get(record_id, ()):
            found = cards.get(interaction_id) if cards is not None else None
            if found is None:
                found = card_inputs(book, interaction_id)
                if cards is not None:
                    cards[interaction_id] = found
            inputs |= found
    if kind == "company":
        inputs.update(_paths(book, "contact", book.contacts_by_company.get(record_id, ())))
        inputs.update(_paths(book, "project", book.projects_by_company.get(record_id, ())))
    elif kind == "contact":
        inputs.update(_paths(book, "company", [r.company]))
        inputs.update(_paths(book, "project", book.projects_by_contact.get(record_id, ())))
        disabled = book.consent[record_id].disabled  # a domain bounce of another contact
        if disabled is not None:
            inputs.update(_paths(book, "contact", [disabled.by_contact]))
        advised = book.compliance.by_contact.get(record_id, ())
        risky = (p for i in advised for p, _ in book.compliance.recommendations[i].products)
        inputs.update(_paths(book, "product", risky))
    elif kind == "project":
        inputs.update(_paths(book, "company", (link.id for link in r.companies)))
        inputs.update(_paths(book, "contact", (link.id for link in r.contacts)))
        margin = book.project_margins.get(record_id)
        inputs.update(_paths(book, "interaction", margin.counted if margin else ()))
    elif kind == "product":
        inputs.update(_paths(book, "company", [r.supplier]))
        movements = book.movements_by_product.get(record_id, ())
        inputs.update(_paths(book, "movement", movements))
        origins = (book.movements[m].record.origin for m in movements)
        inputs.update(_paths(book, "interaction", origins))
    return inputs


def page_key(
    book: Book,
    kind: str,
    record_id: str,
    digests: Mapping[str, bytes],
    global_key: str,
    changes: Any,
    cards: dict[str, set[str]] | None = None,
) -> str:
    """The digest of everything the record page shows (``cards``: see :func:`page_inputs`)."""
    h = hashlib.blake2b(global_key.encode(), digest_size=16)
    add_files(h, sorted(page_inputs(book, kind, record_id, cards)), digests)
    h.update(repr(changes).encode())
    return h.hexdigest()


def people_key(book: Book, digests: Mapping[str, bytes], global_key: str) -> str:
    """The digest of what the pages of people show (the contacts list, the interest
    centres and their pages): every contact and company file, the settings (interest
    centres, custom fields, consent rules) and today; interactions play no part."""
    h = hashlib.blake2b(f"{global_key}{book.today}".encode(), digest_size=16)
    h.update(digests.get(SETTINGS_PATH, b"?"))
    for kind in ("contact", "company"):
        add_files(h, (entry.path for entry in book.by_kind(kind).values()), digests)
    return h.hexdigest()
