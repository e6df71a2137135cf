"""Partners propose, the firm reviews: proposal files made by the extranet page (Chromium)
or, for the refusals, sealed the same way here; `carnet proposals apply|list`."""

from __future__ import annotations

import base64
import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, TODAY
from cryptography.exceptions import InvalidTag
from test_extranet_people import JEANNE, MARC, SAPINS
from test_site_build import _git, make_repo

from generator.cli.main import main
from generator.extranet.crypto import SiteKey
from generator.extranet.keyring import person_key, wrap_aad
from generator.extranet.proposals import new_nonce, now_iso, seal_proposal

DEAL = "vente-accompagnement-2026-mbs"
DEAL_FILE = "data/interactions/2025/vente-accompagnement-2026-mbs.yaml"
ENV = {"CARNET_EXTRANET_SAPINS_JEANNE": JEANNE, "CARNET_EXTRANET_BROTTEAUX": ""}
EXTRANET = """\
extranet:
  enabled: true
  people:
    - {contact: jeanne-sapin, password_env: CARNET_EXTRANET_SAPINS_JEANNE}
    - {contact: marc-lefevre}
  kinds: [project, support, sale]
  proposals: true
  editable: [type, next_step, date, budget, note]
"""
_KDF = re.compile(r'name="carnet-kdf" content="([^:]+):(\d+):([0-9a-f]+)"')
_SLOTS = re.compile(r'name="carnet-people" content="([^"]+)"')


def carnet(repo: Path, *args: str):
    return CliRunner(env=ENV).invoke(
        main, ["--repo", str(repo), "--today", TODAY.isoformat(), *args], catch_exceptions=False
    )


def open_to_proposals(repo: Path) -> None:
    project = repo / "data" / "projects" / f"{SAPINS}.yaml"
    text = project.read_text(encoding="utf-8")
    start = text.index("extranet:")
    project.write_text(text[:start] + EXTRANET, encoding="utf-8")
    (repo / ".carnet-secrets.yaml").write_text(f"{SAPINS}/marc-lefevre: {MARC}\n")


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> tuple[Path, Path]:
    """A git repository whose Sapins extranet takes proposals, and its built site."""
    repo = make_repo(tmp_path_factory.mktemp("proposals") / "repo")
    open_to_proposals(repo)
    (repo / ".gitignore").write_text(".carnet-secrets.yaml\nbuild/\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Propositions ouvertes", when="2026-11-02T09:00:00")
    result = carnet(repo, "extranet", SAPINS)
    assert result.exit_code == 0, result.output
    return repo, repo / "build" / "extranet" / SAPINS


@pytest.fixture
def repo(shared, tmp_path: Path) -> Path:
    """A fresh clone of the shared repository (each test writes branches)."""
    source, _ = shared
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
    shutil.copy(source / ".carnet-secrets.yaml", clone / ".carnet-secrets.yaml")
    for name in ("user.name", "user.email"):
        subprocess.run(["git", "-C", str(clone), "config", name, "Benoît"], check=True)
    return clone


def sealed(site: Path, identifier: str, password: str, **proposal) -> bytes:
    """A proposal file as the page makes it, for ``identifier``."""
    html = (site / "index.html").read_text(encoding="utf-8")
    salt, iterations, build = _KDF.search(html).groups()
    slots = [base64.b64decode(s) for s in _SLOTS.search(html).group(1).split()]
    salt_bytes = base64.b64decode(salt)
    own = _own(password, salt, identifier, int(iterations))
    slot, key, person = _slot(own, slots, salt_bytes, build, int(iterations))
    body = {
        "v": 1,
        "project": SAPINS,
        "person": person,
        "record": DEAL,
        "kind": None,
        "base": _base(),
        "changes": {"next_step": "Rappeler Marc le 2 décembre"},
        "created": now_iso(),
        "nonce": new_nonce(),
        **proposal,
    }
    return seal_proposal(key, own, build, identifier, slot, body)


