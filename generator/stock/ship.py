"""``carnet stock ship``: a delivery note becomes a draft outgoing movement.

« Transformez le bon de livraison en mouvement de stock sortant. Les numéros de série
sont conservés sur les lignes produits. » The movement's ``origin`` is the note; a note
is shipped once.
"""

from __future__ import annotations

from datetime import date
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
    stock_product,
)


def plan_shipment(book: Book, note: Entry, day: date | None = None) -> MovementPlan:
    """The draft outgoing movement of delivery note ``note``; refused when it cannot be.

    Its date is ``day``, else the note's delivery date, else its issue date.
    """
    doc = note.record.document
    if doc is None or doc.kind is not DocumentKind.DELIVERY_NOTE:
        raise Refused("stock-not-a-delivery-note", id=note.id)
    for movement in book.movements.values():
        if movement.record.origin == note.id:
            raise Refused("stock-already-shipped", id=note.id, movement=movement.id)
    lines = [
        movement_line(line.product, line.quantity, list(line.serials))
        for line in doc.lines
        if stock_product(book, line.product) is not None
    ]
    if not lines:
        raise Refused("stock-no-managed-line", id=note.id)
    when = day or doc.delivery_date or doc.issued or note.record.date
    movement_id = next_movement(book, Direction.OUT, when)
    data: dict[str, Any] = {
        "direction": Direction.OUT.value,
        "date": when,
        "status": MovementStatus.DRAFT.value,
        "origin": note.id,
        "reference": doc.number,
        "lines": lines,
    }
    comment = f"Expédition : {note.record.subject}"
    return MovementPlan(movement_id, movement_path(movement_id, when), data, comment)
