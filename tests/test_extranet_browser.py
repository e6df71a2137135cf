"""Extranet pages, sealed search index and sealed attachments; in Chromium too."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from markupsafe import escape
from test_extranet_build import PASSWORDS, _open, build_of, run, site_key

from generator.book.variants import with_entry
from generator.extranet.attachments import pack, record_attachments, unpack
from generator.extranet.build import build_extranet
from generator.extranet.crypto import file_aad, search_aad
from generator.extranet.names import OpaqueNames
from generator.extranet.pages import plan_listings
from generator.extranet.scope import scoped_to
from generator.extranet.search import page_entries
from generator.load import load
from generator.testing import load_yaml

SAPINS = "sapins-2026"
PDF = ROOT / "data" / "documents" / "mbs-2026-rapport-audience-t1.pdf"
REPORT = "Mes Beaux Sapins 2026 / Rapport d'audience T1 / Publier sur l'extranet"
TICKET = "Boutique en ligne / Paiement CB refusé / 202611241615"


@pytest.fixture(scope="module")
def book():
    result = load(ROOT, today=TODAY, use_cache=False)
    assert result.book is not None
    return result.book


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("extranet-features") / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    result = run(repo, SAPINS)
    assert result.exit_code == 0, result.output
    return repo / "build" / "extranet" / SAPINS


def bodies(site: Path) -> dict[str, str]:
    """Every page's decrypted body, by file name."""
    password = PASSWORDS["CARNET_EXTRANET_SAPINS"]
    return {p.name: _open(p, password) for p in sorted(site.glob("*.html"))}


def sealed_index(site: Path) -> list[dict[str, str]]:
    html = (site / "index.html").read_text(encoding="utf-8")
    path = re.search(r'<meta name="carnet-search" content="([^"]+)">', html).group(1)
    key = site_key(site, PASSWORDS["CARNET_EXTRANET_SAPINS"])
    plain = key.decrypt((site / path).read_bytes(), search_aad(build_of(site)))
    return json.loads(plain.decode("utf-8"))


def test_one_page_per_kind_with_opaque_names(site: Path, book) -> None:
    pages = bodies(site)
    assert {"index.html", "404.html"} < set(pages)
    assert all(re.fullmatch(r"p[0-9a-f]{12}\.html|index\.html|404\.html", n) for n in pages)
    titles = {n: re.search(r"<h1[^>]*>(.*?)</h1>", b).group(1) for n, b in pages.items()}
    assert sorted(t for n, t in titles.items() if n.startswith("p")) == [
        "Documents",
        "Nouveautés",
        "Projet",
        "Support",
    ]
    (support,) = [n for n, t in titles.items() if t == "Support"]
    scoped = scoped_to(book, SAPINS)
    tickets = [e for e in scoped.interactions.values() if e.record.kind == "support"]
    assert tickets and all(e.record.subject in pages[support] for e in tickets)
    assert all(e.id not in pages[support] for e in tickets), "no record id, even inside"
    assert f'href="{support}"' in pages["index.html"], "home links the kind pages"
    for name in set(pages) - {"404.html"}:  # every page's navigation lists the others
        assert all(f'href="{o}"' in pages[name] for o in set(titles) - {name, "404.html"})


def test_a_kind_with_many_interactions_over_years_gets_a_page_a_year() -> None:
    files = {
        "data/projects/p.yaml": """\
            title: P
            extranet: {enabled: true, kinds: [support]}
            """,
    }
    for year in (2024, 2025, 2026):
        for n in range(2):
            files[f"data/interactions/t-{year}-{n}.yaml"] = f"""\
                kind: support
                type: "Support - 1 - Diagnostic"
                user: benoit
                subject: Ticket {year} {n}
                date: {year}-03-0{n + 1}
                project: p
                state: open
                """
    result = load_yaml(files)
    assert result.book is not None, result.problems
    scoped = scoped_to(result.book, "p")
    (kept,) = plan_listings(scoped, ["support"], OpaqueNames(), limit=6)
    assert [p.title for p in kept] == ["Support"]
    (split,) = plan_listings(scoped, ["support"], OpaqueNames(), limit=5)
    assert [p.title for p in split] == ["Support — 2026", "Support — 2025", "Support — 2024"]
    assert [e.record.subject for e in split[1].entries] == ["Ticket 2025 1", "Ticket 2025 0"]
    assert len({p.file for p in split}) == 3


