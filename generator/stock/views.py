"""The state of the stock on a date, and the views of the consolidated report.

One :class:`StockRow` per stock-managed product (sorted by name): on hand, alert level,
desired stock, quantity to reorder, serials in stock, value at purchase price. The
views are the seed's hand-made workbook sheets: out of stock (≤ 0), soon out of stock
(below the alert level), to reorder (desired − on hand), serials in stock, stock value.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.book.book import Book
from generator.book.inventory import replay
from generator.money import ZERO, line_net
from generator.problems import Refused
from generator.stock.serials import natural_sorted

OUT, LOW, OK = "out", "low", "ok"


@dataclass(frozen=True, slots=True)
class StockRow:
    """One stock-managed product on a date."""

    id: str
    name: str
    reference: str | None
    unit: str
    supplier: str | None
    on_hand: Decimal
    alert_level: Decimal | None
    desired: Decimal | None
    to_reorder: Decimal
    serial_tracked: bool
    serials: tuple[str, ...]
    purchase_price: Decimal | None
    value: Decimal

    @property
    def state(self) -> str:
        """``out`` (≤ 0), ``low`` (below the alert level) or ``ok``."""
        if self.on_hand <= 0:
            return OUT
        if self.alert_level is not None and self.on_hand < self.alert_level:
            return LOW
        return OK


@dataclass(frozen=True, slots=True)
class StockReport:
    """Every row on ``at`` and the report's views of them."""

    at: date
    rows: tuple[StockRow, ...]

    @property
    def out_of_stock(self) -> tuple[StockRow, ...]:
        """On hand ≤ 0."""
        return tuple(r for r in self.rows if r.state == OUT)

    @property
    def soon_out(self) -> tuple[StockRow, ...]:
        """In stock, but below the alert level."""
        return tuple(r for r in self.rows if r.state == LOW)

    @property
    def to_reorder(self) -> tuple[StockRow, ...]:
        """Below the desired stock: what to order to get back to it."""
        return tuple(r for r in self.rows if r.to_reorder > 0)

    @property
    def serials(self) -> tuple[tuple[StockRow, str], ...]:
        """Every serial in stock with its product."""
        return tuple((r, s) for r in self.rows for s in r.serials)

    @property
    def valued(self) -> tuple[StockRow, ...]:
        """Products in stock with a purchase price."""
        return tuple(r for r in self.rows if r.on_hand > 0 and r.purchase_price is not None)

    @property
    def total_value(self) -> Decimal:
        """Stock value at purchase price, excl. VAT."""
        return sum((r.value for r in self.rows), ZERO)


def sort_key(name: str) -> str:
    """Alphabetical order as a reader expects it: « Épicéa » among the E."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def levels_on(book: Book, at: date) -> tuple[dict[str, Decimal], dict[str, frozenset[str]]]:
    """Stock on hand and serials in stock per product at the end of ``at``."""
    if at == book.today:
        return dict(book.stock_on_hand), dict(book.serials_in_stock)
    managed = set(book.stock_on_hand)
    state = replay(book.movements.values(), managed, until=at)
    return (
        {p: state.levels.get(p, Decimal(0)) for p in managed},
        {p: frozenset(s) for p, s in state.serials.items() if s},
    )


def stock_report(book: Book, at: date | None = None) -> StockReport:
    """The stock of every stock-managed product at the end of ``at`` (default: today)."""
    day = at or book.today
    levels, serials = levels_on(book, day)
    default_alert = book.settings.stock.alert_level
    rows = []
    for product_id, level in levels.items():
        p = book.products[product_id].record
        desired = p.desired_stock
        supplier = book.companies.get(p.supplier) if p.supplier else None
        rows.append(
            StockRow(
                id=product_id,
                name=p.name,
                reference=p.reference,
                unit=p.unit,
                supplier=supplier.record.name if supplier else p.supplier,
                on_hand=level,
                alert_level=p.alert_level if p.alert_level is not None else default_alert,
                desired=desired,
                to_reorder=max(desired - level, Decimal(0)) if desired is not None else Decimal(0),
                serial_tracked=p.serial_tracked,
                serials=tuple(natural_sorted(serials.get(product_id, ()))),
                purchase_price=p.purchase_price,
                value=(
                    line_net(level, p.purchase_price)
                    if p.purchase_price is not None and level > 0
                    else ZERO
                ),
            )
        )
    rows.sort(key=lambda r: (sort_key(r.name), r.id))
    return StockReport(day, tuple(rows))


def product_status(book: Book, product: str | None, at: date | None = None) -> StockReport:
    """The stock of every product on ``at`` (default: today), or of the one ``product``
    names; refused when it names no stock-managed product."""
    from dataclasses import replace

    from generator.stock.records import find

    report = stock_report(book, at)
    if product is None:
        return report
    entry = find(book, product, "product")
    if not entry.record.stock_managed:
        raise Refused("stock-not-managed", id=entry.id)
    return replace(report, rows=tuple(r for r in report.rows if r.id == entry.id))
