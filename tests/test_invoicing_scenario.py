"""The seed's invoicing scenario on a real git repository: quote → order → split invoices,
issue, pay, credit note; then a gap and an edit after issue caught by ``carnet validate``."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from generator.files.yamlio import parse_bytes
from generator.load import load
from generator.testing import write_repo

D = Decimal
ORDER = "devis-sapins-commande"

QUOTE = """\
kind: sale
type: "Vente - 3 - Devis"
user: benoit
subject: Sapins de Noël / Mes Beaux Sapins
date: 2026-03-01
company: mes-beaux-sapins
state: in_progress
document:
  kind: quote
  issued: 2026-03-01
  lines:
    # 8 000 € HT à 20 %
    - product: sapin
      description: Sapin Nordmann 2 m
      quantity: 160
      unit_price: 50.00
      vat_rate: 20
    - description: Livre « Le sapin »
      quantity: 100
      unit_price: 20.00
      vat_rate: 5.5
"""


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its output."""
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def make_repo(root: Path) -> Path:
    """A firm, a client company, a product and a draft quote of 10 000,00 € HT, committed."""
    write_repo(
        root,
        {
            "data/companies/mes-beaux-sapins.yaml": """\
                name: Mes Beaux Sapins
                kind: client
                siren: "732829320"
                address: {street: 3 rue du Bois, postcode: "69100", city: Villeurbanne, country: FR}
                """,
            "data/stock/products/sapin.yaml": "name: Sapin Nordmann 2 m\nprice: 45.00\nvat_rate: 20\n",
            "data/interactions/2026/devis-sapins.yaml": QUOTE,
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Benoît Martin")
    git(root, "config", "user.email", "benoit@example.fr")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Reprise")
    return root


def run(repo: Path, today: str, *args: str):
    """``carnet --repo REPO --today TODAY ARGS`` in-process."""
    return CliRunner().invoke(
        main, ["--repo", str(repo), "--today", today, *args], catch_exceptions=False
    )


def book_of(repo: Path, today: str = "2026-06-05"):
    """The repository's Book (fails on errors)."""
    from datetime import date

    result = load(repo, today=date.fromisoformat(today), use_cache=False, jobs=1)
    assert result.book is not None, [p.format_text() for p in result.problems]
    return result.book


def record(repo: Path, rel: str) -> dict:
    """The parsed YAML of ``rel``."""
    return parse_bytes((repo / rel).read_bytes(), rel).value


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario up to the split: quote issued and accepted, order split 30/40/rest."""
    repo = make_repo(tmp_path_factory.mktemp("invoicing") / "repo")
    assert run(repo, "2026-03-02", "quote", "issue", "devis-sapins").exit_code == 0
    accepted = run(repo, "2026-03-02", "quote", "accept", "D2026-0001")
    assert accepted.exit_code == 0, accepted.output
    assert f"data/interactions/2026/{ORDER}.yaml" in accepted.output
    split = run(
        repo,
        "2026-03-02",
        "invoice",
        "split",
        "C2026-0001",
        "--part",
        "30%:2026-03-02:due=2026-03-31:template=acompte",
        "--part",
        "40%:2026-05-01",
        "--part",
        "rest:2026-06-01",
    )
    assert split.exit_code == 0, split.output
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Facturation en trois fois")
    return repo


def test_quote_issue_keeps_comments_and_commits(scenario: Path) -> None:
    text = (scenario / "data/interactions/2026/devis-sapins.yaml").read_text()
    assert "# 8 000 € HT à 20 %" in text
    assert "number: D2026-0001" in text
    assert "Émission devis D2026-0001" in git(scenario, "log", "--format=%s")


def test_order_is_made_from_the_quote(scenario: Path) -> None:
    order = record(scenario, f"data/interactions/2026/{ORDER}.yaml")["document"]
    assert order["kind"] == "order"
    assert order["number"] == "C2026-0001"
    assert order["from"] == "devis-sapins"
    book = book_of(scenario)
    assert book.orders[ORDER].total.net == D("10000.00")


def test_split_makes_deposit_intermediate_and_balance(scenario: Path) -> None:
    book = book_of(scenario, "2026-03-02")
    ids = book.orders[ORDER].invoices
    kinds = [book.interactions[i].record.document.kind for i in ids]
    assert kinds == ["deposit_invoice", "intermediate_invoice", "balance_invoice"]
    nets = [book.document_totals[i].net for i in ids]
    assert nets == [D("3000.00"), D("4000.00"), D("3000.00")]
    deposit = book.interactions[ids[0]].record.document
    assert [line.description for line in deposit.lines] == ["Facturation partielle"] * 2
    assert [line.unit_price for line in deposit.lines] == [D("2400.00"), D("600.00")]
    comment = deposit.lines[0].comment
    assert "Commande C2026-0001 du 2 mars 2026" in comment
    assert "160 × Sapin Nordmann 2 m" in comment
    assert "10\u202f000,00\xa0€ HT" in comment and "11\u202f710,00\xa0€ TTC" in comment
    assert deposit.part.percent == 30 and deposit.template == "acompte"
    assert deposit.due.isoformat() == "2026-03-31"
    versement = book.instalments[ids[1]]
    assert (versement.before, versement.this, versement.remaining) == (
        D("3000.00"),
        D("4000.00"),
        D("3000.00"),
    )
    balance = book.document_totals[ids[2]]
    # no VAT charged twice: the balance's VAT is the order's minus the deposits'
    assert balance.tax == book.orders[ORDER].total.tax - sum(
        (book.document_totals[i].tax for i in ids[:2]), D(0)
    )
    assert book.orders[ORDER].planned == D("10000.00")
    assert book.orders[ORDER].remaining == D("10000.00")


def test_split_beyond_the_order_is_refused(scenario: Path) -> None:
    before = git(scenario, "status", "--porcelain")
    result = run(scenario, "2026-03-02", "invoice", "split", ORDER, "--part", "1%:2026-07-01")
    assert result.exit_code == 1
    assert "ne laisse que 0,00" in result.output
    assert git(scenario, "status", "--porcelain") == before


@pytest.fixture(scope="module")
def issued(scenario: Path) -> Path:
    """The three invoices issued in order, the deposit paid, a partial credit note issued."""
    for name, day in (("facture-1", "2026-03-02"), ("facture-2", "2026-05-01")):
        result = run(scenario, day, "invoice", "issue", f"{ORDER}-{name}")
        assert result.exit_code == 0, result.output
    result = run(scenario, "2026-06-05", "invoice", "issue", f"{ORDER}-facture-3")
    assert result.exit_code == 0, result.output
    assert run(scenario, "2026-06-05", "invoice", "pay", "F2026-0001", "3513,00", "--date",
               "2026-03-20", "--method", "virement").exit_code == 0  # fmt: skip
    credit = run(scenario, "2026-06-05", "invoice", "credit", "F2026-0003", "--amount", "120")
    assert credit.exit_code == 0, credit.output
    result = run(scenario, "2026-06-05", "invoice", "issue", f"{ORDER}-facture-3-avoir")
    assert result.exit_code == 0, result.output
    return scenario


def test_numbers_follow_issue_order_and_each_issue_is_committed(issued: Path) -> None:
    book = book_of(issued)
    numbers = {book.interactions[k].record.document.number: k for k in book.invoices}
    assert sorted(numbers) == ["F2026-0001", "F2026-0002", "F2026-0003", "F2026-0004"]
    subjects = git(issued, "log", "--format=%s")
    for number in numbers:
        assert number in subjects
    assert git(issued, "status", "--porcelain", "--", "data/interactions/2026/*facture-3*") == ""


def test_balance_deducts_deposits_by_number_and_date(issued: Path) -> None:
    balance = record(issued, f"data/interactions/2026/{ORDER}-facture-3.yaml")["document"]
    titles = [line["description"] for line in balance["lines"] if line["unit_price"] < 0]
    assert titles == [
        "Acompte F2026-0001 du 2 mars 2026",
        "Acompte F2026-0001 du 2 mars 2026",
        "Acompte F2026-0002 du 1er mai 2026",
        "Acompte F2026-0002 du 1er mai 2026",
    ]


def test_payment_and_credit_note_lower_what_is_due(issued: Path) -> None:
    book = book_of(issued)
    deposit, _, balance = book.orders[ORDER].invoices
    assert book.invoices[deposit].state == "paid"
    assert book.invoices[balance].credited == D("120.00")
    assert book.invoices[balance].due == book.invoices[balance].total - D("120.00")
    assert (
        book.orders[ORDER].invoiced
        == D("10000.00") - book.document_totals[f"{ORDER}-facture-3-avoir"].net
    )
    listing = run(issued, "2026-06-05", "invoice", "list", "--overdue")
    assert "F2026-0002" in listing.output and "F2026-0001" not in listing.output


def test_overpayment_is_refused_and_nothing_written(issued: Path) -> None:
    path = issued / f"data/interactions/2026/{ORDER}-facture-2.yaml"
    before = path.read_bytes()
    result = run(
        issued, "2026-06-05", "invoice", "pay", "F2026-0002", "999999", "--date", "2026-06-01"
    )
    assert result.exit_code == 1
    assert "supérieur au montant dû" in result.output
    assert path.read_bytes() == before


def test_issue_before_the_last_issued_invoice_is_refused(issued: Path) -> None:
    credit = run(issued, "2026-06-05", "invoice", "credit", "F2026-0002", "--line", "1")
    assert credit.exit_code == 0, credit.output
    result = run(
        issued, "2026-06-05", "invoice", "issue", f"{ORDER}-facture-2-avoir", "--date", "2026-05-02"
    )
    assert result.exit_code == 1
    assert "antérieure" in result.output
    (issued / f"data/interactions/2026/{ORDER}-facture-2-avoir.yaml").unlink()


def test_validate_catches_an_edit_after_issue_and_a_gap(issued: Path, tmp_path: Path) -> None:
    repo = tmp_path / "copy"
    subprocess.run(["git", "clone", "-q", str(issued), str(repo)], check=True)
    git(repo, "config", "user.name", "T")
    git(repo, "config", "user.email", "t@example.fr")
    balance = repo / f"data/interactions/2026/{ORDER}-facture-3.yaml"
    balance.write_text(balance.read_text().replace("unit_price: 20.00", "unit_price: 21.00"))
    result = run(repo, "2026-06-05", "validate")
    assert result.exit_code == 1
    assert f"{ORDER}-facture-3.yaml:24:19: error: document.lines[1].unit_price" in result.output
    assert "[document-changed-after-issue]" in result.output
    git(repo, "commit", "-qam", "retouche")
    assert "[document-changed-after-issue]" in run(repo, "2026-06-05", "validate").output
    git(repo, "checkout", "-q", "HEAD~1", "--", balance.relative_to(repo).as_posix())
    git(repo, "rm", "-q", f"data/interactions/2026/{ORDER}-facture-2.yaml")
    result = run(repo, "2026-06-05", "validate")
    assert result.exit_code == 1
    assert "il manque F2026-0002 [number-gap]" in result.output
    assert "[document-changed-after-issue]" not in result.output


def test_uncommitted_issue_is_a_warning(issued: Path, tmp_path: Path) -> None:
    repo = tmp_path / "copy"
    subprocess.run(["git", "clone", "-q", str(issued), str(repo)], check=True)
    credit = run(repo, "2026-06-05", "invoice", "credit", "F2026-0002", "--line", "2")
    assert credit.exit_code == 0
    result = run(repo, "2026-06-05", "invoice", "issue", f"{ORDER}-facture-2-avoir", "--no-commit")
    assert result.exit_code == 0, result.output
    validate = run(repo, "2026-06-05", "validate")
    assert "warning" in validate.output and "[document-uncommitted]" in validate.output
    plain = tmp_path / "plain"
    shutil.copytree(repo / "data", plain / "data")
    outside = run(plain, "2026-06-05", "validate")
    assert "[history-unavailable]" in outside.output and outside.exit_code == 0


def test_one_part_for_the_whole_order_is_a_plain_invoice(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert run(repo, "2026-03-02", "quote", "issue", "devis-sapins").exit_code == 0
    assert run(repo, "2026-03-02", "quote", "accept", "devis-sapins").exit_code == 0
    result = run(repo, "2026-03-02", "invoice", "split", "C2026-0001", "--part", "rest:2026-03-10")
    assert result.exit_code == 0, result.output
    doc = record(repo, f"data/interactions/2026/{ORDER}-facture-1.yaml")["document"]
    assert doc["kind"] == "invoice" and "part" not in doc
    assert [line["description"] for line in doc["lines"]] == [
        "Sapin Nordmann 2 m",
        "Livre « Le sapin »",
    ]
