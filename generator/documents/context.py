"""What a sales document shows, built from the Book: one function per concern.

Every amount and date is formatted here through :mod:`generator.locale` (Babel);
templates only place strings. No arithmetic happens here: totals, VAT, paid, due and
the Versement block come from the Book (:mod:`generator.money`, the ledger).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale

from generator import locale
from generator.book.book import Book
from generator.book.franchise import FRANCHISE_MENTION
from generator.book.records import Entry
from generator.documents.formatting import Fmt
from generator.documents.kinds import is_draft, template_kind, title
from generator.documents.settlement import (
    payment_block,
    payment_terms,
    totals_block,
)
from generator.money import Totals
from generator.problems import Refused
from generator.schema.common import INVOICE_KINDS, Address, DocumentKind, Nature, VatCategory
from generator.schema.settings import Settings

CATEGORY_LABELS = {
    VatCategory.ZERO: "Taux zéro",
    VatCategory.EXEMPT: "Exonération",
    VatCategory.REVERSE_CHARGE: "Autoliquidation",
    VatCategory.INTRA_EU: "Livraison intracommunautaire exonérée",
    VatCategory.EXPORT: "Exportation exonérée",
    VatCategory.OUTSIDE_SCOPE: "Hors champ de la TVA",
}
NATURE_LABELS = {
    frozenset({Nature.GOODS}): "Livraison de biens",
    frozenset({Nature.SERVICE}): "Prestation de services",
    frozenset({Nature.GOODS, Nature.SERVICE}): "Livraison de biens et prestation de services",
}
PART_LABELS = {
    DocumentKind.DEPOSIT_INVOICE: "Acompte",
    DocumentKind.BALANCE_INVOICE: "Solde",
}


def address_lines(address: Address | None, lang: str) -> list[str]:
    """Postal lines; the country is named when it is not France."""
    if address is None:
        return []
    city = " ".join(p for p in (address.postcode, address.city) if p)
    lines = [p for p in (address.street, address.street2, city) if p]
    if address.country != "FR":
        territories = Locale.parse(locale.babel_locale(lang)).territories
        lines.append(territories.get(address.country, address.country))
    return lines


def siren_of(siren: str | None, siret: str | None) -> str | None:
    """The SIREN, typed or read from the SIRET's first nine digits."""
    return siren or (siret[:9] if siret else None)


def logo_uri(settings: Settings, repo: Path | None) -> str | None:
    """The firm's logo as a ``file:`` URI; it must lie under ``data/``."""
    logo = settings.firm.logo
    if not logo or repo is None:
        return None
    path = (repo / logo).resolve()
    data = (repo / "data").resolve()
    if data not in path.parents:
        raise Refused("document-logo-outside", quoted=logo)
    if not path.is_file():
        raise Refused("document-logo-missing", quoted=logo)
    return path.as_uri()


def seller(settings: Settings, repo: Path | None, fmt: Fmt) -> dict[str, Any]:
    """The firm: every legal mention of the seller."""
    firm = settings.firm
    return {
        "name": firm.name,
        "legal_form": firm.legal_form,
        "capital": fmt.money(firm.capital) if firm.capital is not None else None,
        "address": address_lines(firm.address, fmt.lang),
        "city": firm.address.city,
        "siren": siren_of(firm.siren, firm.siret),
        "siret": firm.siret,
        "rcs": firm.rcs,
        "vat_number": firm.vat_number,
        "phone": firm.phone,
        "email": firm.email,
        "website": firm.website,
        "logo": logo_uri(settings, repo),
    }


def buyer(book: Book, entry: Entry, fmt: Fmt) -> dict[str, Any]:
    """The customer: a company (professional) or a private person (a contact alone)."""
    record = entry.record
    contact = book.contacts[record.contact].record if record.contact in book.contacts else None
    company_id = record.company or (contact.company if contact else None)
    company = book.companies[company_id].record if company_id in book.companies else None
    if company is None and contact is None:
        raise Refused("document-no-buyer", file=entry.path)
    person = " ".join(p for p in (contact.civility, contact.full_name) if p) if contact else None
    if company is not None:
        address = company.address
        delivery = company.delivery_address
        return {
            "professional": True,
            "name": company.name,
            "attention": person,
            "address": address_lines(address, fmt.lang),
            "delivery_address": (
                address_lines(delivery, fmt.lang) if delivery and delivery != address else []
            ),
            "siren": siren_of(company.siren, company.siret),
            "vat_number": company.vat_number,
        }
    return {
        "professional": False,
        "name": person,
        "attention": None,
        "address": address_lines(contact.address, fmt.lang),
        "delivery_address": [],
        "siren": None,
        "vat_number": None,
    }


