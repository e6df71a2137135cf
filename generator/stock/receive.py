"""``carnet stock receive``: a draft incoming movement from a purchase order.

The purchase interaction's ``document`` (kind ``purchase_order``, never numbered by
Carnet) lists what was ordered. Each receipt takes what is still expected on each line
of a stock-managed product (ordered minus what earlier movements of this purchase
received, drafts included), or the quantities given with ``--line N=QTY`` (partial
receipts). Serial-tracked products need their serials (``--serials P=SN-1..SN-6``): the
number of serials is the quantity received.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.book.book import Book
from generator.book.records import Entry
from generator.problems import Refused
from generator.schema.common import Direction, DocumentKind, MovementStatus
from generator.stock.records import (
    MovementPlan,
    movement_line,
    movement_path,
    next_movement,
    plain,
    stock_product,
)


def parse_line_options(values: tuple[str, ...] | list[str]) -> dict[int, Decimal]:
    """``N=QTY`` options (1-based document line, quantity > 0), one per line."""
    result: dict[int, Decimal] = {}
    for value in values:
        number, sep, qty = value.partition("=")
        try:
            index = int(number.strip())
            quantity = Decimal(qty.strip().replace(",", "."))
        except (ValueError, InvalidOperation):
            index, quantity = 0, Decimal(0)
        if not sep or index < 1 or not quantity.is_finite() or quantity <= 0:
            raise Refused("stock-line-option-unreadable", quoted=value)
        if index in result:
            raise Refused("stock-line-option-twice", line=index)
        result[index] = quantity
    return result


def expected_per_line(book: Book, purchase: Entry) -> dict[int, Decimal]:
    """1-based line number → quantity still expected, for lines of stock-managed products."""
    received: dict[str, Decimal] = defaultdict(Decimal)
    for movement in book.movements.values():
        r = movement.record
        if r.origin == purchase.id and r.direction is Direction.IN:
            for line in r.lines:
                received[line.product] += line.quantity
    expected: dict[int, Decimal] = {}
    for number, line in enumerate(purchase.record.document.lines, 1):
        if stock_product(book, line.product) is None:
            continue
        already = min(received[line.product], line.quantity)
        received[line.product] -= already
        expected[number] = line.quantity - already
    return expected


def plan_receipt(
    book: Book,
    purchase: Entry,
    lines: dict[int, Decimal],
    serials: dict[str, list[str]],
    day: date,
) -> MovementPlan:
    """The draft incoming movement receiving ``purchase``; refused when it cannot be."""
    doc = purchase.record.document
    if doc is None or doc.kind is not DocumentKind.PURCHASE_ORDER:
        raise Refused("stock-not-a-purchase-order", id=purchase.id)
    expected = expected_per_line(book, purchase)
    if not expected:
        raise Refused("stock-no-managed-line", id=purchase.id)
    wanted = _wanted(purchase, expected, lines, serials)
    by_product: dict[str, list[int]] = defaultdict(list)
    for number in wanted:
        by_product[doc.lines[number - 1].product].append(number)
    for product, given in serials.items():
        _check_serials(book, product, given, by_product)
    taken: dict[str, list[str]] = {p: list(s) for p, s in serials.items()}
    out_lines = []
    for number, quantity in wanted.items():
        product = doc.lines[number - 1].product
        picked: list[str] = []
        if book.products[product].record.serial_tracked:
            given = taken.get(product, [])
            picked, taken[product] = given[: int(quantity)], given[int(quantity) :]
        out_lines.append(movement_line(product, quantity, picked))
    for product, rest in taken.items():
        if rest:
            raise Refused(
                "stock-receipt-serials-extra", product=product, count=len(rest), serial=rest[0]
            )
    movement_id = next_movement(book, Direction.IN, day)
    data: dict[str, Any] = {
        "direction": Direction.IN.value,
        "date": day,
        "status": MovementStatus.DRAFT.value,
        "origin": purchase.id,
        "reference": doc.number or purchase.record.document_ref,
        "lines": out_lines,
    }
    plan = MovementPlan(
        movement_id, movement_path(movement_id, day), data, f"Réception : {purchase.record.subject}"
    )
    check_tracked_quantities(book, plan)
    return plan


def _wanted(
    purchase: Entry,
    expected: dict[int, Decimal],
    lines: dict[int, Decimal],
    serials: dict[str, list[str]],
) -> dict[int, Decimal]:
    """Line number → quantity received now."""
    doc_lines = purchase.record.document.lines
    wanted: dict[int, Decimal] = {}
    if lines:
        for number, quantity in sorted(lines.items()):
            if number > len(doc_lines):
                raise Refused(
                    "stock-line-missing", line=number, id=purchase.id, count=len(doc_lines)
                )
            if number not in expected:
                raise Refused("stock-line-not-managed", line=number)
            if quantity > expected[number]:
                raise Refused(
                    "stock-line-too-much",
                    line=number,
                    quantity=plain(quantity),
                    expected=plain(expected[number]),
                )
            wanted[number] = quantity
        return wanted
    left = {p: len(s) for p, s in serials.items()}
    for number, quantity in expected.items():
        if quantity <= 0:
            continue
        product = doc_lines[number - 1].product
        if product in left:
            quantity = min(quantity, Decimal(left[product]))
            left[product] -= int(quantity)
            if quantity <= 0:
                continue
        wanted[number] = quantity
    if not wanted:
        raise Refused("stock-received-in-full", id=purchase.id)
    return wanted


def _check_serials(
    book: Book, product: str, given: list[str], by_product: dict[str, list[int]]
) -> None:
    if product not in by_product:
        raise Refused("stock-serials-not-received", product=product)
    if not book.products[product].record.serial_tracked:
        raise Refused("stock-serials-not-tracked", product=product)
    in_stock = book.serials_in_stock.get(product, frozenset())
    for serial in given:
        if serial in in_stock:
            raise Refused("stock-serial-in-stock", product=product, serial=serial)
    pending = _pending_receipts(book, product)
    for serial in given:
        if serial in pending:
            raise Refused(
                "stock-serial-on-draft", product=product, serial=serial, id=pending[serial]
            )


def _pending_receipts(book: Book, product: str) -> dict[str, str]:
    held: dict[str, str] = {}
    for movement_id in book.movements_by_product.get(product, ()):
        r = book.movements[movement_id].record
        if r.direction is Direction.IN and r.status is MovementStatus.DRAFT:
            for line in r.lines:
                if line.product == product:
                    held.update(dict.fromkeys(line.serials, movement_id))
    return held


def check_tracked_quantities(book: Book, plan: MovementPlan) -> None:
    """Every serial-tracked line carries one serial per item (else say which are missing)."""
    for line in plan.data["lines"]:
        product = book.products[line["product"]].record
        if not product.serial_tracked:
            continue
        count = len(line.get("serials", ()))
        if line["quantity"] != line["quantity"].to_integral_value():
            raise Refused(
                "stock-tracked-quantity-whole", product=line["product"], quantity=line["quantity"]
            )
        if count != line["quantity"]:
            raise Refused(
                "stock-tracked-serials-count",
                product=line["product"],
                quantity=plain(line["quantity"]),
                count=count,
                last=f"SN-{int(line['quantity']):04d}",
            )
