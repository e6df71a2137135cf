"""Site search: documents are found by number, client and amount; aggregate pages (the
dashboard, lists, recent changes) stay out of the index; excerpts read as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import browser, serve
from conftest import ROOT, TODAY

from generator.load import load
from generator.locale import money

INVOICE = "documents/devis-site-garage-brotteaux-commande-facture-3/"
"""F2026-0004, the balance invoice of Garage des Brotteaux."""
AGGREGATES = (
    "",
    "modifications/",
    "agenda/",
    "pipelines/",
    "pipelines/sale/",
    "interactions/sale/",
    "societes/",
    "factures/",
    "documents/",
)


def entries(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def page_text(site: Path, url: str) -> str:
    return " ".join(e["text"] for e in entries(site) if e["location"].split("#")[0] == url)


def test_documents_are_in_the_index_with_number_client_and_amount(site: Path) -> None:
    docs = entries(site)
    titles = {e["location"]: e["title"] for e in docs}
    assert titles[INVOICE] == "Facture de solde F2026-0004"
    text = page_text(site, INVOICE)
    assert "Garage des Brotteaux" in text
    book = load(ROOT, today=TODAY, use_cache=False, jobs=1).book
    totals = book.document_totals[INVOICE.split("/")[1]]
    assert money(totals.gross) in text and money(totals.net) in text
    documents = {loc for loc in titles if loc.startswith("documents/") and loc != "documents/"}
    assert len(documents) >= 10


def test_aggregate_pages_stay_out_of_the_index(site: Path) -> None:
    locations = {e["location"].split("#")[0] for e in entries(site)}
    assert not locations & set(AGGREGATES), sorted(locations & set(AGGREGATES))
    assert "societes/mes-beaux-sapins/" in locations


def test_excerpts_read_as_text(site: Path) -> None:
    text = page_text(site, "societes/mes-beaux-sapins/")
    assert re.search(r"Nature : \S+ · ", text), text[:200]
    assert not re.search(r"Nature(client|fournisseur)", text)
    assert "SIRET : " in text or "Adresse : " in text


def search(page, words: str) -> list[str]:
    """Type ``words`` in the search box; the results' links, best first."""
    page.click(".md-search__input")
    page.fill(".md-search__input", "")
    page.keyboard.type(words)
    links = page.locator("a.md-search-result__link")
    links.first.wait_for(timeout=15000)
    page.wait_for_timeout(300)  # the worker answers as one types: take its last answer
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [href.split("?", 1)[0] for href in hrefs]  # without the words to highlight


@pytest.mark.browser
def test_typing_a_number_or_a_company_finds_it_first(site: Path) -> None:
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base)
        hrefs = search(page, "F2026-0004")
        assert hrefs[0].endswith(INVOICE), hrefs[:5]
        page.goto(base)
        hrefs = search(page, "Garage des Brotteaux")
        assert hrefs[0].endswith("societes/garage-des-brotteaux/"), hrefs[:5]
