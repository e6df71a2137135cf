"""``document.template``: the names a document may be printed with (the seed's « modèles »).

The format's part of document templates, shared by the renderer
(:func:`generator.documents.kinds.template_kind`) and by ``carnet validate``
(:mod:`generator.checks.paths`), so that a name validate accepts always renders.
"""

from __future__ import annotations

from generator.schema.common import INVOICE_KINDS, DocumentKind

RENDERED_KINDS = frozenset(DocumentKind) - {DocumentKind.PURCHASE_ORDER}
"""Kinds Carnet renders (purchase orders are not)."""

TEMPLATE_ALIASES: dict[str, DocumentKind] = {
    "devis": DocumentKind.QUOTE,
    "commande": DocumentKind.ORDER,
    "bon-de-commande": DocumentKind.ORDER,
    "facture": DocumentKind.INVOICE,
    "acompte": DocumentKind.DEPOSIT_INVOICE,
    "facture-acompte": DocumentKind.DEPOSIT_INVOICE,
    "facture-d-acompte": DocumentKind.DEPOSIT_INVOICE,
    "intermediaire": DocumentKind.INTERMEDIATE_INVOICE,
    "facture-intermediaire": DocumentKind.INTERMEDIATE_INVOICE,
    "solde": DocumentKind.BALANCE_INVOICE,
    "facture-solde": DocumentKind.BALANCE_INVOICE,
    "facture-de-solde": DocumentKind.BALANCE_INVOICE,
    "avoir": DocumentKind.CREDIT_NOTE,
    "livraison": DocumentKind.DELIVERY_NOTE,
    "bon-de-livraison": DocumentKind.DELIVERY_NOTE,
    **{kind.value: kind for kind in RENDERED_KINDS},
    **{kind.value.replace("_", "-"): kind for kind in RENDERED_KINDS},
}
"""``document.template`` values and the template each selects."""


def known_templates() -> str:
    """The names to suggest, for messages."""
    return ", ".join(sorted(a for a in TEMPLATE_ALIASES if "_" not in a))


def chosen_template(template: str) -> DocumentKind | None:
    """The template ``template`` names, or ``None`` when it names none."""
    return TEMPLATE_ALIASES.get(template.strip().lower())


def fits(kind: DocumentKind, chosen: DocumentKind) -> bool:
    """Any invoice template for any invoice; credit notes and other kinds keep their own."""
    if DocumentKind.CREDIT_NOTE in (kind, chosen) or kind not in INVOICE_KINDS:
        return kind is chosen
    return chosen in INVOICE_KINDS
