"""Bad input against the invoicing commands and checks: every refusal is one line
``carnet: …`` with a non-zero exit and nothing written, never a traceback; the checks of
``carnet validate`` catch hand-made damage (numbers, links, money, edits after issue).

The repositories are real git repositories in temp dirs; commands run in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.book.numbering import compile_pattern, next_number, pattern_problem
from generator.cli.main import main
from generator.files.edits import ChangeSet, dump, to_yaml_data
from generator.files.yamlio import parse_bytes
from generator.load import load
from generator.problems import Refused
from generator.testing import MINIMAL_SETTINGS, load_yaml, write_repo

D = Decimal
TODAY = "2026-03-10"
CRASH = ("erreur inattendue", "Traceback", "unexpected error")

COMPANY = """\
name: Acme
kind: client
siren: "732829320"
address: {street: 3 rue du Bois, postcode: "69100", city: Villeurbanne, country: FR}
"""


def interaction(document: str, subject: str = "Acme", day: str = "2026-03-01") -> str:
    """An interaction of Acme holding ``document`` (YAML lines indented by two)."""
    return (
        f"kind: sale\ntype: Vente - 6 - Gagné\nuser: benoit\nsubject: {subject}\n"
        f"date: {day}\ncompany: acme\nstate: open\ndocument:\n{document}"
    )


ORDER = interaction(
    """\
  kind: order
  number: C2026-0001
  issued: 2026-03-01
  lines:
    - {description: Conseil, quantity: 10, unit_price: 100, vat_rate: 20}
    - {description: Livre, quantity: 4, unit_price: 25, vat_rate: 5.5}
"""
)
INVOICE = interaction(
    """\
  kind: invoice
  number: F2026-0001
  issued: 2026-03-02
  due: 2026-04-01
  lines:
    - {description: Conseil, quantity: 10, unit_price: 100, vat_rate: 20}
    - {description: Livre, quantity: 3, unit_price: 33.33, vat_rate: 5.5}
    - {description: Remise, quantity: 1, unit_price: -50, vat_rate: 20}