def unit_label(unit: str | None, quantity: Decimal, lang: str = "fr") -> str | None:
    """The unit agreed with the quantity: « 40 heures », « 1,5 heure »
    (:func:`generator.locale.unit_label`)."""
    return locale.unit_label(unit, quantity, lang)


def lines(book: Book, entry: Entry, totals: Totals, fmt: Fmt) -> list[dict[str, Any]]:
    """The printed lines, with their comment (multi-line) and VAT notes."""
    rows = []
    for line, net in zip(entry.record.document.lines, totals.line_nets, strict=True):
        product = book.products[line.product].record if line.product in book.products else None
        rows.append(
            {
                "description": line.description or (product.name if product else ""),
                "reference": product.reference if product else None,
                "comment": line.comment.strip() if line.comment else None,
                "quantity": fmt.number(line.quantity),
                "unit": unit_label(
                    line.unit or (product.unit if product else None), line.quantity, fmt.lang
                ),
                "unit_price": fmt.money(line.unit_price),
                "discount": fmt.rate(line.discount) if line.discount else None,
                "vat_rate": fmt.rate(line.vat_rate),
                "reverse_charge": line.vat_category is VatCategory.REVERSE_CHARGE,
                "exemption": line.vat_exemption,
                "net": fmt.money(net),
                "serials": list(line.serials),
            }
        )
    return rows


def vat_table(totals: Totals, fmt: Fmt) -> list[dict[str, str]]:
    """One row per (category, rate): base excl. VAT and VAT."""
    return [
        {
            "label": (
                f"TVA {fmt.rate(v.rate)}"
                if v.category is VatCategory.STANDARD
                else CATEGORY_LABELS[v.category]
            ),
            "base": fmt.money(v.base),
            "tax": fmt.money(v.tax),
        }
        for v in totals.breakdown
    ]


def operations_nature(book: Book, entry: Entry) -> str:
    """Goods, services or both, from the products' ``nature`` (free lines are services).

    An invoice billing an order takes the nature of the order's lines (its « Facturation
    partielle » lines are free text), a credit note that of the invoice it corrects.
    """
    doc = entry.record.document
    if doc.kind is DocumentKind.CREDIT_NOTE and doc.corrects in book.interactions:
        entry = book.interactions[doc.corrects]
    instalment = book.instalments.get(entry.id)
    source = book.interactions[instalment.order] if instalment else entry
    natures = frozenset(
        book.products[line.product].record.nature
        if line.product in book.products
        else Nature.SERVICE
        for line in source.record.document.lines
    )
    return NATURE_LABELS.get(natures or frozenset({Nature.SERVICE}), "")


_SUMMED = frozenset({DocumentKind.QUOTE, DocumentKind.ORDER, *INVOICE_KINDS})
"""Documents whose totals print beside a VAT table (or the franchise mention)."""


def tax_mentions(settings: Settings, entry: Entry) -> list[str]:
    """Franchise (293 B), reverse charge, exemption reasons, VAT on debits."""
    doc = entry.record.document
    mentions = []
    if settings.firm.vat_exempt and doc.kind not in _SUMMED:
        mentions.append(FRANCHISE_MENTION)  # the others print it in the VAT table's place
    if any(line.vat_category is VatCategory.REVERSE_CHARGE for line in doc.lines):
        mentions.append("Autoliquidation : TVA due par le preneur (art. 283-2 du CGI)")
    mentions.extend(dict.fromkeys(line.vat_exemption for line in doc.lines if line.vat_exemption))
    if settings.invoicing.vat_on_debits and doc.kind in INVOICE_KINDS:
        mentions.append("Option pour le paiement de la taxe d'après les débits")
    return list(dict.fromkeys(mentions))