def test_search_index_is_sealed_and_holds_the_pages(site: Path, book) -> None:
    entries = sealed_index(site)
    by_title = {e["t"]: e for e in entries}
    assert TICKET in by_title and by_title[TICKET]["p"] == "Support"
    page, anchor = by_title[TICKET]["u"].split("#")
    assert (site / page).is_file() and f'id="{anchor}"' in _open(
        site / page, PASSWORDS["CARNET_EXTRANET_SAPINS"]
    )
    assert "Nouveautés" in {e["p"] for e in entries} and "Interlocuteurs" in by_title
    text = json.dumps(entries, ensure_ascii=False)
    scoped = scoped_to(book, SAPINS)
    for key, entry in book.interactions.items():
        if key not in scoped.interactions:
            assert entry.record.subject not in text, key
        if entry.record.internal_note:
            assert entry.record.internal_note not in text
    assert "¶" not in text and "Se déconnecter" not in text


def test_search_sections() -> None:
    """The index reads Carnet's own markers, whatever the theme wraps around them."""
    html = (
        '<nav><a>Projet</a></nav><main class="some-theme"><div class="wrapper">'
        "<!-- carnet:content -->\n<h1>Support</h1><p>Intro<br>suite</p>"
        '<article class="carnet-event" id="e1" data-carnet-title="Ticket A"><p>Écran noir</p></article>'
        '<p>après</p><h2 id="autre">Autre <a class="headerlink" href="#autre">¶</a></h2><p>fin</p>'
        "\n<!-- /carnet:content --></div></main><footer>pied</footer>"
    )
    unmarked = '<article class="md-content__inner md-typeset"><h1>Support</h1></article>'
    assert page_entries(unmarked, "p1.html") == []
    assert page_entries(html, "p1.html") == [
        {"t": "Support", "p": "Support", "u": "p1.html", "x": "Intro suite après"},
        {"t": "Ticket A", "p": "Support", "u": "p1.html#e1", "x": "Écran noir"},
        {"t": "Autre", "p": "Support", "u": "p1.html#autre", "x": "fin"},
    ]


def test_attachments_are_sealed_with_their_name(site: Path) -> None:
    key = site_key(site, PASSWORDS["CARNET_EXTRANET_SAPINS"])
    pages = bodies(site)
    links = set(
        re.findall(r'data-carnet-blob="(c/[0-9a-f]{32})">([^<]+)</a>', "".join(pages.values()))
    )
    ((blob, _name),) = {(b, n) for b, n in links if n == PDF.name}  # card and « Documents »
    header, data = unpack(key.decrypt((site / blob).read_bytes(), file_aad(build_of(site), blob)))
    assert header == {"name": PDF.name, "type": "application/pdf"}
    assert data == PDF.read_bytes()
    assert escape(REPORT) in next(b for b in pages.values() if "<h1>Documents</h1>" in b)
    assert unpack(pack("é.txt", b"x")) == ({"name": "é.txt", "type": "text/plain"}, b"x")


def test_issued_documents_ship_as_their_exact_pdfs(site: Path, book) -> None:
    key = site_key(site, PASSWORDS["CARNET_EXTRANET_SAPINS"])
    pages = "".join(bodies(site).values())
    links = dict(
        (name, blob)
        for blob, name in re.findall(r'data-carnet-blob="(c/[0-9a-f]{32})">([^<]+)</a>', pages)
    )
    rendered = site.parent.parent / "documents"
    # the Mes Beaux Sapins order, its invoice and the credit note; never the draft quote
    assert {"C2026-0002.pdf", "F2026-0005.pdf", "F2026-0006.pdf"} <= set(links)
    assert not any("brouillon" in name for name in links)
    assert "devis-accompagnement-2027-mbs" not in pages
    for name in ("F2026-0005.pdf", "F2026-0006.pdf"):
        blob = (site / links[name]).read_bytes()
        header, data = unpack(key.decrypt(blob, file_aad(build_of(site), links[name])))
        assert header == {"name": name, "type": "application/pdf"}
        assert data == (rendered / name).read_bytes()
    documents_page = next(b for b in bodies(site).values() if "<h1>Documents</h1>" in b)
    assert "Facture F2026-0005" in documents_page and "Avoir F2026-0006" in documents_page
    purchases = [e for e in book.interactions.values() if e.record.kind == "purchase"]
    assert all(e.id not in scoped_to(book, SAPINS).interactions for e in purchases)


