"""Making new document records from existing ones: lines, interaction fields, file names.

Shared by the commands that create documents (order from a quote, split invoices, credit
notes, delivery notes). Everything returns plain data for :class:`generator.files.edits.ChangeSet`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.naming import resolve
from generator.book.records import Entry
from generator.files.sources import discover
from generator.locale import document_label
from generator.money import cents
from generator.problems import Refused
from generator.schema.interaction import DocumentLine


def find_document(repo: Path, book: Book, name: str) -> Entry:
    """The interaction ``name`` designates (id, ``interaction/id`` or an issued number),
    which must carry a ``document`` block.

    Refused as a usage error listing the candidates for an unknown or ambiguous name
    (:func:`generator.book.naming.resolve`), and as a refusal for a record that is not a
    document.
    """
    files, _ = discover(repo)
    interactions = [f for f in files if f.kind == "interaction"]
    try:
        found = resolve(name, interactions, dict(book.numbers))
    except Refused:
        try:
            other = resolve(name, [f for f in files if f.kind != "interaction"])
        except Refused:
            other = None
        if other is None:
            raise
        raise Refused(
            "invoicing-not-a-document-record", id=name, other=f"{other.kind}/{other.id}"
        ) from None
    entry = book.interactions[found.id]
    if entry.record.document is None:
        raise Refused("invoicing-no-document-block", id=found.id)
    return entry


def wrong_kind(entry: Entry, wanted: str, command: str | None = None) -> Refused:
    """The refusal for a document of another kind than the command handles; ``command``
    names the command that handles it (« carnet invoice issue »)."""
    kind = entry.record.document.kind
    labels = {
        "id": entry.id,
        "kind": document_label(kind),
        "wanted": document_label(wanted),
        "kind_en": _an(document_label(kind, "en")),
        "wanted_en": _an(document_label(wanted, "en")),
    }
    if command:
        return Refused("invoicing-wrong-kind-command", command=command, **labels)
    return Refused("invoicing-wrong-kind", **labels)


def _an(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def line_data(line: DocumentLine, **changes: Any) -> dict[str, Any]:
    """A document line as YAML data, default values left out, with ``changes`` applied."""
    dumped = line.model_dump(by_alias=True, exclude_defaults=True, mode="python")
    always = ("quantity", "unit_price", "vat_rate")
    data = {  # in the order of FORMAT.md, quantity, price and rate always written
        key: dumped.get(key, getattr(line, key))
        for key in DocumentLine.model_fields
        if key in dumped or key in always
    }
    data.update(changes)
    for key in ("vat_category", "unit"):
        if key in data and hasattr(data[key], "value"):
            data[key] = data[key].value
    if not data.get("serials"):
        data.pop("serials", None)
    return data


def interaction_data(
    source: Entry, *, subject: str, day: date, document: dict[str, Any]
) -> dict[str, Any]:
    """A new interaction made from ``source``: same kind, stage, user and links."""
    r = source.record
    return {
        "kind": r.kind,
        "type": r.type,
        "user": r.user,
        "subject": subject,
        "date": day,
        "contact": r.contact,
        "company": r.company,
        "project": r.project,
        "state": "open",
        "document": document,
    }


def new_path(source: Entry, suffix: str, day: date) -> str:
    """``data/interactions/<year>/<source id>-<suffix>.yaml``."""
    return f"data/interactions/{day.year}/{source.id}-{suffix}.yaml"


def planned_day(entry: Entry, today: date) -> date:
    """The issue date a draft plans (``document.issued``), else today."""
    return entry.record.document.issued or today


def as_amount(value: Decimal) -> Decimal:
    """An amount as written in YAML: in cents (half up, like every rounding)."""
    return cents(value)
