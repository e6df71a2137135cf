"""The menu of the internal site: the same, complete menu on every page, after a full
build, after an incremental build (every daily ``carnet build``, every save under
``carnet serve``) and on the 404 page; never an entry reading "None" or nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import browser, serve
from click.testing import CliRunner
from test_site_build import _git, build, make_repo

pytestmark = pytest.mark.browser

MENU = """() => Array.from(
  document.querySelectorAll('nav.md-nav--primary .md-nav__link, nav.md-nav--primary .md-nav__title')
).filter(e => !e.closest('.md-nav--secondary') && e.getAttribute('for') !== '__toc')
 .map(e => e.textContent.replace(/\\s+/g, ' ').trim())"""
"""The texts of the site's menu (the current page's table of contents left out)."""

PIPELINES = ["Vente", "Achat", "Projet", "Support"]
"""The labels of the example's pipelines (data/settings.yaml)."""


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's site after a full build then an incremental one (a company renamed)."""
    repo = make_repo(tmp_path_factory.mktemp("nav") / "repo")
    runner = CliRunner()
    assert build(runner, repo).exit_code == 0
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("name: Mes Beaux Sapins", "name: Sapins Royaux"), "utf-8")
    _git(repo, "commit", "-qam", "Renomme le client", when="2026-11-24T15:00:00")
    result = build(runner, repo)
    assert result.exit_code == 0, result.output
    assert "incrémentale" in result.stdout
    return repo / "build" / "site"


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a site, as a URL relative to its root (404 included), but the
    sealed areas of private projects (``prive/``: their menu exists once unlocked)."""
    return sorted(
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("*.html")
        if not path.relative_to(site).as_posix().startswith("prive/")
    )


SAMPLE = ("", "404.html", "societes/mes-beaux-sapins/", "factures/", "agenda/")
"""Pages whose menu is also read in Chromium, after its scripts ran."""


def menu_in_html(html: str) -> list[str]:
    """The texts of the menu as :data:`MENU` reads them, from a page's HTML as written."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    cls = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')".format
    found = tree.xpath(
        f"//nav[{cls('md-nav--primary')}]//*[{cls('md-nav__link')} or {cls('md-nav__title')}]"
        f"[not(ancestor::*[{cls('md-nav--secondary')}])][not(@for='__toc')]"
    )
    return [" ".join(e.text_content().split()) for e in found]


def check_menus(site: Path) -> list[str]:
    """Every page's menu, as written, is the home page's; a sample of pages opened in
    Chromium shows that very menu. Returns the menu."""
    expected = menu_in_html((site / "index.html").read_text(encoding="utf-8"))
    pages = pages_of(site)
    assert set(SAMPLE) <= set(pages), set(SAMPLE) - set(pages)
    for url in pages:
        html = (site / (url if url.endswith(".html") else url + "index.html")).read_text("utf-8")
        assert menu_in_html(html) == expected, url
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        for url in SAMPLE:
            page.goto(base + url, wait_until="domcontentloaded")
            assert page.evaluate(MENU) == expected, url
    return expected


def test_every_page_has_the_full_menu_after_an_incremental_build(rebuilt: Path) -> None:
    pages = pages_of(rebuilt)
    assert "404.html" in pages and "societes/mes-beaux-sapins/" in pages and len(pages) > 50
    menu = check_menus(rebuilt)
    assert not [entry for entry in menu if entry in ("", "None")], menu
    for label in ("Tableau de bord", "Vue d'ensemble", "Sociétés", "Factures", "Agenda"):
        assert label in menu
    for label in PIPELINES:
        assert menu.count(label) == 2, (label, menu)  # a board and a list per pipeline


def test_the_full_build_and_its_404_page_name_every_entry(site: Path) -> None:
    for name in ("index.html", "404.html"):
        html = (site / name).read_text(encoding="utf-8")
        menu = html.split("md-nav--primary", 1)[1]
        assert not re.search(r">\s*None\s*<", html), name
        assert re.search(r"Vue d(&#39;|')ensemble", menu), name
        for label in PIPELINES:
            assert len(re.findall(rf">\s*{label}\s*<", menu)) >= 2, (name, label)
