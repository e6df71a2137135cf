"""``carnet delivery new``: a delivery note made from an order or an invoice.

The note is a new interaction in the same project, company and contact as its source,
with ``document.kind: delivery_note``, ``from:`` the source, and the next number of
``settings.invoicing.delivery_pattern``. It copies the source's lines of stock-managed
products, less what earlier delivery notes made from the same source already carry.

Serial-tracked lines need their serials, chosen among those in stock and not already
promised (a draft outgoing movement, a delivery note not shipped yet): the seed has the
user pick them (« sélectionnez le ou les numéros de série des produits livrés »), so
Carnet never picks for them; without ``--serials`` it refuses and lists what is in stock.
Fewer serials than ordered make a partial delivery; a tracked product with no serial in
stock is left out (with a warning) so that the rest can be delivered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from generator.book.book import Book
from generator.book.numbering import next_number, pattern_for
from generator.book.records import Entry
from generator.problems import Refused
from generator.schema.common import INVOICE_KINDS, DocumentKind, VatCategory
from generator.stock.records import MovementPlan, plain, reserved_serials, stock_product
from generator.stock.serials import natural_sorted

SOURCE_KINDS = (INVOICE_KINDS - {DocumentKind.CREDIT_NOTE}) | {DocumentKind.ORDER}
_DOCUMENT_PREFIX = re.compile(r"\A(Facture|Commande|Devis)\b[^—/]{0,30}— ", re.IGNORECASE)
"""« Facture — Sapins / … »: the source's kind is not part of the note's subject."""
SHOWN = 12
"""Serials listed in a refusal before « … »."""


def related_sources(book: Book, source: Entry) -> set[str]:
    """The source and the documents delivering the same goods: its order and every invoice
    made from that order (``order:`` or ``from:``). Their delivery notes all count."""
    doc = source.record.document
    orders = {source.id} if doc.kind is DocumentKind.ORDER else set()
    for target in (doc.order, doc.from_):
        entry = book.interactions.get(target) if target else None
        target_doc = entry.record.document if entry is not None else None
        if target_doc is not None and target_doc.kind is DocumentKind.ORDER:
            orders.add(entry.id)
    related = {source.id, *orders}
    for entry in book.interactions.values():
        other = entry.record.document
        if other is not None and other.kind in SOURCE_KINDS and {other.order, other.from_} & orders:
            related.add(entry.id)
    return related


def delivered_per_line(book: Book, source: Entry) -> dict[int, Decimal]:
    """1-based line number → quantity still to deliver, for stock-managed product lines.

    What delivery notes made from the source, its order or the order's invoices already
    carry counts as delivered.
    """
    related = related_sources(book, source)
    delivered: dict[str, Decimal] = defaultdict(Decimal)
    for entry in book.interactions.values():
        doc = entry.record.document
        if doc is not None and doc.kind is DocumentKind.DELIVERY_NOTE and doc.from_ in related:
            for line in doc.lines:
                if line.product:
                    delivered[line.product] += line.quantity
    left: dict[int, Decimal] = {}
    for number, line in enumerate(source.record.document.lines, 1):
        if stock_product(book, line.product) is None:
            continue
        already = min(delivered[line.product], line.quantity)
        delivered[line.product] -= already
        left[number] = line.quantity - already
    return left


def available_serials(book: Book, product: str) -> list[str]:
    """Serials of ``product`` in stock today and not promised elsewhere, in natural order."""
    held = reserved_serials(book, product)
    return natural_sorted(s for s in book.serials_in_stock.get(product, ()) if s not in held)


def plan_delivery_note(
    book: Book, source: Entry, serials: dict[str, list[str]], day: date
) -> MovementPlan:
    """The delivery note interaction made from ``source``; refused when it cannot be."""
    r = source.record
    doc = r.document
    if doc is None or doc.kind not in SOURCE_KINDS:
        raise Refused("delivery-source-kind", id=source.id)
    left = delivered_per_line(book, source)
    if not left:
        raise Refused("delivery-no-managed-line", id=source.id)
    if not any(quantity > 0 for quantity in left.values()):
        raise Refused("delivery-delivered-in-full", id=source.id)
    products = {doc.lines[n - 1].product for n in left}
    for product in serials:
        if product not in products:
            raise Refused("delivery-serials-not-on-source", product=product, id=source.id)
        if not book.products[product].record.serial_tracked:
            raise Refused("stock-serials-not-tracked", product=product)
        _check_available(book, product, serials[product])
    lines, warnings = _lines(book, source, left, serials)
    if not lines:  # only serial-tracked lines were left, and none has a serial in stock
        raise Refused(
            "delivery-nothing-to-deliver",
            id=source.id,
            reason=warnings[0][0],
            reason_en=warnings[0][1],
        )
    pattern = pattern_for(book.settings, DocumentKind.DELIVERY_NOTE.value)
    issued = [
        (e.record.document.number, e.record.document.issued)
        for e in book.interactions.values()
        if e.record.document is not None
        and e.record.document.kind is DocumentKind.DELIVERY_NOTE
        and e.record.document.number
    ]
    try:
        number = next_number(pattern, issued, day)
    except Refused as exc:
        raise Refused(
            "delivery-pattern-unusable", reason=exc.message("fr"), reason_en=exc.message("en")
        ) from exc
    note_id = _note_id(book, source.id)
    data: dict[str, Any] = {
        "kind": r.kind,
        "type": r.type,
        "user": r.user,
        "subject": f"Livraison — {_DOCUMENT_PREFIX.sub('', r.subject)}",
        "date": day,
        "contact": r.contact,
        "company": r.company,
        "project": r.project,
        "state": "done",
        "document": {
            "kind": DocumentKind.DELIVERY_NOTE.value,
            "number": number,
            "issued": day,
            "from": source.id,
            "lines": lines,
        },
    }
    path = f"data/interactions/{day.year}/{note_id}.yaml"
    return MovementPlan(note_id, path, data, None, warnings)


def _check_available(book: Book, product: str, given: list[str]) -> None:
    in_stock = book.serials_in_stock.get(product, frozenset())
    held = reserved_serials(book, product)
    for serial in given:
        if serial not in in_stock:
            available = available_serials(book, product)
            if not available:
                raise Refused("delivery-serial-none-in-stock", product=product, serial=serial)
            raise Refused(
                "delivery-serial-not-in-stock",
                product=product,
                serial=serial,
                known=_listing(available),
            )
        if serial in held:
            raise Refused(
                "delivery-serial-promised", product=product, serial=serial, id=held[serial]
            )


def _listing(serials: list[str]) -> str:
    """At most :data:`SHOWN` serials (some), then how many more."""
    shown = ", ".join(serials[:SHOWN])
    return shown + (f", … (+{len(serials) - SHOWN})" if len(serials) > SHOWN else "")


def _lines(
    book: Book, source: Entry, left: dict[int, Decimal], serials: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The note's lines, and warnings about goods short in stock."""
    taken = {p: list(s) for p, s in serials.items()}
    needed: dict[str, Decimal] = defaultdict(Decimal)
    lines: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    for number, quantity in left.items():
        if quantity <= 0:
            continue
        line = source.record.document.lines[number - 1]
        product = book.products[line.product].record
        picked: list[str] = []
        if product.serial_tracked:
            if line.product not in taken:
                available = available_serials(book, line.product)
                if not available:
                    skipped.append(
                        (
                            f"{line.product} n'est pas livré : aucun numéro de série en stock",
                            f"{line.product} is not delivered: no serial number in stock",
                        )
                    )
                    continue
                raise Refused(
                    "delivery-serials-needed",
                    product=line.product,
                    quantity=plain(quantity),
                    known=_listing(available),
                )
            count = min(int(quantity), len(taken[line.product]))
            picked, taken[line.product] = taken[line.product][:count], taken[line.product][count:]
            if not picked:
                continue
            quantity = Decimal(len(picked))
        needed[line.product] += quantity
        lines.append(_copy_line(line, quantity, picked))
    for product, rest in taken.items():
        if rest:
            raise Refused(
                "delivery-serials-extra", product=product, count=len(rest), serial=rest[0]
            )
    warnings = [
        (
            f"attention : {product} n'a que {plain(book.stock_on_hand.get(product, Decimal(0)))}"
            f" en stock pour {plain(quantity)} à livrer",
            f"warning: {product} has only {plain(book.stock_on_hand.get(product, Decimal(0)))}"
            f" in stock for {plain(quantity)} to deliver",
        )
        for product, quantity in needed.items()
        if book.stock_on_hand.get(product, Decimal(0)) < quantity
    ]
    return lines, skipped + warnings


def _copy_line(line: Any, quantity: Decimal, serials: list[str]) -> dict[str, Any]:
    copied: dict[str, Any] = {
        "product": line.product,
        "description": line.description,
        "comment": line.comment,
        "quantity": plain(quantity),
        "unit": line.unit,
        "unit_price": line.unit_price,
        "vat_rate": line.vat_rate,
    }
    if line.vat_category is not VatCategory.STANDARD:
        copied["vat_category"] = line.vat_category.value
        copied["vat_exemption"] = line.vat_exemption
    if line.discount:
        copied["discount"] = line.discount
    if serials:
        copied["serials"] = serials
    return copied


def _note_id(book: Book, source_id: str) -> str:
    base = f"bl-{source_id}"[:80].rstrip("-")
    candidate, n = base, 1
    while candidate in book.interactions:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
