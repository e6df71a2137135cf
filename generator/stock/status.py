"""``carnet stock status``: the stock of every product (or one) as a rich table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator import locale as fmt
from generator.cli.terminal import cell
from generator.stock.views import LOW, OUT, StockReport, StockRow

PIPED_WIDTH = 160
SERIALS_SHOWN = 6

_HEADERS = {
    "fr": ("Produit", "En stock", "Seuil d'alerte", "Stock souhaité", "À commander", "N° de série"),
    "en": ("Product", "On hand", "Alert level", "Desired stock", "To reorder", "Serials"),
}
_STATE = {
    "fr": {OUT: "hors stock", LOW: "bientôt hors stock"},
    "en": {OUT: "out of stock", LOW: "soon out of stock"},
}


def _serials(row: StockRow, full: bool) -> str:
    if not row.serial_tracked:
        return ""
    if full or len(row.serials) <= SERIALS_SHOWN:
        return ", ".join(row.serials) or "—"
    rest = len(row.serials) - SERIALS_SHOWN
    return ", ".join(row.serials[:SERIALS_SHOWN]) + f", … (+{rest})"


def status_table(report: StockReport, lang: str = "fr", *, full_serials: bool = False) -> Table:
    """One row per product: on hand (with its alert), alert level, desired, to reorder."""
    key = "en" if lang.startswith("en") else "fr"
    title = ("Stock on " if key == "en" else "Stock au ") + fmt.short_date(report.at, lang)
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(_HEADERS[key]):
        table.add_column(header, justify="right" if 1 <= index <= 4 else "left", overflow="fold")
    for row in report.rows:
        level = Text(f"{fmt.number(row.on_hand, lang)} {row.unit}")
        state = _STATE[key].get(row.state)
        if state:
            level.append(f" ({state})", style="bold red" if row.state == OUT else "yellow")
        table.add_row(
            cell(f"{row.name} ({row.id})"),
            level,
            Text(fmt.number(row.alert_level, lang)),
            Text(fmt.number(row.desired, lang)),
            Text(fmt.number(row.to_reorder, lang) if row.to_reorder else ""),
            cell(_serials(row, full_serials)),
        )
    return table


def print_status(report: StockReport, lang: str = "fr", *, full_serials: bool = False) -> None:
    """Print the table (wide enough when piped)."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    console.print(status_table(report, lang, full_serials=full_serials))
