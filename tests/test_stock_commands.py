"""Bad input for every stock command: one clear line, exit ≠ 0, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from stock_helpers import git, git_repo, snapshot

from generator.testing import write_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")

RECEIVED = """\
direction: in
date: 2026-11-03
status: validated
origin: achat-bornes
lines:
  - {product: selfibox, quantity: 2, serials: [SBX-0001, SBX-0002]}
  - {product: nordmann-200, quantity: 10}
"""
SHIPPED_DRAFT = """\
direction: out
date: 2026-11-24
status: draft
lines:
  - {product: nordmann-200, quantity: 4}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two bornes and ten trees in stock, a draft shipment of four trees."""
    return git_repo(
        tmp_path_factory.mktemp("stock") / "repo",
        {
            "data/stock/movements/2026/entree-2026-0001.yaml": RECEIVED,
            "data/stock/movements/2026/sortie-2026-0001.yaml": SHIPPED_DRAFT,
        },
    )


REFUSALS = [
    # (arguments, exit code, expected fragment of the message)
    (("stock", "receive", "achat-borne"), 2, "vouliez-vous dire interaction/achat-bornes"),
    (("stock", "receive", "facture-borne"), 1, "n'est pas un bon de commande fournisseur"),
    (("stock", "receive", "achat-bornes", "--line", "x=3"), 1, "attendu N=QUANTITÉ"),
    (("stock", "receive", "achat-bornes", "--line", "0=1"), 1, "attendu N=QUANTITÉ"),
    (("stock", "receive", "achat-bornes", "--line", "3=-2"), 1, "attendu N=QUANTITÉ"),
    (("stock", "receive", "achat-bornes", "--line", "3"), 1, "attendu N=QUANTITÉ"),
    (("stock", "receive", "achat-bornes", "--line", "3=1", "--line", "3=2"), 1, "deux fois"),
    (("stock", "receive", "achat-bornes", "--line", "9=1"), 1, "n'a que 3 lignes"),
    (("stock", "receive", "achat-bornes", "--line", "2=1"), 1, "pas un produit géré en stock"),
    (("stock", "receive", "achat-bornes", "--line", "3=41"), 1, "seulement 40 encore attendus"),
    (("stock", "receive", "achat-bornes", "--line", "1=1"), 1, "--serials selfibox=SN-0001"),
    (
        ("stock", "receive", "achat-bornes", "--serials", "selfibox=SBX-9..SBX-1"),
        1,
        "à l'envers",
    ),
    (("stock", "receive", "achat-bornes", "--serials", "selfibox"), 1, "PRODUIT=NUMÉROS"),
    (
        ("stock", "receive", "achat-bornes", "--serials", "selfibox=A-1..B-3"),
        1,
        "même préfixe",
    ),
    (
        ("stock", "receive", "achat-bornes", "--serials", "selfibox=SBX-5,SBX-5"),
        1,
        "donné deux fois",
    ),
    (
        (
            "stock",
            "receive",
            "achat-bornes",
            "--serials",
            "selfibox=SBX-5",
            "--serials",
            "selfibox=SBX-6",
        ),
        1,
        "un seul par produit",
    ),
    (
        ("stock", "receive", "achat-bornes", "--serials", "nordmann-200=N-1"),
        1,
        "pas suivi par numéro de série",
    ),
    (
        ("stock", "receive", "achat-bornes", "--serials", "selfibox=SBX-0002"),
        1,
        "« SBX-0002 » est déjà en stock",
    ),
    (
        ("stock", "receive", "achat-bornes", "--serials", "selfibox=SBX-10..SBX-12"),
        1,
        "2 numéros de trop",
    ),
    (
        (
            "stock",
            "receive",
            "achat-bornes",
            "--line",
            "1=1",
            "--serials",
            "selfibox=SBX-10..SBX-11",
        ),
        1,
        "1 numéro de trop",
    ),
    (("delivery", "new", "F2026-9999"), 2, "aucune fiche"),
    (("delivery", "new", "achat-bornes"), 1, "ni une commande ni une facture"),
    (("delivery", "new", "F2026-0001"), 1, "parmi ceux en stock : SBX-0001, SBX-0002"),
    (
        ("delivery", "new", "F2026-0001", "--serials", "selfibox=SBX-0007"),
        1,
        "« SBX-0007 » n'est pas en stock (en stock : SBX-0001, SBX-0002)",
    ),
    (
        ("delivery", "new", "F2026-0001", "--serials", "selfibox=SBX-0001,SBX-0002"),
        1,
        "1 numéro de plus que la quantité à livrer",
    ),
    (
        ("delivery", "new", "F2026-0001", "--serials", "nordmann-200=X-1"),
        1,
        "n'est pas sur « facture-borne »",
    ),
    (("delivery", "new", "F2026-0001", "--date", "demain"), 2, "AAAA-MM-JJ"),
    (("stock", "ship", "facture-borne"), 1, "n'est pas un bon de livraison"),
    (("stock", "ship", "bl-inconnu"), 2, "aucune fiche"),
    (("stock", "validate", "entree-2026-0001"), 1, "déjà validé"),
    (("stock", "validate", "sortie-2026-0099"), 2, "movement/sortie-2026-0001 ?"),
    (("stock", "validate", "facture-borne"), 2, "aucune fiche"),
    (("stock", "status", "nordmann"), 2, "vouliez-vous dire product/nordmann-200"),
    (("stock", "status", "installation"), 1, "n'est pas géré en stock"),
    (("stock", "report", "--format", "docx"), 1, "formats possibles pdf, xlsx"),
    (("stock", "report", "--at", "2026-13-01"), 2, "AAAA-MM-JJ"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), REFUSALS, ids=lambda v: str(v)[:60])
def test_bad_input_is_refused_and_nothing_is_written(
    repo: Path, carnet, args: tuple[str, ...], code: int, fragment: str
) -> None:
    before = snapshot(repo)
    head = git(repo, "rev-parse", "HEAD")
    result = carnet(*args, repo=repo)
    assert result.exit_code == code, (result.stdout, result.stderr)
    message = " ".join(result.stderr.split())
    assert " ".join(fragment.split()) in message
    assert "Traceback" not in result.output
    if "AAAA-MM-JJ" not in fragment:  # click's usage errors add the usage line
        assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert snapshot(repo) == before
    assert git(repo, "rev-parse", "HEAD") == head


def test_english_messages(repo: Path, carnet) -> None:
    result = carnet("--lang", "en", "stock", "receive", "achat-bornes", "--line", "9=1", repo=repo)
    assert result.exit_code == 1
    assert "'achat-bornes' has only 3 lines" in result.stderr


def test_validation_that_would_go_below_zero_is_refused_with_positions(
    tmp_path: Path, carnet
) -> None:
    repo = git_repo(
        tmp_path / "repo",
        {
            "data/stock/movements/2026/entree-2026-0001.yaml": RECEIVED,
            "data/stock/movements/2026/sortie-2026-0001.yaml": SHIPPED_DRAFT.replace(
                "quantity: 4", "quantity: 12"
            ),
        },
    )
    before = snapshot(repo)
    result = carnet("stock", "validate", "sortie-2026-0001", repo=repo)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "data/stock/movements/2026/sortie-2026-0001.yaml:5:39: error: le stock de "
        "« nordmann-200 » passe à -2 le 24 novembre 2026 [stock-negative]"
    )
    assert lines[-1] == "carnet: « sortie-2026-0001 » non validé"
    assert snapshot(repo) == before


def test_a_failed_commit_leaves_the_movement_as_it_was(tmp_path: Path, carnet) -> None:
    repo = git_repo(
        tmp_path / "repo", {"data/stock/movements/2026/sortie-2026-0001.yaml": SHIPPED_DRAFT}
    )
    (repo / "data/stock/movements/2026/entree-2026-0001.yaml").write_text(RECEIVED)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Réception")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refusé par le crochet' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = snapshot(repo)
    result = carnet("stock", "validate", "sortie-2026-0001", repo=repo)
    assert result.exit_code == 1
    assert "le commit a échoué" in result.stderr
    assert snapshot(repo) == before
    delivered = carnet("delivery", "new", "F2026-0001", "--serials", "selfibox=SBX-0001", repo=repo)
    assert delivered.exit_code == 1
    assert "rien n'est écrit" in delivered.stderr
    assert snapshot(repo) == before


def test_no_commit_and_outside_git(tmp_path: Path, carnet) -> None:
    from stock_helpers import FILES

    plain = write_repo(
        tmp_path / "plain",
        {**FILES, "data/stock/movements/2026/entree-2026-0001.yaml": RECEIVED.replace(
            "status: validated", "status: draft"
        )},
    )  # fmt: skip
    result = carnet("stock", "validate", "entree-2026-0001", repo=plain)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "data/stock/movements/2026/entree-2026-0001.yaml\n"
    assert "pas de dépôt git" in result.stderr
    text = (plain / "data/stock/movements/2026/entree-2026-0001.yaml").read_text()
    assert "status: validated" in text and "origin: achat-bornes" in text

    repo = git_repo(tmp_path / "git")
    (repo / "data/stock/movements/2026").mkdir(parents=True)
    (repo / "data/stock/movements/2026/entree-2026-0001.yaml").write_text(
        RECEIVED.replace("status: validated", "status: draft")
    )
    result = carnet("stock", "validate", "entree-2026-0001", "--no-commit", repo=repo)
    assert result.exit_code == 0, result.stderr
    assert "entree-2026-0001.yaml" in git(repo, "status", "--porcelain", "-uall")
    assert "pas de dépôt git" not in result.stderr


def test_partial_receipts_take_what_is_still_expected(repo: Path, tmp_path: Path, carnet) -> None:
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    first = carnet("stock", "receive", "achat-bornes", "--line", "3=15", repo=work)
    assert first.exit_code == 0, first.stderr
    path = first.stdout.strip()
    assert path == "data/stock/movements/2026/entree-2026-0002.yaml"
    text = (work / path).read_text()
    assert "- {product: nordmann-200, quantity: 15}" in text
    assert text.startswith("# Réception : Bornes / Selfibox ×3 / Borne Factory\n")
    rest = carnet("stock", "receive", "achat-bornes", "--serials", "selfibox=SBX-0003", repo=work)
    assert rest.exit_code == 0, rest.stderr
    text = (work / rest.stdout.strip()).read_text()
    # 50 ordered: 10 received and validated, 15 on the draft, 25 still expected
    assert "quantity: 25" in text
    assert "SBX-0003" in text and "quantity: 1" in text
    done = carnet("stock", "receive", "achat-bornes", "--line", "3=1", repo=work)
    assert done.exit_code == 1
    assert "seulement 0 encore attendus" in done.stderr


ORDER = """\
kind: sale
type: "Vente - 5 - Bon de commande"
user: benoit
subject: Sapins / Nordmann / Mes Beaux Sapins
date: 2026-11-05
company: mes-beaux-sapins
state: in_progress
document:
  kind: order
  lines:
    - {product: nordmann-200, description: Sapin Nordmann 2 m, quantity: 6, unit_price: 45.00, vat_rate: 20}