def test_attachments_of_other_projects_or_missing_files_are_refused(book, tmp_path: Path) -> None:
    other = next(k for k, e in book.interactions.items() if e.record.project != SAPINS)
    out = tmp_path / "out" / SAPINS
    with pytest.raises(ValueError, match="hors de l'extranet"):
        build_extranet(
            book, SAPINS, out, "x" * 16, iterations=1000, attachments={other: [("a.pdf", PDF)]}
        )
    inside = next(iter(scoped_to(book, SAPINS).interactions))
    with pytest.raises(ValueError, match="introuvable"):
        build_extranet(
            book,
            SAPINS,
            out,
            "x" * 16,
            iterations=1000,
            attachments={inside: [("a.pdf", tmp_path / "absent.pdf")]},
        )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    built = build_extranet(
        book,
        SAPINS,
        out,
        "x" * 16,
        iterations=1000,
        attachments={inside: [("Facture F2026-0001.pdf", PDF)]},
    )
    assert built.files == 1 and sorted(p.name for p in (tmp_path / "out").iterdir()) == [SAPINS]


def test_record_attachments_must_be_files_under_data_documents(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    task = tmp_path / "data" / "interactions" / "2026" / "projet-mbs-2026-rapport-t1.yaml"
    text = task.read_text(encoding="utf-8")
    assert "attachment: data/documents/" in text
    task.write_text(text.replace(PDF.name, "absent.pdf"), encoding="utf-8")
    result = run(tmp_path, SAPINS)  # validate finds it first, at its line
    assert result.exit_code == 1 and "[path-missing]" in result.stderr
    assert "projet-mbs-2026-rapport-t1.yaml:10:13: error: attachment" in result.stderr
    assert not (tmp_path / "build" / "extranet" / SAPINS).exists()
    task.write_text(text, encoding="utf-8")
    book = load(tmp_path, today=TODAY, use_cache=False).book
    entry = book.interactions["projet-mbs-2026-rapport-t1"]
    record = entry.record.model_copy(update={"attachment": "data/settings.yaml"})
    book = with_entry(book, replace(entry, record=record))  # what validate refuses
    found, errors = record_attachments(scoped_to(book, SAPINS), tmp_path)
    assert not found and [error.message("fr") for error in errors] == [
        "data/interactions/2026/projet-mbs-2026-rapport-t1.yaml: "
        "pièce jointe hors de data/documents/ : data/settings.yaml"
    ]


@pytest.mark.browser
def test_pages_search_and_attachment_in_chromium(site: Path, tmp_path: Path) -> None:
    from browser import browser, serve

    hosted = tmp_path / "www"
    shutil.copytree(site, hosted / "clients" / "mbs")  # served from a sub-path
    with serve(hosted) as origin, browser() as chromium:
        base = origin + "clients/mbs/"
        context = chromium.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 800}
        )
        page = context.new_page()
        foreign: list[str] = []
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
        page.goto(base)
        page.fill("#carnet-unlock input", PASSWORDS["CARNET_EXTRANET_SAPINS"])
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=20000)

        page.click(".carnet-sections a:has-text('Support')")  # another page: no new prompt
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        assert page.locator("h1", has_text="Support").is_visible()
        assert page.locator("#carnet-unlock").count() == 0

        box = page.get_by_placeholder("Rechercher")
        box.fill("rapport audience t1")
        result = page.locator(".carnet-search__results a", has_text="Rapport d'audience T1")
        result.wait_for(timeout=10000)
        assert page.locator(".carnet-search__results a").first.inner_text() == REPORT
        box.fill("paiement refuse")  # accents and case folded
        page.locator(".carnet-search__results a", has_text="Paiement CB refusé").click()
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        assert re.search(r"/p[0-9a-f]{12}\.html#e[0-9a-f]{10}$", page.url)
        card = page.locator(f"article#{page.url.rsplit('#', 1)[1]}")
        assert TICKET in card.inner_text()
        box = page.get_by_placeholder("Rechercher")
        box.fill("zzz introuvable")
        page.locator(".carnet-search__results li", has_text="Aucun résultat").wait_for()

        page.goto(base)
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        page.click(".carnet-sections a:has-text('Documents')")
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        rendered = site.parent.parent / "documents" / "F2026-0005.pdf"
        for name, original in ((PDF.name, PDF), (rendered.name, rendered)):
            link = page.locator("a.carnet-attachment", has_text=name)
            with page.expect_download(timeout=20000) as event:
                link.click()
            download = event.value
            assert download.suggested_filename == name
            assert Path(download.path()).read_bytes() == original.read_bytes()
        assert not foreign, foreign


