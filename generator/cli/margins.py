"""The margins table of ``carnet summary``: per project, what is realised and, apart,
what is still in the pipeline or planned (:mod:`generator.book.counting`)."""

from __future__ import annotations

from decimal import Decimal

from rich import box
from rich.table import Table
from rich.text import Text

from generator.book.book import Book
from generator.book.counting import ProjectMargin
from generator.cli.terminal import cell
from generator.locale import money
from generator.problems import text

SHOWN = 10
"""Projects listed, best margin first; the total counts them all."""


def margins_table(book: Book, lang: str = "fr") -> Table:
    """Best margins first, then the whole business (with or without a project)."""
    en = lang.startswith("en")
    table = Table(
        title=(
            "Margins: realised (in brackets: sales in the pipeline, planned purchases)"
            if en
            else "Marges : réalisé (entre parenthèses : ventes en cours, achats prévus)"
        ),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    ranked = sorted(
        ((key, margin) for key, margin in book.project_margins.items() if key in book.projects),
        key=lambda item: (-item[1].margin, item[0]),
    )
    rows = [
        (cell(book.projects[key].record.title), *_figures(margin, lang))
        for key, margin in ranked[:SHOWN]
    ]
    if len(ranked) > SHOWN:
        more = len(ranked) - SHOWN
        rows.append((cell(text("summary-more-projects", lang, more=more), "dim"),))
    total = (
        cell("Whole business" if en else "Toutes les affaires", "bold"),
        *_figures(book.margin_total, lang),
    )
    # amounts are never cut: the project's title wraps on a narrow terminal
    table.add_column("Project" if en else "Projet")
    headings = ("Sales", "Purchases", "Costs", "Margin")
    for i, heading in enumerate(headings if en else ("Ventes", "Achats", "Coûts", "Marge")):
        widest = max(
            (
                len(line)
                for row in (*rows, total)
                if len(row) > i + 1
                for line in row[i + 1].plain.split("\n")
            ),
            default=0,
        )
        table.add_column(
            heading, justify="right", no_wrap=True, min_width=max(widest, len(heading))
        )
    for row in rows:
        table.add_row(*row)
    table.add_section()
    table.add_row(*total)
    return table


def _figures(margin: ProjectMargin, lang: str) -> list[Text]:
    sales = _amount(margin.sales, lang)
    if margin.pipeline:
        sales.append(f"\n({money(margin.pipeline, lang)})", "dim")
    purchases = _amount(margin.purchases, lang)
    if margin.planned:
        purchases.append(f"\n({money(margin.planned, lang)})", "dim")
    total = _amount(margin.margin, lang, "red" if margin.margin < 0 else "green")
    return [sales, purchases, _amount(margin.costs, lang), total]


def _amount(value: Decimal, lang: str, style: str = "") -> Text:
    return cell(money(value, lang), style)
