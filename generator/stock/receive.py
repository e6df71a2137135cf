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
from generator.schema.common import Direction, DocumentKind, MovementStatus
from generator.stock import StockError
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
            raise StockError(
                f"--line « {value} » : attendu N=QUANTITÉ, N le numéro de ligne (1, 2…) et "
                "une quantité positive",
                f"--line '{value}': expected N=QTY, N the line number (1, 2…) and a positive "
                "quantity",
            )
        if index in result:
            raise StockError(
                f"--line : la ligne {index} est donnée deux fois",
                f"--line: line {index} given twice",
            )
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
    """The draft incoming movement receiving ``purchase``; raises :class:`StockError`."""
    doc = purchase.record.document
    if doc is None or doc.kind is not DocumentKind.PURCHASE_ORDER:
        raise StockError(
            f"« {purchase.id} » n'est pas un bon de commande fournisseur "
            "(document.kind: purchase_order)",
            f"'{purchase.id}' is not a purchase order (document.kind: purchase_order)",
        )
    expected = expected_per_line(book, purchase)
    if not expected:
        raise StockError(
            f"« {purchase.id} » n'a aucune ligne de produit géré en stock",
            f"'{purchase.id}' has no line of a stock-managed product",
        )
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
            raise StockError(
                f"--serials {product} : {len(rest)} numéro(s) de trop pour la quantité reçue "
                f"(à partir de « {rest[0]} »)",
                f"--serials {product}: {len(rest)} serial number(s) more than the quantity "
                f"received (from '{rest[0]}')",
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
                raise StockError(
                    f"--line {number} : « {purchase.id} » n'a que {len(doc_lines)} ligne(s)",
                    f"--line {number}: '{purchase.id}' has only {len(doc_lines)} line(s)",
                )
            if number not in expected:
                raise StockError(
                    f"--line {number} : cette ligne n'est pas un produit géré en stock",
                    f"--line {number}: this line is not a stock-managed product",
                )
            if quantity > expected[number]:
                raise StockError(
                    f"--line {number} : {plain(quantity)} reçus, mais seulement "
                    f"{plain(expected[number])} encore attendus sur cette ligne",
                    f"--line {number}: {plain(quantity)} received, but only "
                    f"{plain(expected[number])} still expected on this line",
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
        raise StockError(
            f"« {purchase.id} » est déjà entièrement reçu",
            f"'{purchase.id}' has already been received in full",
        )
    return wanted


def _check_serials(
    book: Book, product: str, given: list[str], by_product: dict[str, list[int]]
) -> None:
    if product not in by_product:
        raise StockError(
            f"--serials {product} : ce produit n'est pas reçu par ce mouvement",
            f"--serials {product}: this product is not received by this movement",
        )
    if not book.products[product].record.serial_tracked:
        raise StockError(
            f"--serials {product} : ce produit n'est pas suivi par numéro de série",
            f"--serials {product}: this product is not serial-tracked",
        )
    in_stock = book.serials_in_stock.get(product, frozenset())
    for serial in given:
        if serial in in_stock:
            raise StockError(
                f"{product} : le numéro de série « {serial} » est déjà en stock",
                f"{product}: serial number '{serial}' is already in stock",
            )
    pending = _pending_receipts(book, product)
    for serial in given:
        if serial in pending:
            raise StockError(
                f"{product} : le numéro de série « {serial} » est déjà sur le brouillon "
                f"{pending[serial]}",
                f"{product}: serial number '{serial}' is already on draft {pending[serial]}",
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
            raise StockError(
                f"{line['product']} : suivi par numéro de série, la quantité "
                f"{line['quantity']} doit être entière",
                f"{line['product']}: serial-tracked, quantity {line['quantity']} must be whole",
            )
        if count != line["quantity"]:
            raise StockError(
                f"{line['product']} : {plain(line['quantity'])} exemplaire(s) reçu(s) mais "
                f"{count} numéro(s) de série ; donnez-les avec --serials "
                f"{line['product']}=SN-0001..SN-{int(line['quantity']):04d}",
                f"{line['product']}: {plain(line['quantity'])} item(s) received but {count} "
                f"serial number(s); give them with --serials "
                f"{line['product']}=SN-0001..SN-{int(line['quantity']):04d}",
            )
