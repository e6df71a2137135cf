"""Private projects in the internal site: out of every plain page, sealed for their
members in their own area, and `carnet build --as USER` for one user's plain copy."""

from __future__ import annotations

import base64
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, TODAY
from leaks import assert_absent, record_texts
from test_site_build import _git, build, make_repo

from generator.book.privacy import members_view, without_private
from generator.extranet.crypto import page_aad
from generator.extranet.keyring import open_slot
from generator.load import load

PRIVATE = "interne-recrutement-2026"
CLAIRE = "Claire ouvre le recrutement 2026 !"
KARIM = "Karim prepare le poste de travail 77"
ATTACHED = "grille-entretien-developpeur.pdf"
SECRETS = f'user/claire: "{CLAIRE}"\nuser/karim: "{KARIM}"\n'
_KDF = re.compile(r'name="carnet-kdf" content="([^:]+):(\d+):([0-9a-f]+)"')
_SLOTS = re.compile(r'name="carnet-people" content="([^"]+)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example's site, with a recent change to a private interaction in git."""
    repo = make_repo(tmp_path_factory.mktemp("private") / "repo")
    task = repo / "data" / "interactions" / "2026" / "projet-recrutement-accueil.yaml"
    task.write_text(
        task.read_text(encoding="utf-8").replace(
            "Préparer le poste de travail", "Préparer le poste et le badge"
        ),
        encoding="utf-8",
    )
    interview = repo / "data" / "interactions" / "2026" / "projet-recrutement-entretiens.yaml"
    interview.write_text(
        interview.read_text(encoding="utf-8") + f"attachment: data/documents/{ATTACHED}\n",
        encoding="utf-8",
    )
    shutil.copy(
        ROOT / "data" / "documents" / "mbs-2026-rapport-audience-t1.pdf",
        repo / "data" / "documents" / ATTACHED,
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Accueil du candidat retenu", when="2026-11-20T10:00:00")
    (repo / ".carnet-secrets.yaml").write_text(SECRETS, encoding="utf-8")
    result = build(CliRunner(), repo)
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture(scope="module")
def book():
    return load(ROOT, today=TODAY, use_cache=False).book


def private_texts(book) -> set[str]:
    """What a non-member must not read: the project's and its interactions' texts and
    ids, and their amounts."""
    entries = [book.projects[PRIVATE]]
    entries += [book.interactions[i] for i in book.interactions_by_project[PRIVATE]]
    texts = record_texts(entries) | {PRIVATE, "Recrutement", "recrutement", "badge", ATTACHED}
    texts |= {e.id for e in entries[1:]}
    return texts


def test_nothing_of_a_private_project_in_the_plain_site(built: Path, book) -> None:
    site = built / "build" / "site"
    texts = private_texts(book)
    assert len(texts) > 10
    assert_absent(site, texts, "internal site")
    pipelines = (site / "pipelines" / "index.html").read_text(encoding="utf-8")
    assert "Totaux hors projets privés" in pipelines
    changes = (site / "modifications" / "index.html").read_text(encoding="utf-8")
    assert "Accueil du candidat retenu" not in changes


def test_members_open_the_sealed_area_with_their_own_password(built: Path, book) -> None:
    site = built / "build" / "site"
    landing = (site / "projets-prives" / "index.html").read_text(encoding="utf-8")
    (area,) = re.findall(r'href="\.\./(prive/[0-9a-f]{16})/index\.html"', landing)
    index = (site / area / "index.html").read_text(encoding="utf-8")
    salt, iterations, build_id = _KDF.search(index).groups()
    assert int(iterations) >= 600_000
    slots = [base64.b64decode(s) for s in _SLOTS.search(index).group(1).split()]
    assert len(slots) == 4, "claire and karim, each by id and by e-mail"
    payload = re.search(r'id="carnet-payload"[^>]*>([^<]+)<', index).group(1)
    for identifier, password, user in (
        ("claire", CLAIRE, "claire"),
        ("karim@atelier-dupont.fr", KARIM, "karim"),
    ):
        opened = open_slot(
            slots, password, identifier, base64.b64decode(salt), build_id, int(iterations)
        )
        assert opened is not None and opened[1] == user
        body = opened[0].decrypt(base64.b64decode(payload), page_aad(build_id, "index.html"))
        assert "Recrutement développeur 2026" in body.decode("utf-8")
    assert open_slot(slots, CLAIRE, "karim", base64.b64decode(salt), build_id, 600_000) is None
    sealed = sorted((site / area / "c").iterdir())
    assert len(sealed) == 3, "the search index, the calendar and the interview's attachment"
    assert not (site / "pieces-jointes" / ATTACHED).exists()


def test_private_totals_and_members_view(book) -> None:
    public = without_private(book)
    assert PRIVATE not in public.projects and PRIVATE in book.projects
    assert not set(book.interactions_by_project[PRIVATE]) & set(public.interactions)
    assert public.pipeline_totals["project"] != book.pipeline_totals["project"]
    settings = book.settings.model_copy(update={"private_totals": True})
    from dataclasses import replace

    with_totals = without_private(replace(book, settings=settings))
    assert with_totals.pipeline_totals["project"] == book.pipeline_totals["project"]
    assert PRIVATE in members_view(book, "claire").projects
    assert PRIVATE not in members_view(book, "benoit").projects


def test_build_as_a_user(built: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    own = tmp_path / "claire"
    result = build(runner, built, "--as", "claire", "--out", str(own))
    assert result.exit_code == 0, result.output
    assert "Recrutement développeur 2026" in (own / "projets" / PRIVATE / "index.html").read_text(
        encoding="utf-8"
    )
    assert not (own / "prive").exists() and not (own / "projets-prives").exists()
    other = tmp_path / "benoit"
    assert build(runner, built, "--as", "benoit", "--out", str(other)).exit_code == 0
    assert not (other / "projets" / PRIVATE).exists()
    refused = build(runner, built, "--as", "claire")
    assert refused.exit_code == 2 and "--out" in refused.output
    unknown = build(runner, built, "--as", "clair", "--out", str(tmp_path / "x"))
    assert unknown.exit_code == 2 and "clair" in unknown.output


@pytest.mark.browser
def test_a_member_unlocks_once_in_chromium(built: Path) -> None:
    from browser import browser, serve

    site = built / "build" / "site"
    with serve(site) as base, browser() as chromium:
        page = chromium.new_context().new_page()
        page.goto(base + "projets-prives/")
        page.click("a.carnet-private-area")
        page.wait_for_selector("#carnet-unlock:not([hidden])", timeout=10000)
        assert "Recrutement" not in page.content()
        page.fill("#carnet-identifier", "claire@atelier-dupont.fr")
        page.fill("#carnet-password", CLAIRE)
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=30000)
        assert "Recrutement développeur 2026" in page.inner_text("h1")
        page.goto(base + "projets-prives/")  # back through the plain site: no new prompt
        page.click("a.carnet-private-area")
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        stranger = chromium.new_context().new_page()
        stranger.goto(page.url)
        stranger.fill("#carnet-identifier", "benoit")
        stranger.fill("#carnet-password", CLAIRE)
        stranger.click("#carnet-unlock button")
        stranger.locator("#carnet-message", has_text="incorrect").wait_for(timeout=30000)
        assert "Recrutement" not in stranger.inner_text("body")


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Each file below ``folder``: its bytes and its modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _opened_projects(site: Path, identifier: str, password: str) -> list[tuple[bytes, dict]]:
    """The project keys (and their facts) that ``identifier`` and ``password`` open among
    the site's slots (``prive/cles.json``), as carnet-private.js does."""
    import json

    from cryptography.exceptions import InvalidTag

    from generator.extranet.crypto import SiteKey
    from generator.extranet.keyring import person_key, wrap_aad

    landing = (site / "projets-prives" / "index.html").read_text(encoding="utf-8")
    salt, iterations = re.search(r'data-carnet-kdf="([^:"]+):(\d+)"', landing).groups()
    own = SiteKey(person_key(password, base64.b64decode(salt), identifier, int(iterations)), b"")
    opened = []
    for slot in json.loads((site / "prive" / "cles.json").read_text(encoding="utf-8")):
        try:
            plain = own.decrypt(base64.b64decode(slot), wrap_aad("private"))
        except InvalidTag:
            continue
        opened.append((plain[:32], json.loads(plain[32:])))
    return opened


def test_sealed_sections_open_with_a_members_key_only(built: Path) -> None:
    from generator.extranet.crypto import SiteKey
    from generator.site.private_sections import section_aad

    site = built / "build" / "site"
    (opened,) = _opened_projects(site, "claire", CLAIRE)
    key, facts = opened
    assert re.fullmatch(r"prive/[0-9a-f]{16}", facts["f"])
    assert _opened_projects(site, "benoit", CLAIRE) == []
    assert _opened_projects(site, "karim", CLAIRE) == []
    for page, url, expected in (
        ("projets/index.md", "projets", "Recrutement développeur 2026"),
        ("interactions/project.md", "interactions/project", "Préparer le poste et le badge"),
        ("pipelines/project.md", "pipelines/project", "Préparer le poste et le badge"),
        ("modifications.md", "modifications", "Préparer le poste et le badge"),
    ):
        html = (site / url / "index.html").read_text(encoding="utf-8")
        (blob,) = re.findall(r'data-carnet-sealed="([^"]+)"', html)
        fragment = SiteKey(key, b"").decrypt(base64.b64decode(blob), section_aad(page))
        assert expected in fragment.decode("utf-8")
        assert f'href="{"../" * url.count("/")}../{facts["f"]}/' in fragment.decode("utf-8")
    assert "data-carnet-sealed" not in (site / "societes" / "index.html").read_text(
        encoding="utf-8"
    )


def _copy(built: Path, target: Path) -> Path:
    """A copy of the built repository, built once in its place (the staging folder, and
    so the areas' salt, belongs to the site's folder)."""
    shutil.copytree(built, target, symlinks=True)
    assert build(CliRunner(), target).exit_code == 0
    return target


def test_an_unchanged_build_leaves_the_areas_as_they_are(built: Path, tmp_path: Path) -> None:
    repo = _copy(built, tmp_path / "repo")
    site = repo / "build" / "site"
    before = _files(site / "prive")
    lists = (site / "projets" / "index.html").read_bytes()
    started = time.perf_counter()
    assert build(CliRunner(), repo).exit_code == 0
    assert time.perf_counter() - started < 20
    assert _files(site / "prive") == before, "same bytes, not even written again"
    assert (site / "projets" / "index.html").read_bytes() == lists


def test_removing_a_member_or_changing_a_password_rotates_the_key(
    built: Path, tmp_path: Path
) -> None:
    repo = _copy(built, tmp_path / "repo")
    site = repo / "build" / "site"
    ((old_key, facts),) = _opened_projects(site, "karim", KARIM)
    project = repo / "data" / "projects" / f"{PRIVATE}.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace(
            "  - {user: karim, role: référent technique}\n", ""
        ),
        encoding="utf-8",
    )
    assert build(CliRunner(), repo).exit_code == 0
    assert _opened_projects(site, "karim", KARIM) == []
    index = (site / facts["f"] / "index.html").read_text(encoding="utf-8")
    salt, iterations, build_id = _KDF.search(index).groups()
    slots = [base64.b64decode(s) for s in _SLOTS.search(index).group(1).split()]
    assert len(slots) == 2, "claire alone, by id and by e-mail"
    for identifier in ("karim", "karim@atelier-dupont.fr"):
        assert (
            open_slot(slots, KARIM, identifier, base64.b64decode(salt), build_id, int(iterations))
            is None
        )
    ((new_key, _),) = _opened_projects(site, "claire", CLAIRE)
    assert new_key != old_key
    (repo / ".carnet-secrets.yaml").write_text(
        f'user/claire: "Claire change de mot de passe en 2027 !"\nuser/karim: "{KARIM}"\n',
        encoding="utf-8",
    )
    assert build(CliRunner(), repo).exit_code == 0
    assert _opened_projects(site, "claire", CLAIRE) == []
    ((newer_key, _),) = _opened_projects(site, "claire", "Claire change de mot de passe en 2027 !")
    assert newer_key not in (old_key, new_key)