@functools.cache
def _own(password: str, salt: str, identifier: str, iterations: int) -> bytes:
    return person_key(password, base64.b64decode(salt), identifier, iterations)


def _slot(own: bytes, slots: list[bytes], salt: bytes, build: str, iterations: int):
    """The slot ``own`` opens, the site key and the person in it."""
    for slot in slots:
        try:
            plain = SiteKey(own, salt, iterations).decrypt(slot, wrap_aad(build))
        except InvalidTag:
            continue
        return slot, SiteKey(plain[:32], salt, iterations), plain[32:].decode()
    raise AssertionError("no slot")


@functools.cache
def _base() -> str:
    """The deal's digest, as its card in the sealed pages holds it."""
    from generator.extranet.proposals import record_digest
    from generator.load import load

    book = load(ROOT, today=TODAY).book
    return record_digest(book.interactions[DEAL])


def test_a_proposal_becomes_a_branch_to_review(shared, repo: Path, tmp_path: Path) -> None:
    _, site = shared
    file = tmp_path / "p.json"
    file.write_bytes(sealed(site, "marc.lefevre@mesbeauxsapins.fr", MARC))
    dry = carnet(repo, "proposals", "apply", str(file), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "next_step : — → Rappeler Marc le 2 décembre" in dry.output
    before = (repo / DEAL_FILE).read_bytes()
    done = carnet(repo, "proposals", "apply", str(file))
    assert done.exit_code == 0, done.output
    assert (repo / DEAL_FILE).read_bytes() == before, "the work tree is untouched"
    branch = re.search(r"proposals/marc-lefevre/\d{4}-\d{2}-\d{2}", done.output).group(0)
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%an%n%B", branch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.startswith("Carnet\n") and "Proposed-by: Marc Lefèvre" in log
    shown = subprocess.run(
        ["git", "-C", str(repo), "show", f"{branch}:{DEAL_FILE}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "next_step: Rappeler Marc le 2 décembre" in shown and "note: Forfait" in shown
    listed = carnet(repo, "proposals", "list")
    assert branch in listed.output
    # merged, then the same file again: refused as a replay
    subprocess.run(["git", "-C", str(repo), "merge", "-q", branch], check=True)
    again = carnet(repo, "proposals", "apply", str(file))
    assert again.exit_code == 1 and "déjà appliquée" in again.output
    assert branch not in carnet(repo, "proposals", "list").output


@pytest.mark.parametrize(
    ("proposal", "message"),
    [
        ({"record": "devis-site-garage-brotteaux-commande-facture-1"}, "pas une fiche que"),
        ({"changes": {"subject": "Autre sujet"}}, "champ non modifiable"),
        ({"changes": {"date": "bientôt"}}, "valeur proposée invalide"),
        ({"base": "0" * 64}, "a changé depuis la proposition"),
    ],
)
def test_refused_proposals(shared, repo: Path, tmp_path: Path, proposal, message) -> None:
    _, site = shared
    file = tmp_path / "p.json"
    file.write_bytes(sealed(site, "jeanne-sapin", JEANNE, **proposal))
    result = carnet(repo, "proposals", "apply", str(file))
    assert result.exit_code == 1 and message in result.output, result.output
    assert "proposals/" not in carnet(repo, "proposals", "list").output, "no branch written"


def test_a_stale_proposal_lists_both_values(shared, repo: Path, tmp_path: Path) -> None:
    _, site = shared
    file = tmp_path / "p.json"
    file.write_bytes(sealed(site, "jeanne-sapin", JEANNE, changes={"note": "Forfait revu"}))
    deal = repo / DEAL_FILE
    deal.write_text(deal.read_text().replace("extranet client inclus", "extranet inclus"))
    result = carnet(repo, "proposals", "apply", str(file))
    assert result.exit_code == 1, result.output
    assert "note : « Forfait revu » / « Forfait mensuel de 1 200 € HT, extranet…" in result.output


def test_tampered_or_revoked_proposals(shared, repo: Path, tmp_path: Path) -> None:
    _, site = shared
    data = json.loads(sealed(site, "jeanne-sapin", JEANNE))
    blob = bytearray(base64.b64decode(data["sealed"]))
    blob[20] ^= 1
    data["sealed"] = base64.b64encode(bytes(blob)).decode()
    file = tmp_path / "p.json"
    file.write_text(json.dumps(data))
    result = carnet(repo, "proposals", "apply", str(file))
    assert result.exit_code == 1 and "authentification ne tient pas" in result.output
    forged = json.loads(sealed(site, "jeanne-sapin", JEANNE))
    forged["identifier"] = "marc-lefevre"  # Jeanne's proposal passed off as Marc's
    file.write_text(json.dumps(forged))
    assert "authentification" in carnet(repo, "proposals", "apply", str(file)).output
    file.write_bytes(sealed(site, "marc-lefevre", MARC))
    project = repo / "data" / "projects" / f"{SAPINS}.yaml"
    project.write_text(project.read_text().replace("    - {contact: marc-lefevre}\n", ""))
    result = carnet(repo, "proposals", "apply", str(file))
    assert result.exit_code == 1 and "« marc-lefevre », qui n'est (plus)" in result.output
    file.write_text("pas du JSON")
    assert "illisible" in carnet(repo, "proposals", "apply", str(file)).output


@pytest.mark.browser
def test_a_person_edits_a_deal_in_chromium_and_the_firm_applies_it(
    shared, repo: Path, tmp_path: Path
) -> None:
    from browser import browser, serve

    _, site = shared
    with serve(site) as base, browser() as chromium:
        page = chromium.new_context(accept_downloads=True).new_page()
        page.goto(base)
        page.fill("#carnet-identifier", "jeanne@mesbeauxsapins.fr")
        page.fill("#carnet-password", JEANNE)
        page.click("#carnet-unlock button")
        page.wait_for_selector("html[data-unlocked]", timeout=30000)
        page.click(".carnet-sections a:has-text('Vente')")
        page.wait_for_selector("html[data-unlocked]", timeout=10000)
        card = page.locator("article[data-carnet-record]", has_text="Accompagnement annuel 2026")
        card.locator("summary", has_text="Proposer une modification").click()
        card.locator("input[name=next_step]").fill("Signer l'avenant 2027")
        card.locator("select[name=type]").select_option("Vente - 4 - Négociation")
        card.locator("button", has_text="Préparer la proposition").click()
        link = card.locator("a.carnet-propose__file")
        with page.expect_download(timeout=20000) as event:
            link.click()
        path = tmp_path / event.value.suggested_filename
        event.value.save_as(path)
    assert path.name.startswith("proposition-jeanne-sapin-")
    result = carnet(repo, "proposals", "apply", str(path), "--here")
    assert result.exit_code == 0, result.output
    text = (repo / DEAL_FILE).read_text(encoding="utf-8")
    assert "next_step: Signer l'avenant 2027" in text and 'type: "Vente - 4 - Négociation"' in text


def test_a_new_deal_is_proposed(shared, repo: Path, tmp_path: Path) -> None:
    _, site = shared
    file = tmp_path / "p.json"
    changes = {"subject": "Sapins / Nordmann 3 m / Salon", "date": "2026-12-10", "budget": "900"}
    file.write_bytes(
        sealed(site, "jeanne-sapin", JEANNE, record=None, kind="sale", base=None, changes=changes)
    )
    result = carnet(repo, "proposals", "apply", str(file), "--here")
    assert result.exit_code == 0, result.output
    created = repo / "data" / "interactions" / "2026" / "proposition-sapins-nordmann-3-m-salon.yaml"
    text = created.read_text(encoding="utf-8")
    assert "kind: sale" in text and "project: sapins-2026" in text and "budget: 900" in text
    assert carnet(repo, "validate").exit_code == 0
    file.write_bytes(
        sealed(
            site, "jeanne-sapin", JEANNE, record=None, kind="purchase", base=None, changes=changes
        )
    )
    assert "pas une fiche que" in carnet(repo, "proposals", "apply", str(file)).output
