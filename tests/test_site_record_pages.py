"""Record pages of the internal site: the record's id (what users type in YAML) with a
copy button, the projects of a company or a contact with its role in each, and the
attachments of the interactions listed on them."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_site_build import read

from generator.testing import load_yaml

RECORDS = {
    "societes/hotel-bellecour/": ("ID société", "hotel-bellecour"),
    "contacts/camille-perrin/": ("ID contact", "camille-perrin"),
    "projets/sapins-2026/": ("ID projet", "sapins-2026"),
    "produits/epicea-120/": ("ID produit", "epicea-120"),
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _section(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    end = html.find("<h2", start)
    return html[start : end if end != -1 else len(html)]


def test_every_record_page_shows_its_id_with_a_copy_button(site: Path) -> None:
    for url, (label, record_id) in RECORDS.items():
        if not (site / url).is_dir():
            pytest.fail(f"no page {url}")
        html = read(site, url)
        line = re.search(r'<p class="carnet-id">(.*?)</p>', html, re.DOTALL)
        assert line is not None, url
        assert _text(line.group(1)).split()[:3] == [*label.split(), record_id], url
        assert f'data-carnet-copy="{record_id}"' in line.group(1)
        assert html.index('class="carnet-id"') < html.index("<h2"), "right under the title"


def test_a_company_and_a_contact_list_their_projects_with_their_role(site: Path) -> None:
    hotel = _text(_section(read(site, "societes/hotel-bellecour/"), "Projets"))
    assert "Équipement / Tablettes accueil / Hôtel Bellecour — client" in hotel
    assert "Négoce / Sapins de Noël 2026 — client" in hotel
    training = _text(_section(read(site, "societes/formations-numeriques-aura/"), "Projets"))
    assert "Formation HTML / juin 2026 — formateur externe" in training
    camille = _text(_section(read(site, "contacts/camille-perrin/"), "Projets"))
    assert "Événementiel 2026 / Domaine des Coteaux — key user" in camille
    isabelle = _section(read(site, "contacts/isabelle-mercier/"), "Projets")
    titles = re.findall(r"<li><a [^>]*>([^<]+)</a> — <span", isabelle)
    assert [unescape(t) for t in titles] == [
        "Formation WordPress / novembre 2026",
        "Formation HTML / juin 2026",
    ], "latest first, each with a role"


def test_roles_come_from_the_project_links() -> None:
    from generator.site.views import projects_of

    result = load_yaml(
        {
            "data/companies/acme.yaml": "name: Acme\nkind: client\n",
            "data/projects/a.yaml": """\
                title: A
                start: 2026-01-01
                companies: [{id: acme, role: client}]
                """,
            "data/projects/b.yaml": """\
                title: B
                start: 2026-05-01
                companies: [{id: acme}]
                """,
        }
    )
    assert result.book is not None, result.problems
    found = [(e.id, role) for e, role in projects_of(result.book, "company", "acme")]
    assert found == [("b", None), ("a", "client")]


def test_the_attachments_of_interactions_show_on_every_record_page_listing_them(
    site: Path,
) -> None:
    for url in ("societes/mes-beaux-sapins/", "projets/sapins-2026/"):
        html = read(site, url)
        start = html.index('id="i-projet-mbs-2026-rapport-t1"')
        card = html[start : html.index("</article>", start)]
        (href,) = re.findall(r'<a href="([^"]+)">mbs-2026-rapport-audience-t1\.pdf</a>', card)
        assert (site / url / unquote(href)).resolve().read_bytes()[:5] == b"%PDF-"
        assert 'data-carnet-copy="projet-mbs-2026-rapport-t1"' in card, "the card's id too"


@pytest.mark.browser
def test_the_copy_button_copies_the_id_at_both_widths(site: Path, tmp_path: Path) -> None:
    from browser import browser, serve

    with serve(site) as base, browser() as chromium:
        context = chromium.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        for width, height in ((1366, 900), (390, 844)):
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": height})
            page.goto(base + "societes/hotel-bellecour/")
            button = page.locator(".carnet-id button.carnet-copy")
            assert button.is_visible() and button.inner_text() == "Copier"
            button.click()
            page.locator(".carnet-id button.carnet-copy", has_text="Copié").wait_for(timeout=5000)
            assert page.evaluate("navigator.clipboard.readText()") == "hotel-bellecour"
            line = page.locator(".carnet-id").bounding_box()
            assert line is not None and line["x"] + line["width"] <= width
            page.close()
