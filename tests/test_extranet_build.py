"""Client extranets: built from the example business, sealed, opened in Chromium."""

from __future__ import annotations

import base64
import functools
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, TODAY
from leaks import assert_absent, out_files, record_texts

from generator.cli.main import main
from generator.extranet.crypto import derive, page_aad
from generator.extranet.scope import scoped_to
from generator.load import load

PASSWORDS = {
    "CARNET_EXTRANET_SAPINS": "Sapins-de-Noel-2026-test",
    "CARNET_EXTRANET_BROTTEAUX": "Garage-Brotteaux-2026-test",
}


def run(repo: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner(env=env if env is not None else PASSWORDS).invoke(
        main,
        ["--repo", str(repo), "--today", TODAY.isoformat(), "extranet", *args],
        catch_exceptions=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("extranet") / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    result = run(repo)
    assert result.exit_code == 0, result.output
    return repo


def test_each_enabled_project_gets_its_extranet(built: Path) -> None:
    assert sorted(p.name for p in (built / "build" / "extranet").iterdir()) == [
        "sapins-2026",
        "site-garage-brotteaux",
    ]


def test_nothing_readable_and_nothing_out_of_scope_in_the_output(built: Path) -> None:
    book = load(ROOT, today=TODAY, use_cache=False).book
    for project_id in ("sapins-2026", "site-garage-brotteaux"):
        site = built / "build" / "extranet" / project_id
        blob = b"\n".join(p.read_bytes() for p in out_files(site))
        names = "\n".join(p.relative_to(site).as_posix() for p in out_files(site))
        scoped = scoped_to(book, project_id)
        kinds = ("company", "contact", "project", "interaction", "product")
        secrets = record_texts(e for kind in kinds for e in book.by_kind(kind).values())
        assert_absent(site, secrets, project_id)
        assert project_id not in names
        assert scoped.interactions, "the extranet has content to hide"
        sealed = [p for p in out_files(site) if p.parent == site / "c"]
        shipped = [rel for e in scoped.interactions.values() for rel in e.record.attached]
        documents = [e for e in scoped.interactions.values() if e.record.document is not None]
        assert documents, "issued documents ship with the extranet"
        feeds = int(any(e.record.start is not None for e in scoped.interactions.values()))
        assert len(sealed) == 1 + len(shipped) + len(documents) + feeds, (
            "the search index, each attachment, each document's PDF and the project's "
            "calendar (when it has timed interactions), sealed"
        )
        for pdf in (built / "build" / "documents").glob("*.pdf"):
            original = pdf.read_bytes()
            for chunk in (original[-64:], original[len(original) // 2 :][:64]):
                assert chunk not in blob, (project_id, pdf.name)
        assert all("." not in p.name for p in sealed)
        assert b"%PDF" not in blob and "search" not in names.replace("workers/search.", "")
        for entry in book.interactions.values():
            for rel in entry.record.attached:
                original = (ROOT / rel).read_bytes()
                for chunk in (original[:64], original[len(original) // 2 :][:64], original[-64:]):
                    assert chunk not in blob, (project_id, rel)
                name = Path(rel).name
                assert name.encode() not in blob and Path(name).stem not in names
    assert any(e.record.attached for e in scoped_to(book, "sapins-2026").interactions.values()), (
        "the example ships an attachment"
    )


def test_a_list_of_attachments_ships_each_file(tmp_path: Path) -> None:
    """``attachments:`` (a list) ships every file, as ``attachment:`` ships its one."""
    from generator.extranet.attachments import record_attachments

    shutil.copytree(ROOT / "data", tmp_path / "data")
    task = tmp_path / "data" / "interactions" / "2026" / "projet-mbs-2026-rapport-t2.yaml"
    (tmp_path / "data" / "documents" / "mbs-2026-rapport-audience-t2.pdf").write_bytes(b"%PDF-t2")
    (tmp_path / "data" / "documents" / "mbs-2026-annexe-t2.pdf").write_bytes(b"%PDF-annexe")
    task.write_text(
        task.read_text(encoding="utf-8")
        + "attachments:\n  - data/documents/mbs-2026-rapport-audience-t2.pdf\n"
        + "  - data/documents/mbs-2026-annexe-t2.pdf\n",
        encoding="utf-8",
    )
    book = load(tmp_path, today=TODAY, use_cache=False).book
    assert book is not None
    found, errors = record_attachments(scoped_to(book, "sapins-2026"), tmp_path)
    assert not errors
    assert [name for name, _ in found["projet-mbs-2026-rapport-t2"]] == [
        "mbs-2026-rapport-audience-t2.pdf",
        "mbs-2026-annexe-t2.pdf",
    ]
    assert [name for name, _ in found["projet-mbs-2026-rapport-t1"]] == [
        "mbs-2026-rapport-audience-t1.pdf"
    ]
    result = run(tmp_path, "sapins-2026")
    assert result.exit_code == 0, result.output
    sealed = list((tmp_path / "build" / "extranet" / "sapins-2026" / "c").iterdir())
    scoped = scoped_to(book, "sapins-2026")
    documents = [e for e in scoped.interactions.values() if e.record.document is not None]
    assert len(sealed) == 1 + 3 + len(documents)  # index, three attachments, the PDFs


def test_pages_are_sealed(built: Path) -> None:
    site = built / "build" / "extranet" / "sapins-2026"
    assert not (site / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
    salts = set()
    nonces = set()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert re.findall(r"<title>(.*?)</title>", html) == ["Extranet"]
        assert "Content-Security-Policy" in html and "object-src 'none'" in html
        assert "base-uri 'none'" in html and "https://" not in html.split("</head>")[0]
        salt, iterations, build = _KDF.search(html).groups()
        assert int(iterations) >= 600_000 and len(build) >= 16
        salts.add(salt)
        payload = re.search(r'id="carnet-payload"[^>]*>([^<]+)<', html).group(1)
        nonces.add(base64.b64decode(payload)[:12])
    assert len(salts) == 1, "one salt per build"
    assert len(nonces) == len(list(site.rglob("*.html"))), "one nonce per page"


def test_a_new_build_draws_a_new_salt(tmp_path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    salts = []
    for _ in range(2):
        assert run(tmp_path, "sapins-2026").exit_code == 0
        html = (tmp_path / "build" / "extranet" / "sapins-2026" / "index.html").read_text()
        salts.append(re.search(r'name="carnet-kdf" content="([^:]+):', html).group(1))
    assert salts[0] != salts[1]


def test_passwords_missing_or_weak(tmp_path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = run(tmp_path, env={"CARNET_EXTRANET_SAPINS": "", "CARNET_EXTRANET_BROTTEAUX": ""})
    assert result.exit_code == 0 and "pas de mot de passe" in result.stderr
    assert run(tmp_path, "sapins-2026", env={"CARNET_EXTRANET_SAPINS": ""}).exit_code == 1
    weak = {"CARNET_EXTRANET_SAPINS": "court"}
    assert run(tmp_path, "sapins-2026", env=weak).exit_code == 1
    assert run(tmp_path, "sapins-2026", "--allow-weak-password", env=weak).exit_code == 0
    (tmp_path / ".carnet-secrets.yaml").write_text("sapins-2026: 'Un secret bien long 2026'\n")
    assert run(tmp_path, "sapins-2026", env={"CARNET_EXTRANET_SAPINS": ""}).exit_code == 0


@pytest.mark.browser
def test_unlock_in_chromium(built: Path, tmp_path: Path) -> None:
    from browser import browser, serve

    site = tmp_path / "site"
    shutil.copytree(built / "build" / "extranet" / "sapins-2026", site)
    password = PASSWORDS["CARNET_EXTRANET_SAPINS"]
    with serve(site) as base, browser() as chromium:
        context = chromium.new_context()
        page = context.new_page()
        foreign: list[str] = []
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
        page.goto(base)
        assert "Mes Beaux Sapins" not in page.content()
        page.fill("#carnet-unlock input", "pas le bon mot de passe")
        page.click("#carnet-unlock button")
        page.locator("#carnet-message", has_text="incorrect").wait_for(timeout=20000)
        assert "Mes Beaux Sapins" not in page.inner_text("body")
        page.fill("#carnet-unlock input", password)
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=20000)
        assert "Mes Beaux Sapins" in page.inner_text("h1")
        stored = page.evaluate("Object.values(sessionStorage)")
        assert stored and password not in stored[0]
        assert page.evaluate("localStorage.length") == 0 and context.cookies() == []
        page.goto(base + "index.html")  # another page load: no new prompt
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        page.click("#carnet-logout")
        page.wait_for_selector("#carnet-unlock:not([hidden])", timeout=10000)
        other = chromium.new_context().new_page()  # a new browser context prompts again
        other.goto(base)
        other.wait_for_selector("#carnet-unlock:not([hidden])", timeout=10000)
        assert not foreign, foreign

    index = site / "index.html"
    html = index.read_text(encoding="utf-8")
    start = html.index('id="carnet-payload"')
    start = html.index(">", start) + 40
    flipped = "A" if html[start] != "A" else "B"
    index.write_text(html[:start] + flipped + html[start + 1 :], encoding="utf-8")
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base)
        page.fill("#carnet-unlock input", password)
        page.click("#carnet-unlock button")
        page.locator("#carnet-message", has_text="altérée").wait_for(timeout=20000)
        assert not page.evaluate("document.documentElement.dataset.unlocked")


@functools.cache
def _derive(password: str, salt: str, iterations: int):
    return derive(password, base64.b64decode(salt), iterations)


_KDF = re.compile(r'name="carnet-kdf" content="([^:]+):(\d+):([0-9a-f]+)"')


def site_key(site: Path, password: str):
    """The key of a sealed extranet, derived from ``password`` as the browser does."""
    salt, iterations, _build = _KDF.search((site / "index.html").read_text()).groups()
    return _derive(password, salt, int(iterations))


def build_of(site: Path) -> str:
    """The build id a sealed extranet's ciphertexts are bound to."""
    return _KDF.search((site / "index.html").read_text(encoding="utf-8")).group(3)


def _open(page: Path, password: str) -> str:
    """Decrypt a sealed page's body with ``password`` (as the browser does)."""
    html = page.read_text(encoding="utf-8")
    salt, iterations, build = _KDF.search(html).groups()
    key = _derive(password, salt, int(iterations))
    payload = re.search(r'id="carnet-payload"[^>]*>([^<]+)<', html).group(1)
    return key.decrypt(base64.b64decode(payload), page_aad(build, page.name)).decode("utf-8")


def test_news_lists_changes_with_current_values_only(tmp_path) -> None:
    from test_site_build import _git

    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    task = repo / "data" / "interactions" / "2026" / "projet-brotteaux-photos-atelier.yaml"
    text = task.read_text(encoding="utf-8")
    task.write_text(
        text.replace(
            "next_step: Caler une date avec le photographe et M. Morel",
            "next_step: Appeler Yann Le Gall, notre photographe",
        ),
        encoding="utf-8",
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Reprise", when="2026-11-01T09:00:00")
    task.write_text(text, encoding="utf-8")
    _git(repo, "commit", "-qam", "Ne pas nommer le sous-traitant", when="2026-11-20T10:00:00")
    assert run(repo, "site-garage-brotteaux").exit_code == 0
    site = repo / "build" / "extranet" / "site-garage-brotteaux"
    pages = [p for p in site.glob("*.html") if p.name not in ("index.html", "404.html")]
    assert all(re.fullmatch(r"p[0-9a-f]{12}\.html", p.name) for p in pages)
    bodies = [_open(p, PASSWORDS["CARNET_EXTRANET_BROTTEAUX"]) for p in pages]
    (news,) = [b for b in bodies if "<h1>Nouveautés</h1>" in b]
    assert "Nouveautés" in news and "Étape suivante" in news
    assert "Caler une date avec le photographe" in news
    assert "Le Gall" not in news, "a past value reached the client"
    assert "Ne pas nommer" not in news and "Benoît" not in news.split("<h1>Nouveautés</h1>")[1]
