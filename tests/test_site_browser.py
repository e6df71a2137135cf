"""The internal site in a real Chromium: navigation, search, and no script from data."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser, serve

pytestmark = pytest.mark.browser


def test_home_then_company_then_search(site: Path) -> None:
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        foreign: list[str] = []
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
        page.goto(base)
        assert "Tableau de bord" in page.title()
        page.click("nav.md-nav--primary >> text=Sociétés")
        page.wait_for_url("**/societes/")
        page.click("table >> text=Mes Beaux Sapins")
        page.wait_for_url("**/societes/mes-beaux-sapins/")
        assert page.locator("h1").first.inner_text() == "Mes Beaux Sapins"
        page.goto(base)
        page.click(".md-search__input")
        page.keyboard.type("Beaux Sapins")
        links = page.locator("a.md-search-result__link")
        links.first.wait_for(timeout=15000)
        hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        company = [h for h in hrefs if "/societes/mes-beaux-sapins/" in h]
        assert company, hrefs
        page.goto(company[0])
        assert page.locator("h1").first.inner_text() == "Mes Beaux Sapins"
        assert not foreign, foreign


def test_sorting_a_table_by_margin(site: Path) -> None:
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "projets/")
        margins = page.locator("table.carnet-sortable tbody tr td:nth-child(6)").evaluate_all(
            "cells => cells.map(c => parseFloat(c.dataset.sort))"
        )
        assert margins == sorted(margins, reverse=True), "default order: best margin first"
        page.click("table.carnet-sortable th:nth-child(6)")
        margins = page.locator("table.carnet-sortable tbody tr td:nth-child(6)").evaluate_all(
            "cells => cells.map(c => parseFloat(c.dataset.sort))"
        )
        assert margins == sorted(margins), "one click: worst (loss) first"
