"""``carnet diff REV1 REV2``: the semantic diff of two revisions of a real git repository
with an edit, a rename, an issued invoice and a deletion (and a broken reference)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from generator.review.render import code

PURCHASE = "data/interactions/2026/achat-cartes-voeux-2027.yaml"
INVOICE = "facture-selfibox-hotel-bellecour"
MOVEMENT = "data/stock/movements/2026/entree-2026-0099.yaml"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def _write(repo: Path, rel: str, text: str) -> None:
    (repo / rel).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Base: the example firm and two more companies. Then (tag ``valid``): an edited city
    and budget, a company renamed, another deleted, a contact added, the draft invoice
    issued by ``carnet invoice issue`` (its own commit). Last (HEAD): the contact names
    the company that was renamed, and the issued invoice is edited (both errors)."""
    from click.testing import CliRunner

    from generator.cli.main import main

    repo = tmp_path_factory.mktemp("diff") / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    _write(repo, "data/companies/atelier-ephemere.yaml", "name: Atelier éphémère\nkind: prospect\n")
    _write(repo, "data/companies/atelier-ancien.yaml", "name: Atelier du Rhône\nkind: client\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Benoît Martin")
    _git(repo, "config", "user.email", "benoit@atelier-dupont.fr")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Base")
    _git(repo, "tag", "base")

    plume = repo / "data/companies/plume-et-encre.yaml"
    plume.write_text(
        plume.read_text(encoding="utf-8").replace("city: Annecy", "city: Chambéry"),
        encoding="utf-8",
    )
    purchase = repo / PURCHASE
    purchase.write_text(
        purchase.read_text(encoding="utf-8").replace("budget: -420.00", "budget: -500.00"),
        encoding="utf-8",
    )
    _git(repo, "mv", "data/companies/atelier-ancien.yaml", "data/companies/atelier-du-rhone.yaml")
    _git(repo, "rm", "-q", "data/companies/atelier-ephemere.yaml")
    _write(repo, "data/contacts/zoe-nouvelle.yaml", "first_name: Zoé\nlast_name: Nouvelle\n")
    _write(
        repo,
        MOVEMENT,
        "direction: in\ndate: 2026-11-25\nstatus: draft\nlines:\n"
        "  - {product: socle-buche, quantity: 5, serials: []}\n",
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Modifications")
    issued = CliRunner().invoke(
        main, ["--repo", str(repo), "--today", TODAY.isoformat(), "invoice", "issue", INVOICE]
    )
    assert issued.exit_code == 0, issued.output
    received = CliRunner().invoke(
        main,
        [
            "--repo",
            str(repo),
            "--today",
            TODAY.isoformat(),
            "stock",
            "validate",
            "entree-2026-0099",
        ],
    )
    assert received.exit_code == 0, received.output
    _git(repo, "tag", "valid")
    _write(
        repo,
        "data/contacts/zoe-nouvelle.yaml",
        "first_name: Zoé\nlast_name: Nouvelle\ncompany: atelier-ancien\n",
    )
    invoice = repo / f"data/interactions/2026/{INVOICE}.yaml"
    invoice.write_text(
        invoice.read_text(encoding="utf-8").replace("unit_price: 120.00", "unit_price: 150.00"),
        encoding="utf-8",
    )
    _git(repo, "commit", "-qam", "Une société qui n'existe plus, une facture émise retouchée")
    return repo


def _diff(carnet, repo: Path, *args: str, base: str = "base", head: str = "valid") -> str:
    result = carnet("diff", base, head, *args, repo=repo)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_diff_json_names_every_change(carnet, changed: Path) -> None:
    found = json.loads(_diff(carnet, changed, "--format", "json"))
    records = {r["path"]: r for r in found["records"]}
    assert records["data/companies/atelier-ephemere.yaml"]["status"] == "removed"
    renamed = records["data/companies/atelier-du-rhone.yaml"]
    assert renamed["status"] == "renamed"
    assert renamed["old_path"] == "data/companies/atelier-ancien.yaml"
    assert records["data/contacts/zoe-nouvelle.yaml"]["status"] == "added"
    assert records["data/companies/plume-et-encre.yaml"]["fields"] == [
        {"field": "address.city", "label": "Ville", "old": "Annecy", "new": "Chambéry"}
    ]
    invoice = records[f"data/interactions/2026/{INVOICE}.yaml"]
    assert {f["field"] for f in invoice["fields"]} >= {"document.number", "document.issued"}
    number = next(f["new"] for f in invoice["fields"] if f["field"] == "document.number")

    assert found["documents"] == [
        {
            "number": number,
            "kind": "invoice",
            "status": "issued",
            "party": "Hôtel Bellecour",
            "net": "1610.00",
            "gross": "1932.00",
            "issued": TODAY.isoformat(),
        }
    ]
    totals = {(t["key"], t["detail"]): t for t in found["totals"]}
    turnover = totals["turnover", ""]
    assert float(turnover["new"]) - float(turnover["old"]) == pytest.approx(1610.00)
    stage = totals["pipeline", "Achat - 4 - Négociation"]
    assert float(stage["new"]) - float(stage["old"]) == pytest.approx(-80.00)
    stock = [t for t in found["totals"] if t["key"] == "stock"]
    assert [(t["subject"], t["detail"]) for t in stock] == [
        ("Socle bûche pour sapin", "socle-buche")
    ]  # the product of the movement validated, and no other
    assert float(stock[0]["new"]) - float(stock[0]["old"]) == 5

    assert found["problems_introduced"] == found["problems_fixed"] == []
    assert found["incomplete"] == []


def test_diff_tells_problems_introduced_then_fixed(carnet, changed: Path) -> None:
    broken = json.loads(_diff(carnet, changed, "--format", "json", base="valid", head="HEAD"))
    introduced = {(p["path"], p["code"]) for p in broken["problems_introduced"]}
    assert ("data/contacts/zoe-nouvelle.yaml", "ref-unknown") in introduced
    assert (f"data/interactions/2026/{INVOICE}.yaml", "document-changed-after-issue") in introduced
    assert broken["records"][0] == {
        "path": "data/contacts/zoe-nouvelle.yaml",
        "name": "contact/zoe-nouvelle",
        "status": "modified",
        "old_path": None,
        "unreadable": False,
        "fields": [{"field": "company", "label": "Société", "old": None, "new": "atelier-ancien"}],
    }
    assert broken["incomplete"] == ["head"]  # no Book at HEAD: no totals compared
    assert broken["totals"] == broken["documents"] == []
    text = _diff(carnet, changed, base="valid", head="HEAD")
    assert "Données en erreur à " in text
    fixed = json.loads(_diff(carnet, changed, "--format", "json", base="HEAD", head="valid"))
    assert {p["code"] for p in fixed["problems_fixed"]} >= {"ref-unknown"}
    assert fixed["problems_introduced"] == []


def test_diff_text_and_markdown_in_french(carnet, changed: Path) -> None:
    text = _diff(carnet, changed)
    assert re.search(r"company/atelier-ancien → company/atelier-du-rhone \(renommée\)", text)
    assert "company/atelier-ephemere (supprimée)" in text
    assert "Ville (address.city) : Annecy → Chambéry" in text
    assert re.search(r"facture F\d{4}-\d{4} émise le 25 novembre 2026 — Hôtel Bellecour", text)
    assert "1 610,00 € HT" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Problèmes" not in text

    markdown = _diff(carnet, changed, "--format", "markdown")
    assert markdown.startswith("### Carnet — Modifications de ")
    assert "- `company/atelier-ephemere` (supprimée)" in markdown
    assert "  - `Ville` (`address.city`) : `Annecy` → `Chambéry`" in markdown
    assert "#### Documents" in markdown and "#### Totaux" in markdown


def test_diff_in_english_and_without_change(carnet, changed: Path) -> None:
    result = carnet("--lang", "en", "diff", "HEAD", "HEAD", repo=changed)
    assert result.exit_code == 0
    assert "No change to the data." in result.stdout
    english = carnet("--lang", "en", "diff", "base", "valid", repo=changed).stdout
    assert "address.city: Annecy → Chambéry" in english.replace(" : ", ": ")
    assert "invoice F" in english and "issued on" in english


def test_diff_refuses_an_unknown_revision_and_a_folder_without_git(
    carnet, changed: Path, example_repo: Path
) -> None:
    unknown = carnet("diff", "nulle-part", "HEAD", repo=changed)
    assert unknown.exit_code == 2
    assert "nulle-part" in unknown.output
    option = carnet("diff", "--", "--output=/tmp/x", "HEAD", repo=changed)
    assert option.exit_code == 2
    assert carnet("diff", "HEAD~1", "HEAD", repo=example_repo).exit_code == 1


def test_markdown_values_are_inert_code_spans() -> None:
    assert code("a `b` c") == "``a `b` c``"
    assert code("`x`") == "`` `x` ``"
    assert code("<img src=x onerror=alert(1)> @everyone\n[lien](javascript:x)") == (
        "`<img src=x onerror=alert(1)> @everyone\\x0a[lien](javascript:x)`"
    )
