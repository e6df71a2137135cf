"""Each ciphertext of an extranet opens only where it belongs.

Anyone can rearrange the files of a published extranet: swap two pages' payloads (the
« Nouveautés » page shown as the home page), put one attachment in place of another,
or the search index in place of a file. AES-GCM's associated data binds each
ciphertext to its page name (or sealed file name) and to the build: a swapped one
does not decrypt, in Python or in Chromium. And an extranet never shows itself inside
someone else's frame (clickjacking), where a meta CSP cannot say ``frame-ancestors``.
"""

from __future__ import annotations

import base64
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from generator.extranet.attachments import record_attachments
from generator.extranet.build import build_extranet
from generator.extranet.crypto import derive, file_aad, page_aad, search_aad
from generator.extranet.scope import scoped_to
from generator.load import load

from .conftest import ROOT, TODAY
from .extranet_open import build_id, open_pages, payload, site_key

SAPINS = "sapins-2026"
PASSWORD = "Sapins-de-Noel-2026-test"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's Sapins extranet with its record attachment (fast key derivation)."""
    book = load(ROOT, today=date.fromisoformat(TODAY), use_cache=False).book
    assert book is not None
    files, errors = record_attachments(scoped_to(book, SAPINS), ROOT)
    assert files and not errors
    out = tmp_path_factory.mktemp("crypto") / SAPINS
    build_extranet(book, SAPINS, out, PASSWORD, iterations=1000, attachments=files)
    return out


def _swap_payloads(site: Path, first: str, second: str) -> None:
    a, b = (site / first).read_text(encoding="utf-8"), (site / second).read_text(encoding="utf-8")
    pa, pb = payload(a), payload(b)
    (site / first).write_text(a.replace(pa, pb), encoding="utf-8")
    (site / second).write_text(b.replace(pb, pa), encoding="utf-8")


def _news_page(site: Path) -> str:
    pages = open_pages(site, PASSWORD)
    return next(name for name, body in pages.items() if "<h1>Nouveautés</h1>" in body)


def test_each_ciphertext_is_bound_to_its_page_and_build(site: Path) -> None:
    key = site_key(site, PASSWORD)
    build = build_id(site)
    assert re.fullmatch(r"[0-9a-f]{16,}", build)
    news = _news_page(site)
    home = base64.b64decode(payload((site / "index.html").read_text(encoding="utf-8")))
    assert key.decrypt(home, page_aad(build, "index.html"))
    with pytest.raises(InvalidTag):
        key.decrypt(home, page_aad(build, news))
    with pytest.raises(InvalidTag):
        key.decrypt(home, page_aad("0" * len(build), "index.html"))
    with pytest.raises(InvalidTag):
        key.decrypt(home, b"")
    sealed = sorted(p.relative_to(site).as_posix() for p in (site / "c").iterdir())
    index = re.search(
        r'<meta name="carnet-search" content="([^"]+)">', (site / "index.html").read_text()
    ).group(1)
    (attachment,) = [s for s in sealed if s != index]
    assert key.decrypt((site / index).read_bytes(), search_aad(build))
    assert key.decrypt((site / attachment).read_bytes(), file_aad(build, attachment))
    with pytest.raises(InvalidTag):  # the index served in place of the file
        key.decrypt((site / index).read_bytes(), file_aad(build, attachment))
    with pytest.raises(InvalidTag):
        key.decrypt((site / attachment).read_bytes(), search_aad(build))
    with pytest.raises(InvalidTag):  # the same file under another name
        key.decrypt((site / attachment).read_bytes(), file_aad(build, "c/" + "0" * 32))


def test_a_ciphertext_of_another_build_does_not_open_here(site: Path, tmp_path: Path) -> None:
    """Same password and salt (forced), another build: its pages don't open in this one."""
    key = site_key(site, PASSWORD)
    other = derive(PASSWORD, key.salt, key.iterations)
    blob = other.encrypt(b"<h1>autre version</h1>", page_aad("f" * 16, "index.html"))
    with pytest.raises(InvalidTag):
        key.decrypt(blob, page_aad(build_id(site), "index.html"))


@pytest.mark.browser
def test_swapped_pages_do_not_open_in_chromium(site: Path, tmp_path: Path) -> None:
    from browser import browser, serve

    hosted = tmp_path / "www"
    shutil.copytree(site, hosted)
    news = _news_page(site)
    _swap_payloads(hosted, "index.html", news)
    with serve(hosted) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base)
        page.fill("#carnet-unlock input", PASSWORD)
        page.click("#carnet-unlock button")
        page.locator("#carnet-message", has_text="altérée").wait_for(timeout=20000)
        assert not page.evaluate("document.documentElement.dataset.unlocked")
        assert "Nouveautés" not in page.inner_text("body")
        page.goto(base + news)
        page.wait_for_selector("#carnet-unlock:not([hidden]), #carnet-message:not([hidden])")
        assert not page.evaluate("document.documentElement.dataset.unlocked")


@pytest.mark.browser
def test_the_extranet_does_not_show_itself_in_a_frame(site: Path, tmp_path: Path) -> None:
    from browser import browser, serve

    hosted = tmp_path / "www"
    shutil.copytree(site, hosted / "x")
    (hosted / "cadre.html").write_text(
        '<!doctype html><title>Jeu</title><iframe id="f" src="x/index.html"></iframe>'
    )
    with serve(hosted) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "x/index.html")
        page.fill("#carnet-unlock input", PASSWORD)
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=20000)
        page.goto(base + "cadre.html")  # same tab: the key is in its sessionStorage
        frame = page.frame_locator("#f")
        frame.locator("#carnet-message", has_text="cadre").wait_for(timeout=10000)
        inner = page.frames[1]
        assert not inner.evaluate("document.documentElement.dataset.unlocked")
        assert "Mes Beaux Sapins" not in inner.inner_text("body")
        assert inner.locator("#carnet-unlock").is_hidden()