@pytest.mark.browser
def test_a_member_sees_the_sealed_sections_in_chromium(built: Path) -> None:
    from browser import browser, serve

    site = built / "build" / "site"
    with serve(site) as base, browser() as chromium:
        stranger = chromium.new_context().new_page()
        stranger.goto(base + "interactions/project/")
        stranger.click(".carnet-private__unlock a")
        stranger.fill("input[name=username]", "benoit")
        stranger.fill("input[name=password]", CLAIRE)
        stranger.click(".carnet-private__form button")
        stranger.locator(".carnet-private__message", has_text="Aucun projet").wait_for(
            timeout=30000
        )
        assert "Recrutement" not in stranger.inner_text("body")
        page = chromium.new_context().new_page()
        page.goto(base + "interactions/project/")
        assert "Recrutement" not in page.inner_text("body")
        page.click(".carnet-private__unlock a")
        page.fill("input[name=username]", "claire@atelier-dupont.fr")
        page.fill("input[name=password]", CLAIRE)
        page.click(".carnet-private__form button")
        page.wait_for_selector("html[data-carnet-private=open]", timeout=30000)
        section = page.inner_text(".carnet-private")
        assert "Projets privés" in section and "Préparer le poste et le badge" in section
        page.goto(base + "pipelines/project/")  # once per tab: no new prompt
        page.wait_for_selector("html[data-carnet-private=open]", timeout=10000)
        assert "Préparer le poste et le badge" in page.inner_text(".carnet-private")
        page.click(".carnet-private a:has-text('Préparer le poste et le badge')")
        page.wait_for_selector("html[data-unlocked]", timeout=10000)  # the area opens too
        assert "Préparer le poste et le badge" in page.inner_text("body")
        page.goto(base + "projets-prives/")
        page.wait_for_selector("html[data-carnet-private=open]", timeout=10000)
        page.fill(".carnet-private__search input", "candidats")
        hit = page.locator(".carnet-private__results a").first
        hit.wait_for(timeout=20000)
        assert "Recevoir les 3 candidats retenus" in hit.inner_text(), "title matches first"
        hit.click()
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        body = page.inner_text("body")
        assert "Recevoir les 3 candidats retenus" in body
        assert "Candidats : A. (alternance possible)" in body, "members read internal notes"


@pytest.mark.browser
def test_a_site_opened_from_the_disk_unlocks_its_sections(built: Path) -> None:
    """Browsers refuse to fetch files from a page opened as file://: the slots come in a
    script, so a member who opens build/site from the disk still unlocks."""
    from browser import browser

    page_file = built / "build" / "site" / "interactions" / "project" / "index.html"
    with browser() as chromium:
        page = chromium.new_context().new_page()
        page.goto(page_file.as_uri())
        page.click(".carnet-private__unlock a")
        page.fill("input[name=username]", "claire")
        page.fill("input[name=password]", CLAIRE)
        page.click(".carnet-private__form button")
        page.wait_for_selector("html[data-carnet-private=open]", timeout=30000)
        assert "Préparer le poste et le badge" in page.inner_text(".carnet-private")
