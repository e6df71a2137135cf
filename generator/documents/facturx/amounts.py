"""Factur-X lines and VAT breakdown: amounts from the Book, in the forms the EN 16931
and French CTC rules accept (negative deductions as quantity −1, untaxed groups merged)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from generator.book.book import Book
from generator.book.records import Entry
from generator.documents.facturx.codes import (
    amount_text,
    exemption,
    plain,
    price_value,
    quantity_text,
    rate_text,
    unit_code,
)
from generator.documents.facturx.parties import Buyer
from generator.money import ZERO, Totals
from generator.schema.common import VatCategory
from generator.schema.interaction import DocumentLine


def invoice_lines(book: Book, entry: Entry, totals: Totals) -> list[dict[str, Any]]:
    """BG-25. A negative line (a deposit deducted by a balance invoice) keeps a positive
    price and takes a negative quantity: prices are never negative (BR-27, BR-FR-DEC-03)."""
    out = []
    doc = entry.record.document
    for index, (line, net) in enumerate(zip(doc.lines, totals.line_nets, strict=True), 1):
        product = book.products.get(line.product) if line.product else None
        quantity, price = line.quantity, line.unit_price
        if price < 0:
            quantity, price = -quantity, -price
        net_price = price_value(price * (1 - line.discount / 100))
        item: dict[str, Any] = {
            "BT-126": str(index),
            "BT-153": line.description or (product.record.name if product else f"Ligne {index}"),
            "BT-129": quantity_text(quantity),
            "BT-130": unit_code(line.unit or (product.record.unit if product else None)),
            "BT-131": amount_text(net),
            "BT-146": plain(net_price),
            "BT-151": line.vat_category.value,
            "BT-152": rate_text(line.vat_category, line.vat_rate),
        }
        if line.discount:
            gross_price = price_value(price)
            item["BT-148"] = plain(gross_price)
            item["BT-147-00"] = [{"BT-147": plain(gross_price - net_price)}]
        if line.comment:
            item["BT-154"] = line.comment
        if product is not None:
            item["BT-155"] = product.record.reference or product.id
        out.append(item)
    return out


def vat_breakdown(book: Book, entry: Entry, totals: Totals, buyer: Buyer) -> list[dict[str, Any]]:
    """BG-23 from ``Book.document_totals``: one entry per rate for S; the untaxed categories
    (rate 0 by rule) gather their groups, whose bases add up exactly and whose VAT is 0."""
    firm = book.settings.firm
    groups: dict[tuple[VatCategory, str], list[Decimal]] = {}
    for vat in totals.breakdown:
        key = (vat.category, rate_text(vat.category, vat.rate))
        base, tax = groups.get(key, [ZERO, ZERO])
        groups[key] = [base + vat.base, tax + vat.tax]
    reasons = exemption_texts(entry.record.document.lines)
    out = []
    for (category, rate), (base, tax) in groups.items():
        item: dict[str, Any] = {
            "BT-116": amount_text(base),
            "BT-117": amount_text(tax),
            "BT-118": category.value,
            "BT-119": rate,
        }
        code, reason = exemption(
            category, franchise=firm.vat_exempt, domestic=buyer.country == firm.address.country
        )
        if category is VatCategory.EXEMPT and not firm.vat_exempt and reasons:
            reason = "; ".join(reasons)
        if code:
            item["BT-121"] = code
        if reason:
            item["BT-120"] = reason
        out.append(item)
    return out


def exemption_texts(lines: Iterable[DocumentLine]) -> list[str]:
    texts = (x.vat_exemption for x in lines if x.vat_category is VatCategory.EXEMPT)
    return list(dict.fromkeys(t for t in texts if t))


# --- XML and PDF -----------------------------------------------------------------------
