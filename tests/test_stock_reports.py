"""Serial ranges, the report's views, the workbook's safety, the product page's chart."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from stock_helpers import FILES

from generator.problems import Refused
from generator.site.stock_chart import level_chart, level_steps
from generator.stock.report_pdf import report_html
from generator.stock.report_xlsx import workbook_bytes
from generator.stock.serials import expand, natural_sorted, parse_assignments
from generator.stock.views import stock_report
from generator.testing import book_from_yaml

MOVEMENTS = "data/stock/movements/2026/"


@pytest.mark.parametrize(
    ("spec", "serials"),
    [
        ("SN-0001..SN-0003", ["SN-0001", "SN-0002", "SN-0003"]),
        ("SN-0998..SN-1001", ["SN-0998", "SN-0999", "SN-1000", "SN-1001"]),
        ("SN-9..SN-11", ["SN-9", "SN-10", "SN-11"]),
        ("A7X..A9X", ["A7X", "A8X", "A9X"]),
        ("SN-1, SN-7,SN-20..SN-21", ["SN-1", "SN-7", "SN-20", "SN-21"]),
        ("TB10-26-8120..TB10-26-8121", ["TB10-26-8120", "TB10-26-8121"]),
        ("SN-5..SN-5", ["SN-5"]),
    ],
)
def test_ranges_expand_keeping_zero_padding(spec: str, serials: list[str]) -> None:
    assert expand(spec) == serials


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("SN-9..SN-1", "à l'envers"),
        ("SN-1..XX-3", "même préfixe"),
        ("SN-A..SN-B", "finir par un nombre"),
        ("SN-1,,SN-2", "élément vide"),
        ("SN-1..SN-9999999", "plus de 100000"),
        ("SN 1", "pas d'espace"),
        ("SN-1,SN-1", "deux fois"),
    ],
)
def test_bad_ranges_are_refused(spec: str, fragment: str) -> None:
    with pytest.raises(Refused) as caught:
        expand(spec)
    assert fragment in caught.value.message("fr")


def test_assignments_and_natural_order() -> None:
    assert parse_assignments(["a=S-1..S-2", "b=X"]) == {"a": ["S-1", "S-2"], "b": ["X"]}
    assert natural_sorted(["S-10", "S-9", "S-100", "R-2"]) == ["R-2", "S-9", "S-10", "S-100"]


def business(extra: dict[str, str] | None = None, **kwargs: object):
    files = {
        **FILES,
        MOVEMENTS + "entree-1.yaml": """\
            direction: in
            date: 2026-11-02
            status: validated
            lines:
              - {product: selfibox, quantity: 3, serials: [S-10, S-9, S-100]}
              - {product: nordmann-200, quantity: 3}
            """,
        MOVEMENTS + "sortie-1.yaml": """\
            direction: out
            date: 2026-11-04
            status: validated
            lines: [{product: selfibox, quantity: 1, serials: [S-9]}]
            """,
        **(extra or {}),
    }
    return book_from_yaml(files, **kwargs)


def test_views_of_the_report() -> None:
    report = stock_report(business())
    rows = {r.id: r for r in report.rows}
    assert [r.id for r in report.rows] == ["selfibox", "nordmann-200"]
    assert rows["selfibox"].serials == ("S-10", "S-100")
    assert [r.id for r in report.soon_out] == ["nordmann-200"]  # 3 < alert level 5
    assert report.out_of_stock == ()
    assert {r.id: r.to_reorder for r in report.to_reorder} == {"selfibox": 1, "nordmann-200": 37}
    assert rows["selfibox"].value == Decimal("1780.00")
    assert rows["nordmann-200"].value == Decimal("66.00")
    assert report.total_value == Decimal("1846.00")
    earlier = stock_report(business(), date(2026, 11, 3))
    assert {r.id: r.on_hand for r in earlier.rows} == {"selfibox": 3, "nordmann-200": 3}
    assert earlier.rows[0].serials == ("S-9", "S-10", "S-100")
    before = stock_report(business(), date(2026, 11, 1))
    assert [r.id for r in before.out_of_stock] == ["selfibox", "nordmann-200"]


HOSTILE = {
    "data/stock/products/piege.yaml": """\
        name: "=HYPERLINK(\\"http://evil.example\\",\\"clic\\")"
        reference: "+33 4 78"
        unit: "@pièce"
        price: 1
        purchase_price: 1
        vat_rate: 20
        stock_managed: true
        serial_tracked: true
        supplier: borne-factory
        """,
    MOVEMENTS + "entree-2.yaml": """\
        direction: in
        date: 2026-11-03
        status: validated
        lines: [{product: piege, quantity: 3, serials: ["-1+1", "=1+1", "\\tA"]}]
        """,
}


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    book = business(HOSTILE)
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(stock_report(book))))
    ws = wb["Stock"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "piege")
    name, reference, unit = row[1], row[2], row[4]
    assert name.value == '=HYPERLINK("http://evil.example","clic")'
    assert name.data_type == "s"
    assert reference.value == "+33 4 78" and reference.data_type == "s"
    assert unit.value == "@pièce" and unit.data_type == "s"
    assert name.quotePrefix
    serials = [r for r in wb["Numéros de série"].iter_rows(min_row=2) if r[0].value == "piege"]
    assert sorted(r[2].value for r in serials) == ["\tA", "-1+1", "=1+1"]
    assert all(r[2].data_type == "s" for r in serials)
    for sheet in wb.worksheets:
        for cells in sheet.iter_rows():
            assert all(c.data_type != "f" for c in cells), sheet.title


def test_pdf_html_escapes_names_and_formats_with_babel() -> None:
    book = business(
        {"data/stock/products/nordmann-200.yaml": FILES["data/stock/products/nordmann-200.yaml"]
         .replace("Sapin Nordmann 2 m", "<b>Sapin</b>").replace("22.00", "1234.5")}
    )  # fmt: skip
    html = report_html(book, stock_report(book))
    assert "&lt;b&gt;Sapin&lt;/b&gt;" in html and "<b>Sapin" not in html
    assert "3 703,50\u00a0€" in html.replace("\u202f", " ")
    assert "mercredi 25 novembre 2026" in html
    assert 'href="documents.css"' in html


def test_english_workbook_and_report() -> None:
    book = business()
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(stock_report(book), "en")))
    assert wb.sheetnames[1:] == [
        "Out of stock",
        "Soon out of stock",
        "To reorder",
        "Serial numbers",
        "Stock value",
    ]
    assert "Stock report" in report_html(book, stock_report(book), "en")


def test_level_over_time_as_inline_svg() -> None:
    book = business()
    assert level_steps(book, "selfibox") == [(date(2026, 11, 2), 3), (date(2026, 11, 4), 2)]
    svg = level_chart(book, "selfibox")
    assert svg.startswith('<svg class="carnet-chart stock-level"')
    assert "<polyline" in svg and "4 novembre 2026 : 2 pièce" in svg  # dates in French
    assert '<desc id="stock-level-desc">Du 2 novembre 2026 au 25 novembre 2026' in svg
    assert "seuil d&#x27;alerte 1" in svg
    assert level_chart(book, "installation") == ""
    hostile = business(HOSTILE)
    assert "<b>" not in level_chart(hostile, "piege") and "HYPERLINK" in level_chart(
        hostile, "piege"
    )


def test_product_page_shows_level_movements_and_serials(site) -> None:
    page = (site / "produits" / "selfibox" / "index.html").read_text(encoding="utf-8")
    assert '<svg class="carnet-chart stock-level"' in page
    assert "SBX-26-00102" in page
    assert re.search(r"<code>entree-2025-0002</code>", page)
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert "Alertes de stock" in dashboard
    assert "Tablette pro 10 pouces" in dashboard
