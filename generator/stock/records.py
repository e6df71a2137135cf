"""What the stock commands share: naming records, new movement ids, quantities.

Movement files are ``data/stock/movements/<year>/entree-<year>-<nnnn>.yaml`` (incoming)
and ``sortie-<year>-<nnnn>.yaml`` (outgoing), numbered per direction and year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.naming import resolve
from generator.book.records import Entry
from generator.files.edits import ChangeSet
from generator.files.sources import SourceFile
from generator.money import plain_quantity
from generator.schema.common import Direction

PREFIX = {Direction.IN: "entree", Direction.OUT: "sortie"}
MOVEMENTS = "data/stock/movements"


def find(book: Book, name: str, kind: str, *, numbers: bool = False) -> Entry:
    """The ``kind`` record ``name`` designates (id, ``kind/id``, or a document number).

    Refused as a usage error (unknown or ambiguous) listing the candidates
    (:func:`generator.book.naming.resolve`).
    """
    files = [SourceFile(kind, e.path, e.id) for e in book.by_kind(kind).values()]
    found = resolve(name, files, dict(book.numbers) if numbers else None)
    return book.by_kind(kind)[found.id]


def next_movement(book: Book, direction: Direction, day: date, taken: Iterable[str] = ()) -> str:
    """The id of the next ``direction`` movement of ``day``'s year (``entree-2026-0006``)."""
    prefix = f"{PREFIX[direction]}-{day.year}-"
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)\Z")
    top = 0
    for movement_id in [*book.movements, *taken]:
        match = pattern.match(movement_id)
        if match:
            top = max(top, int(match[1]))
    return f"{prefix}{top + 1:04d}"


def movement_path(movement_id: str, day: date) -> str:
    """Repository path of a new movement file."""
    return f"{MOVEMENTS}/{day.year}/{movement_id}.yaml"


def plain(quantity: Decimal) -> Decimal:
    """``50`` rather than ``50.00`` (quantities are written as typed by a person)."""
    return plain_quantity(quantity)


def stock_product(book: Book, product_id: str | None) -> Any:
    """The product record if ``product_id`` names a stock-managed product, else ``None``."""
    if product_id is None or product_id not in book.products:
        return None
    product = book.products[product_id].record
    return product if product.stock_managed else None


def movement_line(product: str, quantity: Decimal, serials: list[str]) -> dict[str, Any]:
    """A movement line as written in the file (``serials`` only when there are some)."""
    line: dict[str, Any] = {"product": product, "quantity": plain(quantity)}
    if serials:
        line["serials"] = list(serials)
    return line


def reserved_serials(book: Book, product: str) -> dict[str, str]:
    """Serials of ``product`` already promised: on a draft outgoing movement, or on a
    delivery note no movement has shipped yet. Serial → the record holding it."""
    shipped = {e.record.origin for e in book.movements.values() if e.record.origin}
    held: dict[str, str] = {}
    for movement_id in book.movements_by_product.get(product, ()):
        r = book.movements[movement_id].record
        if r.direction is Direction.OUT and r.status.value == "draft":
            for line in r.lines:
                if line.product == product:
                    held.update(dict.fromkeys(line.serials, movement_id))
    for entry in book.interactions.values():
        doc = entry.record.document
        if doc is None or doc.kind != "delivery_note" or entry.id in shipped:
            continue
        for line in doc.lines:
            if line.product == product:
                held.update(dict.fromkeys(line.serials, entry.id))
    return held


@dataclass(frozen=True, slots=True)
class MovementPlan:
    """A record file to create: its id, repository path, content and header comment."""

    id: str
    path: str
    data: dict[str, Any]
    comment: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)


SHORT_LINE_SERIALS = 3


def plan_changes(repo: Path, plan: MovementPlan) -> ChangeSet:
    """The plan's new file as a change set (not written yet), serials laid out as in
    FORMAT.md."""
    changes = ChangeSet(repo)
    changes.create(plan.path, plan.data, comment=plan.comment)
    _flow_serials(changes.edit(plan.path))
    return changes


def _flow_serials(node: Any) -> None:
    """Serials as ``[SN-1, SN-2]`` (the layout of FORMAT.md); a movement line with a few
    serials on one line: ``- {product: selfibox, quantity: 1, serials: [SBX-0002]}``."""
    holder = node.get("document", node)
    for line in holder.get("lines", ()):
        serials = line.get("serials")
        if serials is None:
            continue
        serials.fa.set_flow_style()
        if "document" not in node and len(serials) <= SHORT_LINE_SERIALS:
            line.fa.set_flow_style()
