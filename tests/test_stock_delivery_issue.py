"""``carnet delivery issue``: a delivery note typed by hand gets the next number of
``delivery_pattern`` (the series ``delivery new`` numbers in), gap-free and chronological,
under the lock and in its own commit; on a committed git copy of the example."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from test_invoicing_states import fields, git, last_commit, number

NOTE = "data/interactions/2026/bl-salon-mariage-2026.yaml"
ID = "bl-salon-mariage-2026"
TYPED = """\
# Bon de livraison saisi à la main : deux sapins prêtés pour le salon.
kind: sale
type: "Vente - 6 - Gagné"
user: claire
subject: Livraison — Sapins / Décor du salon du mariage / Hôtel Bellecour
date: 2026-11-24
company: hotel-bellecour
state: open
document:
  kind: delivery_note
  issued: 2026-11-24
  lines:
    - product: nordmann-200
      description: Sapin Nordmann 2 m
      quantity: 2
      unit_price: 0.00
      vat_rate: 20
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed git copy of the example with a delivery note typed by hand."""
    import shutil

    target = tmp_path / "repo"
    shutil.copytree(ROOT / "data", target / "data")
    (target / NOTE).write_text(TYPED)
    git(target, "init", "-q", "-b", "main")
    git(target, "config", "user.name", "Claire Dupont")
    git(target, "config", "user.email", "claire@atelier-dupont.fr")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "Entreprise d'exemple")
    return target


def test_a_typed_note_gets_the_next_number_of_its_series(repo: Path, carnet) -> None:
    result = carnet("delivery", "issue", "bl-salon-mariage-2026", repo=repo)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        NOTE,
        "data/documents/issued/BL2026-0002.pdf",
        "bon de livraison BL2026-0002 émis le 24 novembre 2026",
    ]
    assert lines[3].startswith("enregistré dans git : ")
    assert number(repo, NOTE) == "BL2026-0002"  # after BL2026-0001, made by delivery new
    text = (repo / NOTE).read_text()
    assert text.startswith("# Bon de livraison saisi à la main")  # comments kept
    assert "  number: BL2026-0002\n  issued: 2026-11-24\n" in text
    assert "due:" not in text
    assert fields(repo, NOTE)[1] == "done"
    original = "data/documents/issued/BL2026-0002.pdf"  # the PDF as issued, in the same commit
    assert last_commit(repo) == {NOTE, original}
    assert (repo / original).read_bytes().startswith(b"%PDF")
    assert "Bon de livraison BL2026-0002" in git(repo, "log", "-1", "--format=%s")

    made = carnet("delivery", "new", "C2026-0002", repo=repo)
    assert made.exit_code == 0, made.output
    [created] = [line for line in made.stdout.splitlines() if line.endswith(".yaml")]
    assert number(repo, created) == "BL2026-0003"  # one series for both ways
    shipped = carnet("stock", "ship", "BL2026-0002", repo=repo)
    assert shipped.exit_code == 0, shipped.output
    checked = carnet("validate", "--strict", repo=repo)
    assert checked.exit_code == 0, checked.output


def refused(repo: Path, carnet, *args: str) -> str:
    """Run a command that must be refused with nothing written; its message."""
    before = git(repo, "status", "--porcelain")
    result = carnet(*args, repo=repo)
    assert result.exit_code == 1, result.output
    assert git(repo, "status", "--porcelain") == before
    return result.stderr


def test_refusals(repo: Path, carnet) -> None:
    early = refused(repo, carnet, "delivery", "issue", ID, "--date", "2026-08-20")
    assert "BL2026-0001" in early and "21 août 2026" in early  # chronological
    assert "carnet invoice issue" in refused(repo, carnet, "delivery", "issue", "F2026-0005")
    assert "carnet delivery issue bl-salon-mariage-2026" in refused(
        repo, carnet, "invoice", "issue", "bl-salon-mariage-2026"
    )
    future = refused(repo, carnet, "delivery", "issue", ID, "--date", "2026-11-26")
    assert "26 novembre 2026" in future
    assert carnet("delivery", "issue", ID, repo=repo).exit_code == 0
    again = refused(repo, carnet, "delivery", "issue", ID)
    assert "déjà émis" in again and "BL2026-0002" in again


def test_no_commit(repo: Path, carnet) -> None:
    result = carnet("delivery", "issue", "bl-salon-mariage-2026", "--no-commit", repo=repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "non enregistré dans git (--no-commit)"
    assert git(repo, "status", "--porcelain", "-uall").split() == [
        "M",
        NOTE,
        "??",
        "data/documents/issued/BL2026-0002.pdf",
    ]
    assert number(repo, NOTE) == "BL2026-0002"
