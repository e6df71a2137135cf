"""One key per person on an extranet (``extranet.people``): the site key wrapped once per
person and identifier, a rotation when someone is removed, in Chromium too."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from test_extranet_build import run

from generator.extranet.crypto import page_aad
from generator.extranet.keyring import Holder, new_keyring, open_slot
from generator.testing import load_yaml

SAPINS = "sapins-2026"
JEANNE = "Quatre-sapins-bleus-sous-la-neige"
MARC = "Marc-garde-la-boutique-ouverte-9"
ENV = {"CARNET_EXTRANET_SAPINS_JEANNE": JEANNE, "CARNET_EXTRANET_BROTTEAUX": ""}
PEOPLE = """\
  people:
    - {contact: jeanne-sapin, password_env: CARNET_EXTRANET_SAPINS_JEANNE}
    - {contact: marc-lefevre}
"""
_KDF = re.compile(r'name="carnet-kdf" content="([^:]+):(\d+):([0-9a-f]+)"')
_SLOTS = re.compile(r'name="carnet-people" content="([^"]+)"')


def with_people(repo: Path, people: str) -> None:
    """Give the example's Sapins extranet ``people`` instead of its shared password, and
    Marc's password in the secrets file."""
    project = repo / "data" / "projects" / f"{SAPINS}.yaml"
    text = (ROOT / "data" / "projects" / f"{SAPINS}.yaml").read_text(encoding="utf-8")
    text = text.replace("  password_env: CARNET_EXTRANET_SAPINS\n", people)
    project.write_text(text, encoding="utf-8")
    (repo / ".carnet-secrets.yaml").write_text(f"{SAPINS}/marc-lefevre: {MARC}\n")


