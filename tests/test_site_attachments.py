"""Attached files on the internal site: listed and linked on the interaction's card,
copied into the site (changed ones only), never served as a page of the site."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser import browser, serve
from conftest import ROOT, TODAY
from test_site_build import read

from generator.book.variants import with_entry
from generator.load import load
from generator.site.attachments import SITE_FOLDER, site_name, sync_attachments

SEANCES = "formation-html-seances"
FILES = (
    "data/documents/formation-html-2026/programme.pdf",
    "data/documents/formation-html-2026/emargement-juin-2026.pdf",
)


def _card(html: str, record_id: str) -> str:
    start = html.index(f'id="i-{record_id}"')
    return html[start : html.index("</article>", start)]


def test_the_card_lists_and_links_every_attached_file(site: Path) -> None:
    for page in ("projets/formation-html-2026/", "contacts/nathalie-dumas/"):
        card = _card(read(site, page), SEANCES)
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', card.split("Pièces jointes", 1)[1])
        assert [unescape(name) for _, name in links] == [Path(f).name for f in FILES]
        for (href, _), rel in zip(links, FILES, strict=True):
            target = (site / page / unquote(href)).resolve()
            assert target == (site / SITE_FOLDER / site_name(rel)).resolve()
            assert target.read_bytes() == (ROOT / rel).read_bytes()
    card = _card(read(site, "projets/sapins-2026/"), "projet-mbs-2026-rapport-t1")
    assert "mbs-2026-rapport-audience-t1.pdf</a>" in card  # the one-file form


def test_files_a_browser_would_run_are_never_served_as_they_are() -> None:
    assert site_name("data/documents/2026/devis.pdf") == "2026/devis.pdf"
    for name in ("page.html", "x.HTM", "logo.svg", "notes.md", "a.xml", "run.js", "noext"):
        assert site_name(f"data/documents/{name}") == f"{name}.bin"


def test_copies_are_incremental_and_removed_when_no_longer_attached(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    book = load(repo, today=TODAY, use_cache=False).book
    docs, out = tmp_path / "stage" / "docs", tmp_path / "site"
    (out / SITE_FOLDER / "formation-html-2026").mkdir(parents=True)
    assert sync_attachments(book, repo, docs, out) == 3
    assert sync_attachments(book, repo, docs, out) == 0  # nothing changed, nothing copied
    copy = docs / SITE_FOLDER / "formation-html-2026" / "programme.pdf"
    source = repo / FILES[0]
    source.write_bytes(source.read_bytes() + b"\n% revu\n")
    assert sync_attachments(book, repo, docs, out) == 1
    assert copy.read_bytes() == source.read_bytes()
    # MkDocs copied it to the site earlier; the interaction now attaches one file only
    built = out / SITE_FOLDER / "formation-html-2026" / "programme.pdf"
    built.write_bytes(b"old copy")
    entry = book.interactions[SEANCES]
    record = entry.record.model_copy(update={"attachments": [FILES[1]]})
    assert sync_attachments(with_entry(book, replace(entry, record=record)), repo, docs, out) == 0
    assert not copy.exists() and not built.exists()
    assert (docs / SITE_FOLDER / "formation-html-2026" / "emargement-juin-2026.pdf").exists()


def test_a_stale_copy_is_never_removed_through_a_link(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    book = load(repo, today=TODAY, use_cache=False).book
    docs, out = tmp_path / "stage" / "docs", tmp_path / "site"
    sync_attachments(book, repo, docs, out)
    victim = tmp_path / "elsewhere"
    (victim / "formation-html-2026").mkdir(parents=True)
    (victim / "formation-html-2026" / "programme.pdf").write_bytes(b"keep me")
    out.mkdir(exist_ok=True)
    os.symlink(victim, out / SITE_FOLDER)
    entry = book.interactions[SEANCES]
    record = entry.record.model_copy(update={"attachments": [FILES[1]]})
    sync_attachments(with_entry(book, replace(entry, record=record)), repo, docs, out)
    assert (victim / "formation-html-2026" / "programme.pdf").read_bytes() == b"keep me"


@pytest.mark.browser
def test_the_card_in_chromium(site: Path, tmp_path: Path) -> None:
    """The attachments read as a list of links on the card, at desktop and phone widths,
    and the PDF they lead to is served."""
    with serve(site) as base, browser() as chromium:
        for width in (1366, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "projets/formation-html-2026/")
            card = page.locator(f"#i-{SEANCES}")
            links = card.locator(".carnet-attachments a")
            assert links.all_inner_texts() == [Path(f).name for f in FILES]
            card.screenshot(path=str(tmp_path / f"card-{width}.png"))
            for link in links.all():  # wrapped on a phone, never cut by the card's edge
                box, edge = link.bounding_box(), card.bounding_box()
                assert box is not None and edge is not None
                assert box["x"] + box["width"] <= edge["x"] + edge["width"] + 1
            response = page.request.get(links.first.evaluate("a => a.href"))
            assert response.ok and response.body()[:5] == b"%PDF-"
            page.close()