"""
)
QUOTE = interaction(
    "  kind: quote\n  issued: 2026-03-01\n  lines:\n    - {description: X, unit_price: 10}\n"
)
DRAFT = interaction(
    "  kind: invoice\n  lines:\n    - {description: X, quantity: 1, unit_price: 10}\n"
)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its output."""
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def commit_all(repo: Path, message: str = "work") -> None:
    """Commit everything in ``repo``."""
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def make_world(root: Path, files: dict[str, str] | None = None, settings: str = "") -> Path:
    """Acme, its issued order C2026-0001 (1 100 € HT), an issued invoice F2026-0001, a
    draft quote and a draft invoice, committed in a fresh git repository."""
    write_repo(
        root,
        {
            "data/companies/acme.yaml": COMPANY,
            "data/interactions/2026/cmd.yaml": ORDER,
            "data/interactions/2026/fac.yaml": INVOICE,
            "data/interactions/2026/devis.yaml": QUOTE,
            "data/interactions/2026/brouillon.yaml": DRAFT,
            **(files or {}),
        },
        settings=MINIMAL_SETTINGS + settings,
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Benoît Martin")
    git(root, "config", "user.email", "benoit@example.fr")
    commit_all(root, "Reprise")
    return root


def run(repo: Path, *args: str, lang: str | None = None) -> Result:
    """``carnet --repo REPO --today TODAY [--lang] ARGS`` in-process; never a crash."""
    options = ["--repo", str(repo), "--today", TODAY] + (["--lang", lang] if lang else [])
    result = CliRunner().invoke(main, [*options, *args], catch_exceptions=False)
    assert not any(marker in result.output for marker in CRASH), result.output
    return result


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file under ``data/`` with its bytes."""
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted((repo / "data").rglob("*"))
        if p.is_file()
    }


def refused(repo: Path, *args: str, code: int = 1, lang: str | None = None) -> str:
    """Run a command that must be refused: exit ``code``, one line ``carnet: …``, nothing
    written. Returns the line."""
    before = snapshot(repo)
    result = run(repo, *args, lang=lang)
    assert result.exit_code == code, (args, result.exit_code, result.output)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("carnet: "), result.output
    assert snapshot(repo) == before
    return lines[0]


def book_of(repo: Path):
    """The repository's Book (fails on errors)."""
    result = load(repo, today=date.fromisoformat(TODAY), use_cache=False, jobs=1)
    assert result.book is not None, [p.format_text() for p in result.problems]
    return result.book


def codes(repo: Path) -> list[str]:
    """The problem codes ``carnet validate`` reports."""
    result = load(repo, today=date.fromisoformat(TODAY), use_cache=False, jobs=1)
    return [p.code for p in result.problems]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared repository of the refusal tests (they write nothing)."""
    return make_world(tmp_path_factory.mktemp("world") / "repo")


@pytest.fixture
def fresh(world: Path, tmp_path: Path) -> Path:
    """A private copy of the world (git included) for a test that writes."""
    target = tmp_path / "repo"
    shutil.copytree(world, target)
    return target


# --- names and kinds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("invoice", "issue", "nope"), 2, "aucune fiche ne s'appelle « nope »"),
        (("invoice", "pay", "F2099-0001", "10", "--date", TODAY), 2, "aucune fiche"),
        (("quote", "accept", "settings"), 2, "aucune fiche"),
        (("invoice", "credit", "acme"), 1, "n'est pas un document : c'est la fiche company/acme"),
        (("invoice", "split", "company/acme", "--part", "rest:2026-03-05"), 1, "company/acme"),
        (("invoice", "issue", "devis"), 1, "pas « facture » : carnet quote issue devis"),
        (("order", "issue", "brouillon"), 1, "pas « commande » : carnet invoice issue"),
        (("quote", "issue", "cmd"), 1, "« commande », pas « devis »"),
        (("quote", "accept", "brouillon"), 1, "pas « devis »"),
        (("quote", "accept", "devis"), 1, "émettez d'abord le devis"),
        (("invoice", "split", "F2026-0001", "--part", "rest:2026-03-05"), 1, "pas « commande »"),
        (("invoice", "credit", "C2026-0001"), 1, "pas « facture »"),
        (("invoice", "credit", "brouillon"), 1, "n'est pas émise"),
        (("invoice", "pay", "devis", "10", "--date", TODAY), 1, "pas « facture »"),
        (("invoice", "pay", "brouillon", "10", "--date", TODAY), 1, "n'est pas émise"),
        (("invoice", "remind", "brouillon"), 1, "n'est pas émise"),
        (("invoice", "remind", "cmd"), 1, "n'est pas une facture"),
        (("invoice", "issue", "F2026-0001"), 1, "déjà émise sous le n° F2026-0001"),
        (("order", "issue", "C2026-0001"), 1, "déjà émise"),
    ],
)
def test_names_and_kinds_are_refused(world: Path, args: tuple, code: int, words: str) -> None:
    assert words in refused(world, *args, code=code)


def test_refusals_speak_english(world: Path) -> None:
    assert "no record named 'nope'" in refused(world, "invoice", "issue", "nope", code=2, lang="en")
    assert "is a quote, not an invoice" in refused(world, "invoice", "issue", "devis", lang="en")
    assert "expected a date YYYY-MM-DD" in refused(
        world, "invoice", "issue", "brouillon", "--date", "2026-02-30", code=2, lang="en"
    )
    line = refused(
        world, "invoice", "pay", "F2026-0001", "9999", "--date", TODAY, code=1, lang="en"
    )
    assert "more than the amount due" in line and "€" in line
    assert "unreadable payment" in refused(
        world, "invoice", "pay", "F2026-0001", "abc", "--date", TODAY, code=2, lang="en"
    )


# --- split ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "words"),
    [
        ("0%:2026-03-05", "entre 0 et 100"),
        ("100.5%:2026-03-05", "entre 0 et 100"),
        ("-5%:2026-03-05", "entre 0 et 100"),
        ("%:2026-03-05", "pourcentage illisible"),
        ("30.00001%:2026-03-05", "au plus 4 décimales"),
        ("0:2026-03-05", "un montant positif"),
        ("-5:2026-03-05", "un montant positif"),
        ("0.001:2026-03-05", "au plus 2 décimales"),
        ("1e-9:2026-03-05", "illisible"),
        ("1e400:2026-03-05", "illisible"),
        ("NaN:2026-03-05", "illisible"),
        ("Infinity%:2026-03-05", "illisible"),
        ("1,500.00:2026-03-05", "illisible"),
        ("9999999999999:2026-03-05", "hors limites"),
        ("30%", "PART:DATE"),
        ("30%:", "PART:DATE"),
        ("30%:2026-02-30", "AAAA-MM-JJ"),
        ("30%:2026-03-05:due=tomorrow", "due=tomorrow"),
        ("30%:2026-03-05:due=2026-03-04", "échéance 4 mars 2026 avant la date prévue"),
        ("30%:2026-03-05:colour=red", "options possibles"),
        ("30%:2026-03-05:template=", "sans valeur"),
        ("30%:2026-03-05:label= ", "sans valeur"),
        ("30%:2026-03-05:template=avoir", "modèle de facture inconnu"),
        ("30%:2026-03-05:template=../../etc", "modèle de facture inconnu"),
        ("30%:2026-03-05:label=a\tb", "une seule ligne"),
        ("30%:2026-03-05:template=acompte:template=solde", "répété"),
    ],
)
def test_unreadable_parts_are_usage_errors(world: Path, part: str, words: str) -> None:
    assert words in refused(world, "invoice", "split", "cmd", "--part", part, code=2)


def test_split_without_parts_is_one_line(world: Path) -> None:
    assert "--part" in refused(world, "invoice", "split", "cmd", code=2)


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        (("rest:2026-03-05", "30%:2026-03-06"), "seule la dernière part"),
        (("60%:2026-03-05", "50%:2026-03-06"), "ne laisse que 1\u202f100,00"),
        (("2000:2026-03-05",), "les parts totalisent 2\u202f000,00"),
        (("50%:2026-03-05", "50%:2026-03-06", "rest:2026-03-07"), "« rest » ne laisse rien"),
        (("0.0001%:2026-03-05",), "trop petite"),
        (("50%:2026-04-02", "rest:2026-03-05"), "avant la part précédente"),
        (("rest:2026-02-27",), "avant la commande C2026-0001"),
    ],
)
def test_parts_the_order_cannot_take(world: Path, parts: tuple[str, ...], words: str) -> None:
    args = [a for p in parts for a in ("--part", p)]
    assert words in refused(world, "invoice", "split", "C2026-0001", *args)


def order_world(tmp_path: Path, lines: str, number: str = "C2026-0001") -> Path:
    """A repository with one issued order of ``lines`` (id ``cmd``)."""
    order = interaction(
        f"  kind: order\n  number: {number}\n  issued: 2026-03-01\n  lines:\n{lines}"
    )
    return make_world(tmp_path / "repo", {"data/interactions/2026/cmd.yaml": order})


MIXED = """\
    - {description: Conseil, quantity: 10, unit_price: 100, vat_rate: 20}
    - {description: Export, quantity: 1, unit_price: 500, vat_rate: 0, vat_category: Z}
    - {description: Formation, quantity: 1, unit_price: 300, vat_rate: 0, vat_category: E, vat_exemption: "Art. 261-4-4° du CGI"}
    - {description: Travaux, quantity: 1, unit_price: 200, vat_rate: 0, vat_category: AE}
    - {description: Remise, quantity: 1, unit_price: 1000, vat_rate: 20, discount: 10}
    - {description: Geste commercial, quantity: 1, unit_price: -100, vat_rate: 20}
"""


def test_an_order_of_every_vat_kind_splits_and_bills_exactly(tmp_path: Path) -> None:
    repo = order_world(tmp_path, MIXED)
    split = run(repo, "invoice", "split", "cmd", "--part", "33.33%:2026-03-02",
                "--part", "rest:2026-03-05")  # fmt: skip
    assert split.exit_code == 0, split.output
    deposit = book_of(repo).interactions["cmd-facture-1"].record.document
    exempt = [x for x in deposit.lines if x.vat_category == "E"]
    assert exempt and exempt[0].vat_exemption == "Art. 261-4-4° du CGI"  # legal mention kept
    for name in ("cmd-facture-1", "cmd-facture-2"):
        result = run(repo, "invoice", "issue", name)
        assert result.exit_code == 0, result.output
    book = book_of(repo)
    balance = book.interactions["cmd-facture-2"].record.document
    assert "Geste commercial" in [x.description for x in balance.lines]  # not a deduction
    assert book.orders["cmd"].invoiced == book.orders["cmd"].total.net == D("2800.00")
    assert book.orders["cmd"].remaining == 0


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (
            "    - {description: Gratuit, quantity: 1, unit_price: 0, vat_rate: 20}\n",
            "rien à facturer",
        ),
        (
            "    - {description: A, quantity: 1, unit_price: 100, vat_rate: 20}\n"
            "    - {description: B, quantity: 1, unit_price: -100, vat_rate: 5.5}\n",
            "rien à facturer",
        ),
    ],
)
def test_orders_with_nothing_to_invoice(tmp_path: Path, lines: str, words: str) -> None:
    repo = order_world(tmp_path, lines)
    assert words in refused(repo, "invoice", "split", "cmd", "--part", "rest:2026-03-05")


def test_a_single_rate_order_split_in_eleven_parts_keeps_its_order(tmp_path: Path) -> None:
    repo = order_world(
        tmp_path, "    - {description: A, quantity: 3, unit_price: 333.33, vat_rate: 20}\n"
    )
    args = [a for _ in range(10) for a in ("--part", "5%:2026-03-05")]
    result = run(repo, "invoice", "split", "cmd", *args, "--part", "rest:2026-03-05")
    assert result.exit_code == 0, result.output
    book = book_of(repo)
    invoices = book.orders["cmd"].invoices
    assert invoices == tuple(f"cmd-facture-{n}" for n in range(1, 12))  # 2 < 10 < 11
    assert "émettez d'abord « cmd-facture-1 »" in refused(
        repo, "invoice", "issue", "cmd-facture-11"
    )
    assert book.interactions[invoices[-1]].record.document.kind == "balance_invoice"
    assert book.orders["cmd"].planned == book.orders["cmd"].total.net


def test_a_fully_planned_order_says_so(fresh: Path) -> None:
    assert run(fresh, "invoice", "split", "cmd", "--part", "rest:2026-03-05").exit_code == 0
    assert "déjà entièrement facturée ou planifiée (cmd-facture-1)" in refused(
        fresh, "invoice", "split", "cmd", "--part", "rest:2026-03-06"
    )


def test_a_credited_deposit_is_billed_again_by_an_intermediate_invoice(fresh: Path) -> None:
    split = run(fresh, "invoice", "split", "cmd", "--part", "50%:2026-03-02",
                "--part", "rest:2026-03-04")  # fmt: skip
    assert split.exit_code == 0, split.output
    assert run(fresh, "invoice", "issue", "cmd-facture-1").exit_code == 0
    credit = run(
        fresh, "invoice", "credit", "cmd-facture-1", "--amount", "120", "--date", "2026-03-03"
    )
    assert credit.exit_code == 0, credit.output
    for name in ("cmd-facture-1-avoir", "cmd-facture-2"):
        assert run(fresh, "invoice", "issue", name).exit_code == 0
    book = book_of(fresh)
    credited = book.document_totals["cmd-facture-1-avoir"].net
    balance = book.instalments["cmd-facture-2"]
    assert balance.before == D("550.00") - credited  # what the deposit still bills
    assert balance.remaining == book.orders["cmd"].remaining == credited
    rest = run(fresh, "invoice", "split", "cmd", "--part", "rest:2026-03-06")
    assert rest.exit_code == 0, rest.output
    book = book_of(fresh)
    again = book.interactions["cmd-facture-3"].record.document
    assert again.kind == "intermediate_invoice" and again.part.amount == credited
    assert book.document_totals["cmd-facture-3"].net == credited
    assert book.orders["cmd"].unplanned == 0 and run(fresh, "validate").exit_code == 0


def test_accepting_a_quote_follows_the_dates(fresh: Path) -> None:
    assert run(fresh, "quote", "issue", "devis", "--date", "2026-03-05").exit_code == 0
    assert "antérieure au devis D2026-0001" in refused(
        fresh, "quote", "accept", "D2026-0001", "--date", "2026-03-04"
    )
    assert "antérieure à celle de C2026-0001" in refused(
        fresh, "quote", "accept", "D2026-0001", "--date", "2026-02-28"
    )
    assert "dans le futur" in refused(
        fresh, "quote", "accept", "D2026-0001", "--date", "2026-03-11"
    )


# --- issue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--date", "2026-03-11"), 1, "dans le futur"),
        (("--date", "2026-03-01"), 1, "antérieure à celle de F2026-0001"),
        (("--date", "26-03-05"), 2, "--date : date attendue AAAA-MM-JJ"),
        (("--date", ""), 2, "date attendue"),
    ],
)
def test_issue_dates(world: Path, args: tuple, code: int, words: str) -> None:
    assert words in refused(world, "invoice", "issue", "brouillon", *args, code=code)


def test_a_draft_with_empty_keys_gets_its_number_and_due_date(fresh: Path) -> None:
    path = fresh / "data/interactions/2026/brouillon.yaml"
    path.write_text(DRAFT.replace("  kind: invoice\n", "  kind: invoice\n  number:\n  due: null\n"))
    result = run(fresh, "invoice", "issue", "brouillon", "--date", "2026-03-05", "--no-commit")
    assert result.exit_code == 0, result.output
    doc = book_of(fresh).interactions["brouillon"].record.document
    assert (doc.number, doc.issued, doc.due) == ("F2026-0002", date(2026, 3, 5), date(2026, 4, 4))


def test_a_due_date_before_issue_is_refused_and_reported(fresh: Path) -> None:
    path = fresh / "data/interactions/2026/brouillon.yaml"
    path.write_text(DRAFT.replace("  kind: invoice\n", "  kind: invoice\n  due: 2026-03-04\n"))
    assert "échéance 4 mars 2026 antérieure" in refused(
        fresh, "invoice", "issue", "brouillon", "--date", "2026-03-05"
    )
    path.write_text(
        DRAFT.replace(
            "  kind: invoice\n", "  kind: invoice\n  issued: 2026-03-05\n  due: 2026-03-04\n"
        )
    )
    assert "due-before-issue" in codes(fresh)


def test_an_invoice_of_nothing_is_not_issued(fresh: Path) -> None:
    path = fresh / "data/interactions/2026/brouillon.yaml"
    path.write_text(DRAFT.replace("unit_price: 10", "unit_price: -10"))
    assert "rien à émettre" in refused(fresh, "invoice", "issue", "brouillon")


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("F{year}", "{seq}"),
        ("F{", "accolade"),
        ("F {seq}", "caractères"),
        ("F{seq:x}", "format inconnu"),
        ("F{seq:>6}", "format inconnu"),
        ("F{month}-{seq}", "champ inconnu"),
        ("F{year}{year}-{seq}", "répété"),
        ("FACTURE-DU-CLIENT-NUMERO-{year}-{seq:06}", "35 caractères"),
        ("Fé{seq}", "caractères"),
    ],
)
def test_unusable_number_patterns(tmp_path: Path, pattern: str, words: str) -> None:
    assert words in (pattern_problem(pattern) or "")
    settings = f"invoicing: {{number_pattern: '{pattern}'}}\n"
    result = load_yaml({"data/companies/acme.yaml": COMPANY}, settings=MINIMAL_SETTINGS + settings)
    [problem] = [p for p in result.problems if p.code == "number-pattern-invalid"]
    assert (problem.path, problem.line) == ("data/settings.yaml", MINIMAL_SETTINGS.count("\n") + 1)
    repo = make_world(tmp_path / "repo", settings=settings.replace(pattern, "F{year}-{seq:04}"))
    settings_file = repo / "data/settings.yaml"
    settings_file.write_text(settings_file.read_text().replace("F{year}-{seq:04}", pattern))
    before = snapshot(repo)
    result = run(repo, "invoice", "issue", "brouillon")
    assert result.exit_code == 1 and snapshot(repo) == before
    assert (
        result.output.startswith("data/settings.yaml:")
        and "[number-pattern-invalid]" in result.output
    )


@pytest.mark.parametrize(
    ("pattern", "numbers", "expected"),
    [
        ("F{year}-{seq:04d}", ["F2026-0009"], "F2026-0010"),
        ("F{seq}", ["F9", "F10"], "F11"),
        ("F{year}/{seq:04}", ["F2025/0007"], "F2026/0001"),
    ],
)
def test_usable_patterns_number_on(pattern: str, numbers: list[str], expected: str) -> None:
    assert pattern_problem(pattern) is None
    issued = [(n, date(2026, 1, 1)) for n in numbers]
    assert next_number(pattern, issued, date(2026, 3, 1)) == expected
    assert compile_pattern(pattern).parse(expected) is not None


# --- credit and pay -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--line", "0"), 1, "ligne 0 inexistante"),
        (("--line", "4"), 1, "ligne 4 inexistante"),
        (("--line", "-1"), 2, "un numéro de ligne"),
        (("--line", "x"), 2, "un numéro de ligne"),
        (("--line", "1", "--line", "1"), 1, "ligne 1 donnée deux fois"),
        (("--line", "3"), 1, "un avoir crédite un montant positif"),
        (("--amount", "99999"), 1, "reste créditable"),
        (("--amount", "-5"), 2, "un montant positif"),
        (("--amount", "0"), 2, "un montant positif"),
        (("--amount", "0.001"), 2, "au plus 2 décimales"),
        (("--amount", "1e400"), 2, "illisible"),
        (("--line", "1", "--amount", "5"), 1, "s'excluent"),
        (("--date", "2026-03-01"), 1, "avant la facture F2026-0001"),
        (("--date", "2026-13-01"), 2, "date attendue"),
    ],
)
def test_credit_refusals(world: Path, args: tuple, code: int, words: str) -> None:
    assert words in refused(world, "invoice", "credit", "F2026-0001", *args, code=code)


@pytest.mark.parametrize(
    ("amount", "args", "code", "words"),
    [
        ("abc", (), 2, "illisible"),
        ("-5", (), 2, "un montant positif"),
        ("0", (), 2, "un montant positif"),
        ("1e5", (), 2, "illisible"),
        ("NaN", (), 2, "illisible"),
        ("Infinity", (), 2, "illisible"),
        ("-Infinity", (), 2, "illisible"),
        ("0.001", (), 2, "au plus 2 décimales"),
        ("10,005", (), 2, "au plus 2 décimales"),
        ("+5", (), 2, "illisible"),
        ("٣", (), 2, "illisible"),
        ("", (), 2, "illisible"),
        ("99999", (), 1, "supérieur au montant dû"),
        ("10", ("--method", ""), 1, "--method"),
        ("10", ("--method", "a\nb"), 1, "--method"),
    ],
)
def test_pay_refusals(world: Path, amount: str, args: tuple, code: int, words: str) -> None:
    line = refused(world, "invoice", "pay", "F2026-0001", amount, "--date", TODAY, *args, code=code)
    assert words in line


@pytest.mark.parametrize(
    ("day", "words"),
    [("2026-03-01", "avant l'émission de F2026-0001"), ("2026-03-11", "dans le futur")],
)
def test_pay_dates(world: Path, day: str, words: str) -> None:
    assert words in refused(world, "invoice", "pay", "F2026-0001", "10", "--date", day)


def test_payment_amounts_are_written_exactly(fresh: Path) -> None:
    result = run(fresh, "invoice", "pay", "F2026-0001", "1\u202f000,5 €", "--date", TODAY,
                 "--method", "on")  # fmt: skip
    assert result.exit_code == 0, result.output
    [payment] = book_of(fresh).interactions["fac"].record.document.payments
    assert (payment.amount, payment.method) == (D("1000.50"), "on")  # not the boolean true


def test_credit_notes_never_credit_twice(fresh: Path) -> None:
    assert run(fresh, "invoice", "credit", "F2026-0001", "--line", "1").exit_code == 0
    assert "avoirs en brouillon : fac-avoir" in refused(
        fresh, "invoice", "credit", "F2026-0001", "--line", "1"
    )
    # a second draft typed by hand is stopped when it is issued
    shutil.copy(
        fresh / "data/interactions/2026/fac-avoir.yaml",
        fresh / "data/interactions/2026/fac-avoir-2.yaml",
    )
    assert run(fresh, "invoice", "issue", "fac-avoir").exit_code == 0
    assert "dépasse le reste créditable de F2026-0001" in refused(
        fresh, "invoice", "issue", "fac-avoir-2"
    )
    assert "n'est pas une facture" in refused(fresh, "invoice", "remind", "F2026-0002")
    assert "pas « facture »" in refused(fresh, "invoice", "credit", "F2026-0002")


def test_a_credit_note_after_a_payment_leaves_money_to_give_back(fresh: Path) -> None:
    assert run(fresh, "invoice", "pay", "F2026-0001", "1000", "--date", "2026-03-03").exit_code == 0
    assert run(fresh, "invoice", "credit", "F2026-0001", "--line", "1").exit_code == 0
    result = run(fresh, "invoice", "issue", "fac-avoir")
    assert result.exit_code == 0, result.output
    assert run(fresh, "validate").exit_code == 0  # paid when it was due: no overpayment
    status = book_of(fresh).invoices["fac"]
    assert status.due < 0 and status.state == "paid"
    assert "ne laisse rien à payer" in refused(
        fresh, "invoice", "pay", "F2026-0001", "1", "--date", TODAY
    )


# --- git and files --------------------------------------------------------------------


def test_outside_git_the_issue_is_written_without_commit(fresh: Path) -> None:
    shutil.rmtree(fresh / ".git")
    result = run(fresh, "invoice", "issue", "brouillon", "--date", "2026-03-05")
    assert result.exit_code == 0, result.output
    assert "pas de dépôt git : écrit sans commit" in result.output
    assert book_of(fresh).interactions["brouillon"].record.document.number == "F2026-0002"


def test_without_a_git_identity_nothing_is_written(fresh: Path, monkeypatch) -> None:
    git(fresh, "config", "--unset", "user.name")
    git(fresh, "config", "--unset", "user.email")
    home = fresh.parent / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    assert "git ne sait pas qui vous êtes, rien n'est écrit" in refused(
        fresh, "invoice", "issue", "brouillon", "--date", "2026-03-05"
    )
    assert "rien n'est écrit" in refused(fresh, "quote", "issue", "devis")
    assert git(fresh, "status", "--porcelain") == ""


def test_a_refused_commit_puts_everything_back(fresh: Path) -> None:
    hook = fresh / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'refusé par le hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    head = git(fresh, "rev-parse", "HEAD")
    line = refused(fresh, "invoice", "issue", "brouillon", "--date", "2026-03-05")
    assert "le commit a échoué, rien n'est écrit : refusé par le hook" in line
    assert git(fresh, "status", "--porcelain") == "" and git(fresh, "rev-parse", "HEAD") == head
    hook.rename(hook.with_suffix(".off"))
    assert run(fresh, "quote", "issue", "devis").exit_code == 0
    hook.with_suffix(".off").rename(hook)
    assert "refusé par le hook" in refused(fresh, "quote", "accept", "D2026-0001")
    assert git(fresh, "status", "--porcelain") == ""  # the new order file is gone too


WEIRD = """\
# Facture Acme — brouillon
kind: "sale"   # nature
type: 'Vente - 6 - Gagné'
user: benoit
subject: >-
  Facture
  Acme
date: 2026-03-05
company: acme
state: open
document: {kind: invoice, issued: 2026-03-05, lines: [{description: "Conseil", quantity: 10, unit_price: 100.00, vat_rate: 20}]}  # flow
# fin
"""
BLOCK = """\
kind: sale
type: Vente - 6 - Gagné
user: benoit
subject: Facture Acme
date: 2026-03-05
company: acme
state: open
document:
  # bloc
  kind: invoice   # nature
  lines:
    - description: Conseil  # ligne
      quantity: 10
      unit_price: 100.00
      vat_rate: 20
  note: 'Merci'
"""


@pytest.mark.parametrize(
    ("text", "encode"),
    [
        (WEIRD, lambda t: t.encode()),
        (BLOCK, lambda t: t.replace("\n", "\r\n").encode()),
        (BLOCK, lambda t: b"\xef\xbb\xbf" + t.encode()),
    ],
    ids=["flow-and-quotes", "crlf", "bom"],
)
def test_round_trip_edits_keep_the_file(fresh: Path, text: str, encode) -> None:
    path = fresh / "data/interactions/2026/brouillon.yaml"
    path.write_bytes(encode(text))
    commit_all(fresh)
    issued = run(fresh, "invoice", "issue", "brouillon")
    assert issued.exit_code == 0, issued.output
    paid = run(fresh, "invoice", "pay", "F2026-0002", "100", "--date", TODAY, "--method", "1:30")
    assert paid.exit_code == 0, paid.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == encode("x").startswith(b"\xef\xbb\xbf")
    if b"\r\n" in encode("a\nb"):
        assert raw.count(b"\r\n") == raw.count(b"\n")  # every line ending kept
    body = raw.decode("utf-8-sig").replace("\r\n", "\n")
    for comment in ("# nature", "# fin", "# flow", "# ligne", "# bloc"):
        assert (comment in body) == (comment in text)
    keys = [line.split(":")[0] for line in body.splitlines() if line[:1].isalpha()]
    assert keys == [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    parsed = parse_bytes(raw, "x.yaml")
    assert not parsed.problems  # no anchors, aliases or tags: valid for Carnet
    doc = book_of(fresh).interactions["brouillon"].record.document
    assert doc.number == "F2026-0002" and doc.payments[0].method == "1:30"
    assert run(fresh, "validate").exit_code == 0


@pytest.mark.parametrize(
    "text", ["on", "yes", "No", "1:30", "190:20:30", "0o17", "~", "2026-03-02"]
)
def test_written_text_stays_text(text: str) -> None:
    written = dump({"payment": to_yaml_data({"method": text, "amount": D("1.50")})})
    assert parse_bytes(written.encode(), "x.yaml").value["payment"]["method"] == text


def test_a_multi_line_text_is_never_squeezed_into_a_flow_mapping() -> None:
    written = dump({"part": to_yaml_data({"label": "a\nb"})})
    assert parse_bytes(written.encode(), "x.yaml").value["part"]["label"] == "a\nb\n"
    assert "{" not in written


def test_change_sets_write_all_or_nothing(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", {"data/companies/a.yaml": "name: A  # gardé\n"})
    changes = ChangeSet(repo)
    changes.edit("data/companies/a.yaml")["kind"] = "client"
    changes.create("data/companies/b.yaml", {"name": "B"})
    changes.create("data/interactions/2031/c.yaml", {"name": "C"})
    (repo / "data/interactions").mkdir()
    (repo / "data/interactions/2031").write_text("in the way")  # a file where a folder goes
    before = snapshot(repo)
    with pytest.raises(Refused, match="rien n'est écrit"):
        changes.write()
    assert snapshot(repo) == before
    assert sorted(p.name for p in (repo / "data").rglob("*")) == sorted(
        ["a.yaml", "companies", "interactions", "2031", "settings.yaml"]
    )
    (repo / "data/interactions/2031").unlink()
    changes = ChangeSet(repo)
    changes.create("data/companies/b.yaml", {"name": "B"})
    changes.edit("data/companies/a.yaml")["kind"] = "client"
    (repo / "data/companies/a.yaml").unlink()
    (repo / "data/companies/a.yaml").mkdir()  # the edited file turned into a folder
    (repo / "data/companies/a.yaml/x").write_text("x")
    with pytest.raises(Refused):
        changes.write()
    assert not (repo / "data/companies/b.yaml").exists()  # the swapped-in file taken back


def test_a_read_only_file_stops_the_whole_change(fresh: Path, monkeypatch) -> None:
    # tests run as root, for whom no file is read-only: the operating system's answer is
    # what is simulated here, for the one file the user protected
    protected = str(fresh / "data/interactions/2026/fac.yaml")
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode: False if str(path) == protected else real_access(path, mode),
    )
    changes = ChangeSet(fresh)
    changes.create("data/interactions/2026/nouvelle.yaml", {"kind": "sale"})
    changes.edit("data/interactions/2026/fac.yaml")["subject"] = "changé"
    before = snapshot(fresh)
    with pytest.raises(Refused, match="lecture seule"):
        changes.write()
    assert snapshot(fresh) == before
    assert "lecture seule : rien n'est écrit" in refused(
        fresh, "invoice", "pay", "F2026-0001", "10", "--date", TODAY
    )


def test_written_files_have_the_usual_permissions(fresh: Path) -> None:
    path = fresh / "data/interactions/2026/brouillon.yaml"
    path.chmod(0o640)
    assert run(fresh, "invoice", "split", "cmd", "--part", "rest:2026-03-05").exit_code == 0
    assert run(fresh, "invoice", "issue", "brouillon", "--date", "2026-03-05").exit_code == 0
    created = fresh / "data/interactions/2026/cmd-facture-1.yaml"
    umask = os.umask(0o022)
    os.umask(umask)
    assert created.stat().st_mode & 0o777 == 0o666 & ~umask
    assert path.stat().st_mode & 0o777 == 0o640


# --- validate: the invoicing checks ---------------------------------------------------


def doc(kind: str = "invoice", extra: str = "", price: str = "100") -> str:
    """An interaction of Acme with a document of ``kind`` (one line at ``price``, 20 %)."""
    return interaction(
        f"  kind: {kind}\n{extra}  lines:\n"
        f"    - {{description: X, quantity: 1, unit_price: {price}, vat_rate: 20}}\n"
    )


def issued(
    number: str, day: str, extra: str = "", kind: str = "invoice", price: str = "100"
) -> str:
    """An issued document."""
    return doc(kind, f"  number: {number}\n  issued: {day}\n{extra}", price)


IN_2026 = "data/interactions/2026/"
CHECK_CASES = {
    "number-on-draft": ({IN_2026 + "a.yaml": doc(extra="  number: F2026-0001\n")}, "a.yaml:10:11"),
    "number-pattern": ({IN_2026 + "a.yaml": issued("FA-1", "2026-03-01")}, "a.yaml:10:11"),
    "number-year-mismatch": (
        {IN_2026 + "a.yaml": issued("F2026-0001", "2025-12-30")},
        "a.yaml:10:11",
    ),
    "number-gap": (
        {
            "data/interactions/2025/a.yaml": issued("F2025-0001", "2025-03-01"),
            IN_2026 + "b.yaml": issued("F2026-0002", "2026-01-05"),
        },
        "2026/b.yaml:10:11",
    ),
    "number-not-chronological": (
        {
            IN_2026 + "a.yaml": issued("F2026-0001", "2026-03-05"),
            IN_2026 + "b.yaml": issued("F2026-0002", "2026-03-01"),
        },
        "b.yaml:11:11",
    ),
    "document-issued-in-future": (
        {IN_2026 + "a.yaml": issued("F2099-0001", "2099-03-01")},
        "a.yaml:11:11",
    ),
    "credit-note-corrects": (
        {IN_2026 + "a.yaml": issued("F2026-0001", "2026-03-01", kind="credit_note")},
        "a.yaml:9:3",
    ),
    "credit-note-target": (
        {IN_2026 + "a.yaml": doc(), IN_2026 + "b.yaml": doc("credit_note", "  corrects: a\n")},
        "b.yaml:10:13",
    ),
    "credit-exceeds-invoice": (
        {
            IN_2026 + "a.yaml": issued("F2026-0001", "2026-03-01"),
            IN_2026 + "b.yaml": issued(
                "F2026-0002", "2026-03-02", "  corrects: a\n", "credit_note"
            ),
            IN_2026 + "c.yaml": issued(
                "F2026-0003", "2026-03-03", "  corrects: a\n", "credit_note", "1"
            ),
        },
        "c.yaml:12:13",
    ),
    "order-not-order": (
        {
            IN_2026 + "a.yaml": doc(),
            IN_2026 + "b.yaml": doc("deposit_invoice", "  order: a\n  part: {percent: 30}\n"),
        },
        "b.yaml:10:10",
    ),
    "part-not-partial": ({IN_2026 + "a.yaml": doc(extra="  part: {percent: 30}\n")}, "a.yaml:10:9"),
    "order-overbilled": (
        {
            IN_2026 + "o.yaml": issued("C2026-0001", "2026-03-01", kind="order"),
            IN_2026 + "b.yaml": doc(
                "deposit_invoice", "  order: o\n  part: {amount: 150}\n", "150"
            ),
        },
        "b.yaml:10:10",
    ),
    "payment-exceeds-due": (
        {
            IN_2026 + "a.yaml": issued(
                "F2026-0001", "2026-03-01", "  payments: [{date: 2026-03-02, amount: 120.01}]\n"
            )
        },
        "a.yaml:12:13",
    ),
    "due-before-issue": (
        {IN_2026 + "a.yaml": issued("F2026-0001", "2026-03-01", "  due: 2026-02-28\n")},
        "a.yaml:12:8",
    ),
}


STATES = "document-state-stale"
"""The fixtures leave every interaction open, paid invoices too: tests/test_states.py."""


@pytest.mark.parametrize("code", sorted(CHECK_CASES))
def test_invoicing_checks(code: str) -> None:
    files, where = CHECK_CASES[code]
    result = load_yaml({"data/companies/acme.yaml": COMPANY, **files})
    found = [p for p in result.problems if p.severity != "info" and p.code != STATES]
    assert [p.code for p in found] == [code], [p.format_text() for p in found]
    assert found[0].format_text().split(": ")[0].endswith(where), found[0].format_text()


def test_a_credit_note_issued_after_a_payment_is_no_overpayment() -> None:
    files = {
        IN_2026 + "a.yaml": issued(
            "F2026-0001", "2026-03-01", "  payments: [{date: 2026-03-02, amount: 120}]\n"
        ),
        IN_2026 + "b.yaml": issued(
            "F2026-0002", "2026-03-03", "  corrects: a\n", "credit_note", "50"
        ),
    }
    result = load_yaml({"data/companies/acme.yaml": COMPANY, **files})
    assert [p.code for p in result.problems if p.severity != "info" and p.code != STATES] == []
    paid_after = files[IN_2026 + "a.yaml"].replace("2026-03-02", "2026-03-04")
    result = load_yaml(
        {"data/companies/acme.yaml": COMPANY, **files, IN_2026 + "a.yaml": paid_after}
    )
    found = [p.code for p in result.problems if p.severity != "info" and p.code != STATES]
    assert found == ["payment-exceeds-due"]


# --- validate: edits after issue ------------------------------------------------------

FAC = "data/interactions/2026/fac.yaml"


def _edit(repo: Path, old: str, new: str, rel: str = FAC) -> None:
    path = repo / rel
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def _rename(repo: Path, new: str = "data/interactions/2026/renommee.yaml") -> None:
    (repo / FAC).rename(repo / new)


def _rename_and_edit(repo: Path) -> None:
    _edit(repo, "unit_price: 33.33", "unit_price: 3.33")
    _rename(repo)


FROZEN_CASES = {
    "field-changed": (
        lambda r: _edit(r, "unit_price: 33.33", "unit_price: 3.33"),
        "document-changed-after-issue",
    ),
    "field-deleted": (
        lambda r: _edit(r, "  due: 2026-04-01\n", ""),
        "document-changed-after-issue",
    ),
    "line-deleted": (
        lambda r: _edit(
            r, "    - {description: Remise, quantity: 1, unit_price: -50, vat_rate: 20}\n", ""
        ),
        "document-changed-after-issue",
    ),
    "number-removed": (
        lambda r: _edit(r, "  number: F2026-0001\n", ""),
        "document-changed-after-issue",
    ),
    "document-removed": (
        lambda r: (r / FAC).write_text((r / FAC).read_text().split("document:")[0]),
        "document-changed-after-issue",
    ),
    "file-deleted": (lambda r: (r / FAC).unlink(), "document-deleted-after-issue"),
    "renamed-and-edited": (_rename_and_edit, "document-changed-after-issue"),
}


@pytest.fixture(scope="module")
def frozen_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose invoice F2026-0001 was issued in a commit of its own."""
    root = tmp_path_factory.mktemp("frozen") / "repo"
    make_world(root, {FAC: INVOICE.replace("  number: F2026-0001\n", "")})
    result = run(root, "invoice", "issue", "fac", "--date", "2026-03-02")
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("committed", [False, True], ids=["work-tree", "committed"])
@pytest.mark.parametrize("case", sorted(FROZEN_CASES))
def test_edits_after_issue_are_caught(
    frozen_base: Path, tmp_path: Path, case: str, committed: bool
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(frozen_base, repo)
    damage, code = FROZEN_CASES[case]
    damage(repo)
    if committed:
        commit_all(repo, "retouche")
    found = codes(repo)
    assert code in found, found


def test_a_plain_rename_is_no_edit(frozen_base: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(frozen_base, repo)
    git(repo, "mv", FAC, "data/interactions/2026/renommee.yaml")
    commit_all(repo, "rangement")
    # The world's order was issued by hand, before originals: its warning is not an edit.
    quiet = {"history-unavailable", "document-original-missing"}
    assert [c for c in codes(repo) if c not in quiet] == []
    assert run(repo, "invoice", "pay", "F2026-0001", "10", "--date", TODAY).exit_code == 0
    assert [c for c in codes(repo) if c not in quiet] == []  # a payment is no edit


def test_an_uncommitted_issue_is_a_warning(frozen_base: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(frozen_base, repo)
    result = run(repo, "invoice", "issue", "brouillon", "--date", "2026-03-05", "--no-commit")
    assert result.exit_code == 0, result.output
    assert "non enregistré dans git (--no-commit)" in result.output
    validate = run(repo, "validate")
    assert validate.exit_code == 0 and "[document-uncommitted]" in validate.output


def test_a_commit_alone_is_seen_by_a_warm_validate(frozen_base: Path, tmp_path: Path) -> None:
    """The cached answer holds only while git's files are unchanged too: committing the
    issued document (no data file touched) clears its warning."""
    repo = tmp_path / "repo"
    shutil.copytree(frozen_base, repo)
    result = run(repo, "invoice", "issue", "brouillon", "--date", "2026-03-05", "--no-commit")
    assert result.exit_code == 0, result.output
    assert "[document-uncommitted]" in run(repo, "validate").output
    assert "[document-uncommitted]" in run(repo, "validate").output  # from the cache
    commit_all(repo, "émission")
    assert "[document-uncommitted]" not in run(repo, "validate").output


def test_git_files_that_move_without_changing_the_answer_are_remembered(
    frozen_base: Path, tmp_path: Path
) -> None:
    """`git pack-refs` rewrites git's files, not the answer: the stored run takes the new
    fingerprint, so that the next warm runs skip `git status` again."""
    import json

    repo = tmp_path / "repo"
    shutil.copytree(frozen_base, repo)
    run(repo, "validate")

    def stored_fingerprint() -> object:
        (found,) = (repo / ".carnet-cache").glob("validate-*.json")
        return json.loads(found.read_text(encoding="utf-8"))["value"]["git"]

    before = stored_fingerprint()
    git(repo, "pack-refs", "--all")
    assert run(repo, "validate").exit_code == 0
    after = stored_fingerprint()
    assert after != before and after is not None
