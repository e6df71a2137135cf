"""Making new document records from existing ones: lines, interaction fields, file names.

Shared by the commands that create documents (order from a quote, split invoices, credit
notes, delivery notes). Everything returns plain data for :class:`generator.edits.ChangeSet`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.book import Book
from generator.checks.base import Entry
from generator.naming import RecordNameError, resolve
from generator.schema.interaction import DocumentLine
from generator.sources import discover

DOCUMENT_LABELS = {
    "quote": ("devis", "quote"),
    "order": ("commande", "order"),
    "invoice": ("facture", "invoice"),
    "deposit_invoice": ("facture d'acompte", "deposit invoice"),
    "intermediate_invoice": ("facture intermédiaire", "intermediate invoice"),
    "balance_invoice": ("facture de solde", "balance invoice"),
    "credit_note": ("avoir", "credit note"),
    "delivery_note": ("bon de livraison", "delivery note"),
    "purchase_order": ("bon de commande fournisseur", "purchase order"),
}


class DocumentError(Exception):
    """A refusal: the message says what to do; nothing has been written."""


def document_label(kind: str, lang: str | None = "fr") -> str:
    """« facture d'acompte », « avoir »… (or the English name)."""
    fr, en = DOCUMENT_LABELS.get(str(kind), (str(kind), str(kind)))
    return en if (lang or "fr").startswith("en") else fr


def find_document(repo: Path, book: Book, name: str, lang: str | None = "fr") -> Entry:
    """The interaction ``name`` designates (id, ``interaction/id`` or an issued number),
    which must carry a ``document`` block."""
    files, _ = discover(repo)
    try:
        found = resolve(name, [f for f in files if f.kind == "interaction"], dict(book.numbers))
    except RecordNameError as exc:
        raise DocumentError(exc.message(lang or "fr")) from exc
    entry = book.interactions[found.id]
    if entry.record.document is None:
        raise DocumentError(
            f"« {found.id} » n'est pas un document (pas de bloc document)"
            if not (lang or "fr").startswith("en")
            else f"'{found.id}' is not a document (no document block)"
        )
    return entry


def line_data(line: DocumentLine, **changes: Any) -> dict[str, Any]:
    """A document line as YAML data, default values left out, with ``changes`` applied."""
    data = line.model_dump(by_alias=True, exclude_defaults=True, mode="python")
    data.setdefault("quantity", line.quantity)
    data.setdefault("unit_price", line.unit_price)
    data.setdefault("vat_rate", line.vat_rate)
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
    """An amount as written in YAML: two decimals."""
    return value.quantize(Decimal("0.01"))