def unlock(site: Path, identifier: str, password: str, page: str = "index.html") -> str | None:
    """The page's body as ``identifier`` and ``password`` open it (as the browser does), or
    None when they open no slot."""
    html = (site / page).read_text(encoding="utf-8")
    salt, iterations, build = _KDF.search(html).groups()
    slots = [base64.b64decode(s) for s in _SLOTS.search(html).group(1).split()]
    opened = open_slot(slots, password, identifier, base64.b64decode(salt), build, int(iterations))
    if opened is None:
        return None
    key, _person = opened
    payload = re.search(r'id="carnet-payload"[^>]*>([^<]+)<', html).group(1)
    return key.decrypt(base64.b64decode(payload), page_aad(build, page)).decode("utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    """The Sapins extranet built for Jeanne and Marc, then rebuilt without Marc (copies)."""
    repo = tmp_path_factory.mktemp("people") / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    with_people(repo, PEOPLE)
    out = repo / "build" / "extranet" / SAPINS
    first = run(repo, SAPINS, env=ENV)
    assert first.exit_code == 0, first.output
    both = shutil.copytree(out, repo.parent / "both")
    with_people(repo, PEOPLE.replace("    - {contact: marc-lefevre}\n", ""))
    second = run(repo, SAPINS, env=ENV)
    assert second.exit_code == 0, second.output
    return both, shutil.copytree(out, repo.parent / "jeanne-only")


def test_each_person_opens_with_an_identifier_and_their_own_password(sites) -> None:
    both, _ = sites
    html = (both / "index.html").read_text(encoding="utf-8")
    assert len(_SLOTS.search(html).group(1).split()) == 4, "contact id and e-mail, each person"
    for identifier, password in (
        ("jeanne-sapin", JEANNE),
        (" Jeanne@MesBeauxSapins.fr", JEANNE),
        ("marc.lefevre@mesbeauxsapins.fr", MARC),
    ):
        body = unlock(both, identifier, password)
        assert body is not None and "Mes Beaux Sapins" in body, identifier
    assert unlock(both, "jeanne-sapin", MARC) is None, "Marc's password is not Jeanne's"
    assert unlock(both, "marc-lefevre", "Sapins-de-Noel-2026-test") is None
    assert "jeanne" not in html.lower() and "marc" not in html.lower(), "no name in clear"
    assert 'id="carnet-identifier"' in html


def test_removing_a_person_rotates_the_key(sites) -> None:
    both, jeanne_only = sites
    salt = {_KDF.search((s / "index.html").read_text()).group(1) for s in sites}
    assert len(salt) == 2, "a new salt"
    assert unlock(jeanne_only, "marc-lefevre", MARC) is None
    assert unlock(jeanne_only, "jeanne-sapin", JEANNE) is not None
    html = (jeanne_only / "index.html").read_text(encoding="utf-8")
    assert len(_SLOTS.search(html).group(1).split()) == 2
    # the site key itself changed: Marc's old slot opens a key that reads nothing new
    old_key = open_slot(
        [
            base64.b64decode(s)
            for s in _SLOTS.search((both / "index.html").read_text()).group(1).split()
        ],
        MARC,
        "marc-lefevre",
        base64.b64decode(_KDF.search((both / "index.html").read_text()).group(1)),
        _KDF.search((both / "index.html").read_text()).group(3),
        600_000,
    )
    assert old_key is not None
    _salt, _, build_new = _KDF.search(html).groups()
    payload = re.search(r'id="carnet-payload"[^>]*>([^<]+)<', html).group(1)
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):
        old_key[0].decrypt(base64.b64decode(payload), page_aad(build_new, "index.html"))


def test_slots_open_only_for_their_person_and_build() -> None:
    holders = [Holder("a", ("a", "a@x.fr"), "pass-of-a"), Holder("b", ("b",), "pass-of-b")]
    ring = new_keyring(holders, "build1", iterations=1000)
    slots = [base64.b64decode(s) for s in ring.slots]
    salt = ring.site.salt
    opened = open_slot(slots, "pass-of-a", "A@X.FR", salt, "build1", 1000)
    assert opened is not None and opened == (ring.site, "a")
    assert open_slot(slots, "pass-of-b", "b", salt, "build1", 1000)[1] == "b"
    assert open_slot(slots, "pass-of-a", "b", salt, "build1", 1000) is None
    assert open_slot(slots, "pass-of-b", "b", salt, "build2", 1000) is None, "bound to the build"


def test_missing_weak_or_shared_passwords_are_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    with_people(tmp_path, PEOPLE)
    (tmp_path / ".carnet-secrets.yaml").unlink()
    result = run(tmp_path, SAPINS, env=ENV)
    assert result.exit_code == 1 and "pas de mot de passe pour marc-lefevre" in result.stderr
    assert "sapins-2026/marc-lefevre" in result.stderr
    assert run(tmp_path, env=ENV).exit_code == 0, "not named: skipped"
    (tmp_path / ".carnet-secrets.yaml").write_text(f"{SAPINS}/marc-lefevre: '{JEANNE}'\n")
    result = run(tmp_path, SAPINS, env=ENV)
    assert result.exit_code == 1 and "ont le même mot de passe" in result.stderr
    (tmp_path / ".carnet-secrets.yaml").write_text(f"{SAPINS}/marc-lefevre: marclefevre\n")
    result = run(tmp_path, SAPINS, env=ENV)
    assert result.exit_code == 1 and "mot de passe refusé" in result.stderr
    assert not (tmp_path / "build" / "extranet" / SAPINS).exists()


def test_people_are_known_contacts_listed_once() -> None:
    result = load_yaml(
        {
            "data/contacts/jeanne.yaml": "last_name: Sapin\n",
            "data/projects/p.yaml": """\
                title: P
                extranet:
                  enabled: true
                  proposals: true
                  people:
                    - {contact: jeanne}
                    - {contact: jeanne}
                    - {contact: jeane}
                    - {name: Paul Martin, email: paul@example.fr}
                """,
            "data/projects/r.yaml": """\
                title: R
                extranet:
                  people:
                    - {password_env: CARNET_X}
                """,
            "data/projects/q.yaml": """\
                title: Q
                extranet: {enabled: true, proposals: true}
                """,
        }
    )
    found = sorted((p.path, p.code, p.line) for p in result.problems)
    assert found == [
        ("data/projects/p.yaml", "extranet-person-duplicate", 7),
        ("data/projects/p.yaml", "ref-unknown", 8),
        ("data/projects/q.yaml", "extranet-proposals-without-people", 2),
        ("data/projects/r.yaml", "value-invalid", 4),
    ], found


@pytest.mark.browser
def test_two_people_in_chromium_then_one_removed(sites) -> None:
    from browser import browser, serve

    both, jeanne_only = sites

    def attempt(page, base: str, identifier: str, password: str) -> bool:
        page.goto(base)
        page.wait_for_selector("#carnet-unlock:not([hidden])", timeout=10000)
        page.fill("#carnet-identifier", identifier)
        page.fill("#carnet-password", password)
        page.click("#carnet-unlock button")
        outcome = page.wait_for_selector(
            "html[data-unlocked], #carnet-message:has-text('incorrect')", timeout=30000
        )
        return outcome.evaluate("e => e.tagName") == "HTML"

    with browser() as chromium:
        with serve(both) as base:
            for identifier, password, who in (
                ("jeanne@mesbeauxsapins.fr", JEANNE, "jeanne-sapin"),
                ("marc-lefevre", MARC, "marc-lefevre"),
            ):
                page = chromium.new_context().new_page()
                assert attempt(page, base, identifier, password), identifier
                assert "Mes Beaux Sapins" in page.inner_text("h1")
                person = page.evaluate(
                    "Object.entries(sessionStorage).find(([k]) => k.endsWith(':person'))[1]"
                )
                assert person == who, "the page knows who opened it (to sign proposals)"
        with serve(jeanne_only) as base:
            page = chromium.new_context().new_page()
            assert not attempt(page, base, "marc-lefevre", MARC), "Marc was removed"
            assert "Mes Beaux Sapins" not in page.inner_text("body")
            assert attempt(page, base, "jeanne-sapin", JEANNE)