def reference_of(book: Book, record_id: str | None, fmt: Fmt) -> dict[str, str] | None:
    """Number (or id for a draft) and date of another document."""
    if record_id not in book.interactions:
        return None
    other = book.interactions[record_id]
    doc = other.record.document
    if doc is None:
        return None
    return {
        "title": title(doc.kind, fmt.lang),
        "number": doc.number or other.id,
        "date": fmt.day(doc.issued or other.record.date),
    }


def instalment_block(book: Book, entry: Entry, fmt: Fmt) -> dict[str, Any] | None:
    """The « Versement » block of an invoice billing an order (seed: pied de facture);
    none for an invoice that bills its whole order at once (one part: no « versement »)."""
    instalment = book.instalments.get(entry.id)
    if instalment is None:
        return None
    doc = entry.record.document
    part = doc.part
    if whole_order(book, entry):
        return None
    order = book.orders[instalment.order]
    return {
        "label": (part.label if part and part.label else PART_LABELS.get(doc.kind, "Versement")),
        "percent": fmt.rate(part.percent) if part and part.percent else None,
        "amount": fmt.money(instalment.this),
        "date": fmt.day(doc.issued),
        "order": reference_of(book, instalment.order, fmt),
        "order_net": fmt.money(order.total.net),
        "order_gross": fmt.money(order.total.gross),
        "before": fmt.money(instalment.before),
        "after": fmt.money(instalment.after),
        "remaining": fmt.money(instalment.remaining),
        "earlier": [
            {**reference_of(book, key, fmt), "amount": fmt.money(book.document_totals[key].net)}
            for key in instalment.earlier
        ],
    }


def whole_order(book: Book, entry: Entry) -> bool:
    """Does this plain invoice bill its whole order in one part (nothing before it,
    nothing left after it)?"""
    instalment = book.instalments.get(entry.id)
    doc = entry.record.document
    return (
        instalment is not None
        and doc.kind is DocumentKind.INVOICE
        and doc.part is None
        and not instalment.before
        and not instalment.remaining
    )


def document_context(
    book: Book, interaction_id: str, *, repo: Path | None, lang: str
) -> dict[str, Any]:
    """Everything a document template prints, formatted."""
    entry = book.interactions[interaction_id]
    record = entry.record
    doc = record.document
    fmt = Fmt(lang, book.settings.currency)
    shown = template_kind(entry)
    customer = buyer(book, entry, fmt)
    draft = is_draft(entry)
    return {
        "lang": lang,
        "kind": doc.kind.value,
        "title": title(shown, lang),
        "draft": draft,
        "number": None if draft else doc.number,
        "issued": fmt.day(doc.issued),
        "created": None if draft else f"{doc.issued.isoformat()}T00:00:00+00:00",
        "delivery_date": (
            fmt.day(doc.delivery_date)
            if doc.delivery_date and doc.delivery_date != doc.issued
            else None
        ),
        "seller": seller(book.settings, repo, fmt),
        "buyer": customer,
        "subject": record.subject,
        "reference": record.document_ref,
        "origin": reference_of(book, doc.from_, fmt)
        or (reference_of(book, doc.order, fmt) if whole_order(book, entry) else None),
        "corrects": (
            reference_of(book, doc.corrects, fmt) if doc.kind is DocumentKind.CREDIT_NOTE else None
        ),
        "nature": operations_nature(book, entry),
        "lines": lines(book, entry, book.document_totals[interaction_id], fmt),
        "vat": vat_table(book.document_totals[interaction_id], fmt),
        "totals": totals_block(book, entry, fmt),
        "terms": payment_terms(book.settings, entry, customer["professional"], fmt),
        "mentions": tax_mentions(book.settings, entry),
        "franchise": FRANCHISE_MENTION if book.settings.firm.vat_exempt else None,
        "instalment": instalment_block(book, entry, fmt),
        "payment": payment_block(book, entry, fmt),
        "note": doc.note.strip() if doc.note else None,
    }