LOCK_PROBE = """() => {
  const field = document.querySelector('#carnet-unlock input[type=password]');
  const button = document.querySelector('#carnet-unlock button');
  const style = getComputedStyle(field);
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
  return {
    focused: document.activeElement === field,
    outline: [style.outlineStyle, parseFloat(style.outlineWidth)],
    border: [parseFloat(style.borderTopWidth), style.borderTopColor, style.backgroundColor],
    field: box(field), button: box(button),
    buttonColours: [getComputedStyle(button).backgroundColor, getComputedStyle(button).color],
    scroll: document.documentElement.scrollWidth,
    label: document.querySelector('label[for=carnet-password]').innerText,
    firm: document.querySelector('.carnet-lock__firm').innerText,
    lang: document.documentElement.lang,
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_the_lock_screen_is_branded_and_usable(site: Path, width: int, height: int) -> None:
    """A visible field with its focus ring, a visible button, the firm's name, in French,
    at desktop and phone widths; a wrong password says so."""
    from browser import browser, serve

    with serve(site) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": width, "height": height})
        page.goto(base)
        page.wait_for_selector("#carnet-unlock:not([hidden])", timeout=10000)
        probe = page.evaluate(LOCK_PROBE)
        assert probe["focused"], "the field has the focus"
        assert probe["outline"][0] != "none" and probe["outline"][1] >= 2, probe["outline"]
        border_width, border, background = probe["border"]
        assert border_width >= 1 and border != background, "a visible field"
        assert probe["buttonColours"][0] not in ("rgba(0, 0, 0, 0)", "transparent")
        for left, top, w, h in (probe["field"], probe["button"]):
            assert left >= 0 and left + w <= width and h >= 44 and w >= min(300, width - 60)
            assert top + h <= height, "above the fold"
        assert probe["scroll"] <= width, "no sideways scroll"
        assert probe["label"] == "Mot de passe" and probe["lang"] == "fr"
        assert probe["firm"] == "Atelier Dupont"
        text = page.inner_text("body")
        assert "Espace client" in text and "Mes Beaux Sapins" not in text
        assert "Sapins" not in text, "neither the project nor the client is named"
        page.fill("#carnet-unlock input", "pas le bon mot de passe")
        page.keyboard.press("Enter")
        message = page.locator("#carnet-message", has_text="Mot de passe incorrect")
        message.wait_for(timeout=20000)
        assert message.is_visible()


COVERED = """() => {
  const button = document.getElementById('carnet-logout').getBoundingClientRect();
  const bar = document.querySelector('.carnet-bar');
  const hits = [];
  for (const e of document.querySelectorAll('h1, h2, p, li, td, th, dt, dd, header, a')) {
    if (bar && bar.contains(e)) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || !e.checkVisibility()) continue;
    if (r.left < button.right && button.left < r.right && r.top < button.bottom && button.top < r.bottom)
      hits.push(e.tagName + ': ' + e.innerText.slice(0, 40));
  }
  return hits;
}"""


@pytest.mark.browser
def test_logout_never_covers_content_on_a_phone(site: Path) -> None:
    from browser import browser, serve

    pages = bodies(site)
    (support,) = [n for n, b in pages.items() if "<h1>Support</h1>" in b]
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 390, "height": 844})
        page.goto(base)
        page.fill("#carnet-unlock input", PASSWORDS["CARNET_EXTRANET_SAPINS"])
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=20000)
        for name in ("index.html", support):
            page.goto(base + name)
            page.wait_for_selector("html[data-unlocked]", timeout=10000)
            assert page.locator("#carnet-logout").is_visible(), "logout is at hand on top"
            total = page.evaluate("document.documentElement.scrollHeight")
            for y in range(0, total, 300):
                page.evaluate(f"window.scrollTo(0, {y})")
                assert page.evaluate(COVERED) == [], (name, y)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_extranet_names_no_class_of_the_theme() -> None:
    """Theme-agnostic (DESIGN rule 10): the extranet's scripts, styles, templates and code
    rely on Carnet's own class names only, never on Material's (``md-…``)."""
    folders = (ROOT / "site_templates" / "extranet", ROOT / "generator" / "extranet")
    theme_name = re.compile(r"[.\"' ]md-[a-z]|--md-")
    found = [
        f"{path.name}: {line.strip()}"
        for folder in folders
        for path in sorted(folder.iterdir())
        if path.is_file()
        for line in path.read_text(encoding="utf-8").splitlines()
        if theme_name.search(line)
    ]
    assert found == []
