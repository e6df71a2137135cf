"""Lists, tables, boards and charts as a person sees them, in Chromium at 1366×900 and on a
390×844 phone: the page never scrolls sideways, no amount or date breaks over two
lines, no word of a table breaks in the middle, a board shows all its columns on a
laptop, chart labels never overlap."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser, serve

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": "",
    "pipelines": "pipelines/",
    "board": "pipelines/sale/",
    "interactions": "interactions/sale/",
    "companies": "societes/",
    "contacts": "contacts/",
    "projects": "projets/",
    "products": "produits/",
    "invoices": "factures/",
    "quotes and orders": "documents/",
    "agenda": "agenda/",
    "recent changes": "modifications/",
    "company": "societes/mes-beaux-sapins/",
    "contact": "contacts/jeanne-sapin/",
    "project": "projets/site-garage-brotteaux/",
    "product": "produits/nordmann-150/",
    "invoice": "documents/devis-site-garage-brotteaux-commande-facture-3/",
    "order": "documents/devis-site-garage-brotteaux-commande/",
}
"""One page of each kind the site generates."""

TABLE_PAGES = {"", "interactions/sale/", "produits/", "projets/", "factures/", "documents/"}
"""Pages whose tables hold amounts or dates (the check below must find some)."""

SIZES = {"laptop": (1366, 900), "phone": (390, 844)}

# Text of table cells that shows an amount, a date or a document number, whether it lies on
# one line, and
# the words of every cell that break in two.
WRAPPED_CELLS = r"""() => {
  const amount = /^[−-]?\d{1,3}(?:[\s\u202f\u00a0]\d{3})*,\d{2}[\s\u202f\u00a0]€/;
  const day = /^\d{2}\/\d{2}\/\d{4}/;
  const number = /^[A-Z]{1,3}\d{4}-\d{3,}$/;  // a document number: F2026-0001, BL2026-0002
  const found = [], wrapped = [];
  const walker = document.createTreeWalker(document.querySelector("article") || document.body,
                                           NodeFilter.SHOW_TEXT);
  const lines = range => new Set(Array.from(range.getClientRects())
    .filter(r => r.width > 0).map(r => Math.round(r.top))).size;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest("td, th")) continue;
    const text = node.textContent.trim();
    const range = document.createRange();
    if (amount.test(text) || day.test(text) || number.test(text)) {
      found.push(text);
      range.selectNodeContents(node);
      if (lines(range) > 1) wrapped.push(text);
    }
    for (const word of node.textContent.matchAll(/[^\s\u00a0\u202f\/-]+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (lines(range) > 1) wrapped.push(word[0]);  // a word broken in two
    }
  }
  return {found: found.length, wrapped};
}"""

# Pairs of labels of a chart whose boxes overlap.
OVERLAPS = r"""() => {
  const clashes = [];
  document.querySelectorAll("svg.carnet-chart").forEach((svg, index) => {
    const boxes = Array.from(svg.querySelectorAll("text"))
      .map(t => [t.textContent, t.getBoundingClientRect()]);
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
      if (r.left < s.right - 0.5 && s.left < r.right - 0.5 &&
          r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) clashes.push([index, a, b]);
    }));
  });
  return clashes;
}"""


@pytest.fixture(scope="module")
def pages(site: Path):
    """Chromium pages at both sizes on the session's site: (size, Playwright page, base)."""
    for url in PAGES.values():
        assert (site / url / "index.html").is_file(), url
    with serve(site) as base, browser() as chromium:
        yield (
            {
                name: chromium.new_page(viewport={"width": w, "height": h})
                for name, (w, h) in SIZES.items()
            },
            base,
        )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", PAGES)
def test_no_sideways_scroll_and_no_wrapped_amount_or_date(pages, kind: str, size: str) -> None:
    tabs, base = pages
    page = tabs[size]
    url = PAGES[kind]
    page.goto(base + url, wait_until="load")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{kind} scrolls sideways at {size}: {width}"
    cells = page.evaluate(WRAPPED_CELLS)
    assert not cells["wrapped"], f"{kind} at {size}: {cells['wrapped']}"
    if url in TABLE_PAGES:
        assert cells["found"] >= 3, kind


@pytest.mark.parametrize("size", SIZES)
def test_chart_labels_never_overlap(pages, size: str) -> None:
    tabs, base = pages
    page = tabs[size]
    page.goto(base, wait_until="load")
    assert page.locator("svg.carnet-chart").count() >= 6
    assert page.evaluate(OVERLAPS) == []


def test_the_board_shows_every_column_on_a_laptop(pages) -> None:
    tabs, base = pages
    page = tabs["laptop"]
    page.goto(base + PAGES["board"], wait_until="load")
    board = page.locator(".carnet-board")
    columns = board.locator(".carnet-column")
    assert columns.count() == 7
    edges = board.evaluate(
        "b => [b.getBoundingClientRect().left, b.getBoundingClientRect().right, "
        "b.scrollWidth, b.clientWidth]"
    )
    left, right, scroll_width, client_width = edges
    assert scroll_width <= client_width, "the board scrolls at 1366 px"
    for index in range(7):
        box = columns.nth(index).bounding_box()
        assert box is not None and left - 1 <= box["x"] and box["x"] + box["width"] <= right + 1
        assert box["x"] + box["width"] <= 1366
    # the cards keep what matters: subject, company, amount, date
    cards = board.locator(".carnet-board-card")
    assert cards.count() == board.locator(".carnet-board-card .carnet-card-subject").count()
    assert "€" in board.inner_text() and "/2026" in board.inner_text()


def test_the_board_scrolls_inside_itself_on_a_phone(pages) -> None:
    tabs, base = pages
    page = tabs["phone"]
    page.goto(base + PAGES["board"], wait_until="load")
    scroll = page.locator(".carnet-board").evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert scroll[0] > scroll[1]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_lists_and_boards_have_no_table_of_contents(pages) -> None:
    tabs, base = pages
    page = tabs["laptop"]
    for kind in ("board", "companies", "invoices", "recent changes"):
        page.goto(base + PAGES[kind], wait_until="load")
        toc = page.locator("[data-md-type=toc]")
        assert toc.count() == 0 or not toc.first.is_visible(), kind
