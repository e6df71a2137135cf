"""The stock report as a PDF (WeasyPrint), in the style of the commercial documents.

The HTML comes from ``site_templates/stock/report.html.j2`` (autoescaped: a product named
``<b>`` is text); it links the documents' stylesheet ``documents.css`` then ``stock.css``,
and is rendered by :func:`generator.documents.pdf.html_to_pdf` (relative URLs resolve in
``site_templates/documents/``, nothing is fetched outside ``site_templates/``). Amounts
and dates are formatted by Babel.
"""

from __future__ import annotations

from generator.book.book import Book
from generator.locale import day_date
from generator.stock.views import StockReport
from generator.templating import render, templates_dir

TEMPLATE = "report.html.j2"


def stylesheets() -> list[str]:
    """Stylesheet links, relative to ``site_templates/documents/``."""
    sheets = ["../stock/stock.css"]
    if (templates_dir() / "documents" / "documents.css").is_file():
        sheets.insert(0, "documents.css")
    return sheets


def report_html(book: Book, report: StockReport, lang: str = "fr") -> str:
    """The report's HTML."""
    en = lang.startswith("en")
    title = ("Stock report" if en else "État du stock") + f" — {day_date(report.at, lang)}"
    return render(
        TEMPLATE,
        lang,
        folder="stock",
        title=title,
        report=report,
        firm=book.settings.firm,
        stylesheets=stylesheets(),
    )


def report_pdf(book: Book, report: StockReport, lang: str = "fr") -> bytes:
    """The report's PDF bytes."""
    from generator.documents.pdf import html_to_pdf

    return html_to_pdf(report_html(book, report, lang), repo=None)
