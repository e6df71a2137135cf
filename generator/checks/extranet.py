"""What may enter a client extranet: the project's own client documents only, sealed
with the project's own password.

A document's ``project:`` line is plain data: an invoice of another company, or of a
private person, set to a project with an extranet would ship there (PDF, subject,
search entry). :func:`buyer_in_project` is the one rule, shared by this check and by
the extranet's scope (:func:`generator.extranet.scope.scoped_to`), which leaves such a
document out whatever validate said.

``extranet.password_env`` is plain data too: two projects naming one variable, or each
the other's, would give a client another client's extranet opened by their own
password. :func:`check_password_variables` reports both (the extranet command too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from generator.book.book import Book, Entry
from generator.checks.base import at
from generator.problems import Problem
from generator.schema.common import DocumentKind

HIDDEN_BUDGETS = frozenset({"purchase", "project"})
"""Interaction kinds whose budgets are the firm's costs: never shown to a client."""

CLIENT_DOCUMENTS = frozenset(DocumentKind) - {DocumentKind.PURCHASE_ORDER}
"""Documents a client receives (never the firm's purchase orders to its suppliers)."""


def is_client_document(entry: Entry) -> bool:
    """An issued sales document of the client: quote, order, invoice, credit or delivery note.

    Drafts stay out (nothing unissued reaches a client) and so do purchases, whatever
    their document kind.
    """
    r = entry.record
    doc = r.document
    return (
        doc is not None
        and doc.kind in CLIENT_DOCUMENTS
        and r.kind not in HIDDEN_BUDGETS
        and bool(doc.number)
        and doc.issued is not None
    )


def buyer_in_project(record: Any, project: Any, contacts: Mapping[str, Entry]) -> bool:
    """Does the buyer of the document ``record`` take part in ``project``?

    A document addressed to a company (``company:``) needs that company among the
    project's ``companies``; one addressed to a person alone (``contact:``) needs that
    person among its ``contacts``, or working for one of its ``companies``.
    """
    companies = {link.id for link in project.companies}
    if record.company:
        return record.company in companies
    if not record.contact:
        return False
    if record.contact in {link.id for link in project.contacts}:
        return True
    person = contacts.get(record.contact)
    return person is not None and person.record.company in companies


def _buyer(record: Any) -> str:
    if record.company:
        return f"company/{record.company}"
    return f"contact/{record.contact}" if record.contact else "?"


def check_documents_in_projects(book: Book) -> list[Problem]:
    """An issued client document of a project with an extranet is addressed to someone
    who takes part in that project (reported on its ``project:`` line)."""
    contacts = book.contacts
    problems: list[Problem] = []
    for entry in book.of("interaction"):
        r = entry.record
        project = book.get("project", r.project)
        if project is None or project.extranet is None or not is_client_document(entry):
            continue
        if not buyer_in_project(r, project, contacts):
            problems.append(
                at(
                    book,
                    entry.path,
                    ("project",),
                    "document-outside-project",
                    number=r.document.number,
                    buyer=_buyer(r),
                    project=r.project,
                )
            )
    return problems


def _words(text: str) -> set[str]:
    """The words of an identifier or a variable's name, folded (« Noël » → « noel »)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return {w for w in re.split(r"[^a-z0-9]+", plain) if w}


def names_project(variable: str, project_id: str) -> bool:
    """Does ``variable`` (``CARNET_EXTRANET_SAPINS``) name the project ``project_id``
    (``sapins-2026``) by one of its words of three letters or more (not a number alone)?"""
    own = {w for w in _words(project_id) if len(w) >= 3 and not w.isdigit()} or _words(project_id)
    return bool(own & _words(variable))


def check_password_variables(book: Book) -> list[Problem]:
    """Each project names its own ``extranet.password_env``: a variable named by an
    earlier project is an error (``extranet-password-env-shared``, on the later one), a
    variable whose name does not name the project a warning
    (``extranet-password-env-unnamed``: swapping two projects' variables goes unseen)."""
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for entry in sorted(book.of("project"), key=lambda e: e.id):
        extranet = entry.record.extranet
        variable = extranet.password_env if extranet else None
        if not variable:
            continue
        where = ("extranet", "password_env")
        if variable in first:
            problems.append(
                at(
                    book,
                    entry.path,
                    where,
                    "extranet-password-env-shared",
                    variable=variable,
                    other=first[variable],
                )
            )
            continue
        first[variable] = entry.id
        if not names_project(variable, entry.id):
            problems.append(
                at(
                    book,
                    entry.path,
                    where,
                    "extranet-password-env-unnamed",
                    variable=variable,
                    id=entry.id,
                )
            )
    return problems
