"""The extranet's lock screen names the firm (name, logo), never the project or the
client; « Nouveautés » dates imported records by their own date."""

from __future__ import annotations

import base64
import io
import re
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from test_extranet_build import PASSWORDS, _open, run
from test_site_build import _git

from generator.extranet.brand import Brand, firm_brand, logo_uri
from generator.extranet.build import build_extranet
from generator.extranet.news import news
from generator.extranet.scope import scoped_to
from generator.load import load
from generator.locale import long_date

SAPINS = "sapins-2026"
REPORT = "projet-mbs-2026-rapport-t1"
REPORT_SUBJECT = "Mes Beaux Sapins 2026 / Rapport d&#39;audience T1 / Publier sur l&#39;extranet"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example imported in one commit, then one field changed in a second."""
    repo = tmp_path_factory.mktemp("news") / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Import", when="2026-11-25T09:00:00")
    task = repo / "data" / "interactions" / "2026" / f"{REPORT}.yaml"
    text = task.read_text(encoding="utf-8")
    task.write_text(text.replace("state: done", "state: in_progress"), encoding="utf-8")
    assert task.read_text(encoding="utf-8") != text
    _git(repo, "commit", "-qam", "Rapport repris", when="2026-11-25T15:00:00")
    return repo


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 121, 107)).save(out, format="PNG")
    return out.getvalue()


def test_imported_records_carry_their_own_date(repo: Path) -> None:
    result = load(repo, today=TODAY, with_history=True, use_cache=False)
    assert result.book is not None and result.history is not None
    scoped = scoped_to(result.book, SAPINS)
    items = news(scoped, result.history)
    created = [n for n in items if n.created]
    assert created, "imported records are listed"
    for item in created:
        record = item.entry.record
        assert not isinstance(item.when, datetime), (item.entry.id, item.when)
        if item.entry in scoped.projects.values():
            assert item.when == record.start == date(2026, 1, 1)
        else:
            assert item.entry.id in scoped.interactions, "companies and contacts have no date"
            document = record.document
            assert item.when == (document.issued if document and document.issued else record.date)
        assert item.when <= TODAY, "a planned record is not news yet"
    assert any(n.entry.record.document is not None for n in created)
    (changed,) = [n for n in items if not n.created]
    assert changed.entry.id == REPORT and changed.label == "État"
    assert changed.when == datetime.fromisoformat("2026-11-25T15:00:00").astimezone(
        changed.when.tzinfo
    )
    days = [n.when.date() if isinstance(n.when, datetime) else n.when for n in items]
    assert days == sorted(days, reverse=True) and items[0] is changed


def test_the_news_page_shows_the_records_own_dates(repo: Path) -> None:
    result = run(repo, SAPINS)
    assert result.exit_code == 0, result.output
    site = repo / "build" / "extranet" / SAPINS
    (page,) = [
        b
        for p in site.glob("p*.html")
        if "<h1>Nouveautés</h1>" in (b := _open(p, PASSWORDS["CARNET_EXTRANET_SAPINS"]))
    ]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", page)
    created = {title: when for when, title, change in rows if change == "création"}
    assert created["Extranet client / Mes Beaux Sapins"] == long_date(date(2026, 1, 1), "fr")
    assert created[REPORT_SUBJECT] == long_date(date(2026, 4, 10), "fr")
    assert not [t for t, when in created.items() if " à " in when], "no import commit's time"
    assert "création" not in {c for w, t, c in rows if t == "Mes Beaux Sapins"}
    # the header after unlock names the firm's client area, never the bare theme default
    assert "Atelier Dupont — Espace client" in page


def test_the_lock_screen_names_the_firm_with_its_logo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    (repo / "data" / "logo.png").write_bytes(_png(1200, 400))
    book = load(repo, today=TODAY, use_cache=False).book
    assert book is not None
    firm = book.settings.firm.model_copy(update={"logo": "data/logo.png"})
    brand = firm_brand(
        replace(book, settings=book.settings.model_copy(update={"firm": firm})), repo
    )
    assert brand.name == "Atelier Dupont" and brand.logo is not None
    assert brand.logo.startswith("data:image/png;base64,")
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(brand.logo.split(",", 1)[1]))) as logo:
        assert logo.size == (480, 160), "re-encoded, small"
    out = tmp_path / "out" / SAPINS
    build_extranet(book, SAPINS, out, "x" * 16, iterations=1000, brand=brand)
    project = book.projects[SAPINS].record
    clients = [book.companies[link.id].record.name for link in project.companies]
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        lock = html[html.index("<body") : html.index('id="carnet-payload"')]
        assert '<p class="carnet-lock__firm">Atelier Dupont</p>' in lock
        assert '<img class="carnet-lock__logo" src="data:image/png;base64,' in lock
        assert "Espace client" in lock and 'for="carnet-password"' in lock
        for name in (project.title, *clients, "Sapins"):
            assert name not in lock, name
    assert not [p for p in out.rglob("*") if "logo" in p.name], "the logo is no file"


def test_a_hostile_logo_never_becomes_a_file_of_the_extranet(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "secret.png").write_bytes(_png(10, 10))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    (tmp_path / "data" / "logo.svg").write_bytes(svg)
    (tmp_path / "data" / "fake.png").write_bytes(b"<html><script>alert(1)</script></html>")
    (tmp_path / "data" / "big.svg").write_bytes(b"<svg>" + b" " * 100_000 + b"</svg>")
    assert logo_uri(tmp_path, "data/logo.svg") == (
        "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    ), "an SVG is only ever shown in an <img>"
    assert logo_uri(tmp_path, "secret.png") is None, "outside data/"
    assert logo_uri(tmp_path, "data/../secret.png") is None
    assert logo_uri(tmp_path, "data/fake.png") is None, "not an image"
    assert logo_uri(tmp_path, "data/big.svg") is None, "too large to repeat on every page"
    assert logo_uri(tmp_path, "data/absent.png") is None
    assert Brand("Atelier Dupont").logo is None
