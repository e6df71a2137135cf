"""The Book a client may see: one project, its people, its allowed interactions and its
issued sales documents addressed to someone who takes part in the project (their PDFs
ship with the extranet; another buyer's document never does, whatever its ``project:``).

Everything else is left out, and what stays is stripped of what a client must never
read: internal notes, interests, opt-in, bounces, KYC, notes on people, purchase and
cost budgets, purchase prices, the team's hourly costs.
"""

from __future__ import annotations

from typing import Any

from generator.book.book import Book, build_book
from generator.book.records import Entry, Records
from generator.checks.extranet import (
    CLIENT_DOCUMENTS,
    HIDDEN_BUDGETS,
    buyer_in_project,
    is_client_document,
)
from generator.schema.parties import Extranet

__all__ = ["CLIENT_DOCUMENTS", "HIDDEN_BUDGETS", "is_client_document", "scoped_to"]


def _strip(entry: Entry, **update: Any) -> Entry:
    return Entry(entry.kind, entry.id, entry.path, entry.record.model_copy(update=update))


def scoped_to(book: Book, project_id: str, *, internal: bool = False) -> Book:
    """The Book of the extranet of ``project_id`` (its ``extranet.kinds`` decide).

    ``internal``: for the firm's own people (the sealed area of a private project, read
    by its members): every kind of its interactions is shown, with their internal notes,
    every budget and every document, and the project's own note; the people's private
    details stay out as for a client."""
    project = book.projects[project_id]
    extranet = project.record.extranet
    kinds = set(extranet.kinds) if extranet is not None else set()
    company_ids = {link.id for link in project.record.companies if link.id in book.companies}
    contact_ids = {link.id for link in project.record.contacts if link.id in book.contacts}
    settings = book.settings.model_copy(
        update={
            "users": {
                key: user.model_copy(update={"hourly_cost": None, "start_address": None})
                for key, user in book.settings.users.items()
            },
            "resources": {},
        }
    )
    records = Records(settings=settings, lang=settings.lang)
    own = {"note": None}
    if internal:  # every kind of its interactions, and its own note
        present = {
            book.interactions[i].record.kind
            for i in book.interactions_by_project.get(project_id, ())
        }
        kinds = {kind for kind in book.settings.pipelines if kind in present}
        shown = [kind for kind in book.settings.pipelines if kind in kinds]
        own = {"extranet": Extranet(enabled=True, kinds=shown)}
    records.by_kind["project"] = {
        project_id: _strip(project, members=list(project.record.members), **own)
    }
    records.by_kind["company"] = {
        key: _strip(
            book.companies[key],
            note=None,
            interests=[],
            siren=None,
            siret=None,
            vat_number=None,
            einvoice_address=None,
        )
        for key in sorted(company_ids)
    }
    records.by_kind["contact"] = {
        key: _strip(
            book.contacts[key],
            note=None,
            interests=[],
            optin=None,
            bounces=[],
            kyc=[],
            address=None,
            company=book.contacts[key].record.company
            if book.contacts[key].record.company in company_ids
            else None,
        )
        for key in sorted(contact_ids)
    }
    interactions: dict[str, Entry] = {}
    for key in book.interactions_by_project.get(project_id, ()):
        entry = book.interactions[key]
        r = entry.record
        if r.document is not None and not internal:
            if not is_client_document(entry):
                continue
            if not buyer_in_project(r, project.record, book.contacts):
                continue  # another client's document (validate reports it)
        elif r.document is None and r.kind not in kinds:
            continue
        kept = {"company": r.company if r.company in company_ids else None}
        kept["contact"] = r.contact if r.contact in contact_ids else None
        if not internal:
            kept |= {
                "internal_note": None,
                "adequacy_justification": None,  # the adviser's record, not the client's
                "budget": None if r.kind in HIDDEN_BUDGETS else r.budget,
                "source": None,
            }
        interactions[key] = _strip(entry, resources=[], **kept)
    records.by_kind["interaction"] = interactions
    for kind, entries in records.by_kind.items():
        records.ids[kind] = set(entries)
    return build_book(records, book.today)
