"""Document kinds as printed: titles, template files, output names."""

from __future__ import annotations

from generator.book.ledger import is_issued
from generator.book.records import Entry
from generator.problems import Refused
from generator.schema.common import INVOICE_KINDS, DocumentKind
from generator.schema.templates import TEMPLATE_ALIASES as TEMPLATE_ALIASES
from generator.schema.templates import chosen_template, fits, known_templates

TITLES: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.QUOTE: ("Devis", "Quote"),
    DocumentKind.ORDER: ("Bon de commande", "Purchase order"),
    DocumentKind.INVOICE: ("Facture", "Invoice"),
    DocumentKind.DEPOSIT_INVOICE: ("Facture d'acompte", "Deposit invoice"),
    DocumentKind.INTERMEDIATE_INVOICE: ("Facture intermédiaire", "Interim invoice"),
    DocumentKind.BALANCE_INVOICE: ("Facture de solde", "Balance invoice"),
    DocumentKind.CREDIT_NOTE: ("Avoir", "Credit note"),
    DocumentKind.DELIVERY_NOTE: ("Bon de livraison", "Delivery note"),
}
"""Printed title of each kind Carnet renders (purchase orders are not rendered)."""

RENDERED_KINDS = frozenset(TITLES)

E_INVOICE_KINDS = INVOICE_KINDS
"""Kinds issued as PDF/A-3b with Factur-X XML embedded."""


def resource_refused(url: str, file: str | None = None) -> Refused:
    """The refusal of a resource outside ``site_templates/`` and ``data/`` that a template
    or record asked for; ``file`` names the record or template that asked, when known."""
    shown = url if len(url) < 120 else url[:117] + "…"
    if file is not None:
        return Refused("document-resource-refused-in", file=file, detail=shown)
    return Refused("document-resource-refused", detail=shown)


RESOURCE_REFUSALS = frozenset({"document-resource-refused", "document-resource-refused-in"})
"""The codes of :func:`resource_refused`."""


def is_document(entry: Entry) -> bool:
    """An interaction whose document Carnet renders."""
    doc = entry.record.document
    return doc is not None and doc.kind in RENDERED_KINDS


def is_draft(entry: Entry) -> bool:
    """Not issued yet: no number (or no issue date)."""
    return not is_issued(entry)


def template_kind(entry: Entry) -> DocumentKind:
    """The template a document is printed with: ``document.template``, else its kind.

    The seed prints an intermediate invoice with the « Facture » template: the template
    chooses the title, the kind keeps the accounting meaning.
    """
    doc = entry.record.document
    if doc.template is None:
        return doc.kind
    chosen = chosen_template(doc.template)
    if chosen is None:
        raise Refused(
            "document-template-unknown",
            file=entry.path,
            quoted=doc.template,
            known=known_templates(),
        )
    if not fits(doc.kind, chosen):
        raise Refused(
            "document-template-mismatch", file=entry.path, quoted=doc.template, kind=doc.kind.value
        )
    return chosen


def title(kind: DocumentKind, lang: str = "fr") -> str:
    """``Facture d'acompte``."""
    fr, en = TITLES[kind]
    return en if lang.startswith("en") else fr


def safe_number(number: str) -> str:
    """A document number as a file name (a ``/`` becomes ``_``)."""
    return number.replace("/", "_")


def output_name(entry: Entry) -> str:
    """``F2026-0001.pdf`` for an issued document, ``<id>.brouillon.pdf`` for a draft."""
    if is_draft(entry):
        return f"{entry.id}.brouillon.pdf"
    return f"{safe_number(entry.record.document.number)}.pdf"


def reminder_name(entry: Entry) -> str:
    """``F2026-0001.relance.pdf``."""
    return f"{safe_number(entry.record.document.number)}.relance.pdf"