"""
ORDER_INVOICE = """\
kind: sale
type: "Vente - 6 - Gagné"
user: benoit
subject: Facture — Sapins / Nordmann / Mes Beaux Sapins
date: 2026-11-06
company: mes-beaux-sapins
state: open
document:
  kind: invoice
  from: commande-sapins
  lines:
    - {product: nordmann-200, description: Sapin Nordmann 2 m, quantity: 6, unit_price: 45.00, vat_rate: 20}
"""


def test_an_order_and_its_invoice_deliver_the_goods_once(tmp_path: Path, carnet) -> None:
    repo = git_repo(
        tmp_path / "repo",
        {
            "data/stock/movements/2026/entree-2026-0001.yaml": RECEIVED,
            "data/interactions/2026/commande-sapins.yaml": ORDER,
            "data/interactions/2026/facture-sapins.yaml": ORDER_INVOICE,
        },
    )
    first = carnet("delivery", "new", "facture-sapins", "--date", "2026-11-07", repo=repo)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines()[0] == "data/interactions/2026/bl-facture-sapins.yaml"
    note = (repo / "data/interactions/2026/bl-facture-sapins.yaml").read_text()
    assert "number: BL2026-0001" in note and "quantity: 6" in note
    assert "subject: Livraison — Sapins / Nordmann / Mes Beaux Sapins" in note
    again = carnet("delivery", "new", "commande-sapins", repo=repo)
    assert again.exit_code == 1
    assert "« commande-sapins » est déjà entièrement livré" in again.stderr
    shipped = carnet("stock", "ship", "bl-facture-sapins", repo=repo)
    assert shipped.exit_code == 0, shipped.stderr
    movement = (repo / "data/stock/movements/2026/sortie-2026-0001.yaml").read_text()
    assert "date: 2026-11-07" in movement and "reference: BL2026-0001" in movement
    twice = carnet("stock", "ship", "BL2026-0001", repo=repo)
    assert twice.exit_code == 1
    assert "déjà expédié par le mouvement sortie-2026-0001" in twice.stderr
