"""The consolidated stock workbook (openpyxl): the seed's hand-made Excel file, generated.

A « Stock » sheet with every product sorted by name, header frozen, autofilter on,
euro number formats and column widths; then one sheet per view (out of stock, soon out
of stock, to reorder, serials in stock, stock value).

Text that comes from the data and starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written as a text cell (``quotePrefix``), never as a formula:
a product named ``=HYPERLINK(…)`` stays a name.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.money import ZERO, line_net
from generator.stock.views import LOW, OUT, StockReport, StockRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '#,##0.00 "€"'
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00#"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F4858")
TOTAL_FONT = Font(bold=True)


@dataclass(frozen=True, slots=True)
class Column:
    """A column: header (fr, en), width in characters, kind (text, qty, money), value."""

    fr: str
    en: str
    width: int
    kind: str
    value: Callable[[Any], Any]


def _text(cell: Any, value: str | None) -> None:
    """Write user text as text, whatever it starts with."""
    cell.value = value
    if value:
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def _number_format(value: Decimal) -> str:
    return WHOLE_FORMAT if value == value.to_integral_value() else DECIMAL_FORMAT


def _write(cell: Any, kind: str, value: Any) -> None:
    if kind == "text":
        _text(cell, None if value is None else str(value))
        return
    cell.value = value
    if value is None:
        return
    cell.number_format = MONEY_FORMAT if kind == "money" else _number_format(value)


def write_sheet(
    ws: Worksheet,
    columns: Sequence[Column],
    items: Sequence[Any],
    lang: str,
    total: tuple[int, Decimal] | None = None,
) -> None:
    """Header, rows, frozen header, autofilter over the rows, widths; optional total."""
    en = lang.startswith("en")
    for index, column in enumerate(columns, 1):
        cell = ws.cell(row=1, column=index)
        _text(cell, column.en if en else column.fr)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, item in enumerate(items, 2):
        for index, column in enumerate(columns, 1):
            _write(ws.cell(row=row_number, column=index), column.kind, column.value(item))
    last_row = max(len(items) + 1, 1)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(last_row, 2)}"
    if total is not None:
        index, amount = total
        label = ws.cell(row=last_row + 2, column=1, value="Total")
        label.font = TOTAL_FONT
        cell = ws.cell(row=last_row + 2, column=index, value=amount)
        cell.number_format = MONEY_FORMAT
        cell.font = TOTAL_FONT


def _state(row: StockRow, en: bool) -> str:
    if row.state == OUT:
        return "out of stock" if en else "hors stock"
    if row.state == LOW:
        return "soon out of stock" if en else "bientôt hors stock"
    return "ok" if en else "en stock"


def _reorder_cost(row: StockRow) -> Decimal | None:
    if row.purchase_price is None or not row.to_reorder:
        return None
    return line_net(row.to_reorder, row.purchase_price)


def _columns(lang: str) -> dict[str, Column]:
    en = lang.startswith("en")
    return {
        "id": Column("Produit", "Product", 22, "text", lambda r: r.id),
        "name": Column("Désignation", "Name", 36, "text", lambda r: r.name),
        "reference": Column("Référence", "Reference", 16, "text", lambda r: r.reference),
        "supplier": Column("Fournisseur", "Supplier", 26, "text", lambda r: r.supplier),
        "unit": Column("Unité", "Unit", 10, "text", lambda r: r.unit),
        "on_hand": Column("En stock", "On hand", 11, "qty", lambda r: r.on_hand),
        "alert": Column("Seuil d'alerte", "Alert level", 13, "qty", lambda r: r.alert_level),
        "desired": Column("Stock souhaité", "Desired stock", 14, "qty", lambda r: r.desired),
        "reorder": Column("À commander", "To reorder", 13, "qty", lambda r: r.to_reorder),
        "price": Column(
            "Prix d'achat HT", "Purchase price", 15, "money", lambda r: r.purchase_price
        ),
        "value": Column("Valeur HT", "Value", 15, "money", lambda r: r.value),
        "cost": Column("Coût estimé HT", "Estimated cost", 15, "money", _reorder_cost),
        "state": Column("État", "State", 18, "text", lambda r: _state(r, en)),
        "serials": Column(
            "Numéros de série", "Serials", 40, "text", lambda r: ", ".join(r.serials) or None
        ),
    }


SHEETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Hors stock", "Out of stock", ("id", "name", "supplier", "on_hand", "desired", "reorder")),
    (
        "Bientôt hors stock",
        "Soon out of stock",
        ("id", "name", "supplier", "on_hand", "alert", "desired", "reorder"),
    ),
    (
        "À commander",
        "To reorder",
        ("id", "name", "supplier", "on_hand", "desired", "reorder", "price", "cost"),
    ),
)


def workbook(report: StockReport, lang: str = "fr") -> Workbook:
    """The workbook of ``report``."""
    en = lang.startswith("en")
    cols = _columns(lang)
    wb = Workbook()
    stamp = datetime.combine(report.at, time())
    wb.properties.creator = "Carnet"
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.title = ("Stock on " if en else "Stock au ") + report.at.isoformat()
    main = wb.active
    main.title = "Stock"
    every = ("id", "name", "reference", "supplier", "unit", "on_hand", "alert", "desired")
    every += ("reorder", "price", "value", "state", "serials")
    write_sheet(main, [cols[k] for k in every], report.rows, lang)
    views = {
        "Hors stock": report.out_of_stock,
        "Bientôt hors stock": report.soon_out,
        "À commander": report.to_reorder,
    }
    for fr, english, keys in SHEETS:
        write_sheet(
            wb.create_sheet(english if en else fr), [cols[k] for k in keys], views[fr], lang
        )
    serial_columns = [
        Column("Produit", "Product", 22, "text", lambda item: item[0].id),
        Column("Désignation", "Name", 36, "text", lambda item: item[0].name),
        Column("Numéro de série", "Serial number", 24, "text", lambda item: item[1]),
    ]
    sheet = wb.create_sheet("Serial numbers" if en else "Numéros de série")
    write_sheet(sheet, serial_columns, report.serials, lang)
    keys = ("id", "name", "on_hand", "price", "value")
    valued = report.valued
    sheet = wb.create_sheet("Stock value" if en else "Valeur du stock")
    total = sum((r.value for r in valued), ZERO)
    write_sheet(sheet, [cols[k] for k in keys], valued, lang, total=(len(keys), total))
    return wb


def workbook_bytes(report: StockReport, lang: str = "fr") -> bytes:
    """The ``.xlsx`` file of ``report``."""
    stream = io.BytesIO()
    workbook(report, lang).save(stream)
    return stream.getvalue()
