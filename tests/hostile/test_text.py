"""Hostile text: control characters and bidirectional overrides in records, terminal
escape sequences and rich markup echoed by commands, values megabytes long quoted in
messages, and numbers beyond what a small business (or Python's Decimal) can hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from hostile.conftest import assert_no_crash, commit_all, git

Carnet = Callable[..., Result]
OTHER = ("data/companies/autre-probleme.yaml", 2, 7, "enum-invalid")
"""A plain mistake planted in every repository: it must still be reported."""
ESCAPES = ("\x1b", "\x07", "\x00", "\x9b", "\u202e")
SECRET = "SECRET-7f3a9c"


def plant_other_problem(repo: Path) -> None:
    """A company whose kind is misspelt (``data/companies/autre-probleme.yaml:2:7``)."""
    (repo / OTHER[0]).write_text("name: Autre problème\nkind: clientt\n", encoding="utf-8")


def validate_json(carnet: Carnet, repo: Path) -> tuple[Result, list[dict[str, object]]]:
    """``validate --format json`` (which must stay exact JSON): result and problems."""
    result = carnet(repo, "validate", "--format", "json")
    assert_no_crash(result)
    return result, json.loads(result.stdout)


def located(problems: list[dict[str, object]]) -> set[tuple[object, ...]]:
    """``(path, line, column, code)`` of every problem."""
    return {(p["path"], p["line"], p["column"], p["code"]) for p in problems}


def write(repo: Path, rel: str, text: str) -> None:
    """Write ``text`` (YAML escapes such as ``\\e`` stay as typed) at ``repo/rel``."""
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")


def test_control_characters_are_refused_in_every_text_field(carnet: Carnet, repo: Path) -> None:
    write(
        repo,
        "data/companies/echappee.yaml",
        'name: "Échappée\\e]0;titre\\a"\nkind: client\nnote: "ligne\\0nulle"\n'
        'address: {street: "1 rue\\x9b2J", city: Lyon}\n',
    )
    write(
        repo,
        "data/contacts/cloche.yaml",
        'last_name: Cloche\nrole: "Chef\\a"\nkyc: [{questionnaire: q, date: 2026-01-01, answers: {question: ["oui", "non\\e[5m"]}}]\n',
    )
    write(
        repo,
        "data/stock/products/produit-nul.yaml",
        'name: "Produit\\0"\nunit: pièce\nprice: 10\nvat_rate: 20\n',
    )
    settings = repo / "data" / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("  name: Atelier Dupont\n", '  name: "Atelier\\e[2JDupont"\n'),
        encoding="utf-8",
    )
    deal = repo / "data" / "interactions" / "2026" / "devis-accompagnement-2027-mbs.yaml"
    deal.write_text(
        deal.read_text(encoding="utf-8").replace(
            "description: Forfait évolutions (heures)", 'description: "Forfait\\b\\b\\b"'
        ),
        encoding="utf-8",
    )
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    code = "text-control-character"
    assert located(problems) >= {
        ("data/companies/echappee.yaml", 1, 7, code),
        ("data/companies/echappee.yaml", 3, 7, code),
        ("data/companies/echappee.yaml", 4, 19, code),
        ("data/contacts/cloche.yaml", 2, 7, code),
        ("data/contacts/cloche.yaml", 3, 53, code),
        ("data/stock/products/produit-nul.yaml", 1, 7, code),
        ("data/settings.yaml", 3, 9, code),
        ("data/interactions/2026/devis-accompagnement-2027-mbs.yaml", 21, 20, code),
        OTHER,
    }
    messages = {p["message"] for p in problems if p["code"] == code}
    assert any("U+001B (ESCAPE)" in str(m) for m in messages)
    assert any("U+0000" in str(m) for m in messages)
    text_output = carnet(repo, "validate").output
    assert not any(char in text_output for char in ESCAPES)


def test_bidirectional_overrides_are_refused_in_names_only(carnet: Carnet, repo: Path) -> None:
    write(
        repo,
        "data/companies/miroir.yaml",
        'name: "Banque\\u202Efdp.exe"\nkind: client\nphone: "04\\u2066 72"\n'
        'note: "Texte libre en arabe : \\u202Bمرحبا\\u202C"\n',
    )
    deal = repo / "data" / "interactions" / "2026" / "devis-accompagnement-2027-mbs.yaml"
    deal.write_text(
        deal.read_text(encoding="utf-8").replace(
            "subject: Accompagnement / Contrat 2027 / Mes Beaux Sapins",
            'subject: "\\u202EAccompagnement / Contrat 2027 / Mes Beaux Sapins"',
        ),
        encoding="utf-8",
    )
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    code = "text-control-character"
    assert located(problems) >= {
        ("data/companies/miroir.yaml", 1, 7, code),
        ("data/companies/miroir.yaml", 3, 8, code),
        ("data/interactions/2026/devis-accompagnement-2027-mbs.yaml", 5, 10, code),
        OTHER,
    }
    assert not [p for p in problems if p["path"] == "data/companies/miroir.yaml" and p["line"] == 4]
    assert any("U+202E (RIGHT-TO-LEFT OVERRIDE)" in str(p["message"]) for p in problems)
    assert "\u202e" not in carnet(repo, "validate").output


def test_history_never_prints_escape_sequences_or_markup(carnet: Carnet, repo: Path) -> None:
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(
        text.replace("name: Mes Beaux Sapins", 'name: "Mes Beaux Sapins\\e]0;pwned\\a\\e[2J"')
        .replace("kind: client", "kind: client\nwebsite: '[link=file:///etc/passwd]clic[/link]'")
        .replace("phone:", 'legal_form: "SAS\\x9b31m"\nphone:'),
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    author = "Mallory\x1b[31m <mallory@example.org>"
    git(repo, "commit", "-qm", "Échappement", f"--author={author}")
    company.write_text(text.replace("Mes Beaux Sapins", "Mes Beaux Sapins\u202e"), "utf-8")

    result = carnet(repo, "history", "company/mes-beaux-sapins")
    assert_no_crash(result)
    assert result.exit_code == 0
    assert not any(char in result.output for char in ESCAPES)
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in result.output
    assert "Mallory\\x1b[31m" in result.output
    assert "SAS\\x9b31m" in result.output
    assert "[link=file:///etc/passwd]clic[/link]" in result.output

    since = carnet(repo, "history", "--since", "2020-01-01")
    assert_no_crash(since)
    assert not any(char in since.output for char in ESCAPES)
    assert "Mallory\\x1b[31m" in since.output


def test_file_names_with_escapes_are_shown_escaped(carnet: Carnet, repo: Path) -> None:
    write(repo, "data/companies/\x1b[2J\x1b]0;x\x07.yaml", "name: Nom\nkind: client\n")
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    name = "data/companies/\x1b[2J\x1b]0;x\x07.yaml"
    assert (name, 1, 1, "id-invalid") in located(problems)
    assert OTHER in located(problems)
    text = carnet(repo, "validate").output
    assert not any(char in text for char in ESCAPES)
    assert "data/companies/\\x1b[2J\\x1b]0;x\\x07.yaml:1:1" in text


@pytest.mark.parametrize(
    ("field", "line", "column", "code"),
    [
        ("kind", 2, 7, "enum-invalid"),
        ("address", 3, 10, "type-invalid"),
        ("siret", 4, 8, "siret-invalid"),
    ],
)
def test_messages_quote_only_a_short_piece_of_a_value(
    carnet: Carnet, repo: Path, field: str, line: int, column: int, code: str
) -> None:
    long_value = "x" * 45 + SECRET + "y" * 20_000
    values = {"kind": "client", "address": "{city: Lyon}", "siret": '"73282932000074"'}
    values[field] = long_value
    write(
        repo,
        "data/companies/longue.yaml",
        f"name: Longue\nkind: {values['kind']}\naddress: {values['address']}\n"
        f"siret: {values['siret']}\n",
    )
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert {("data/companies/longue.yaml", line, column, code), OTHER} <= located(problems)
    assert SECRET not in result.output
    [problem] = [p for p in problems if p["path"] == "data/companies/longue.yaml"]
    assert len(str(problem["message"])) < 200 and "x" * 39 + "…" in str(problem["message"])


def test_whole_file_values_are_not_quoted(carnet: Carnet, repo: Path, outside: Path) -> None:
    write(repo, "data/companies/scalaire.yaml", "x" * 50 + SECRET + "\n")
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert {("data/companies/scalaire.yaml", 1, 1, "file-not-mapping"), OTHER} <= located(problems)
    assert SECRET not in result.output


SETTINGS_BOUNDS = [
    ("vat_rates: [20, 10, 5.5, 2.1, 0]", "vat_rates: [20, 200, -5]", 18, 17, "value-invalid"),
    ("vat_rates: [20, 10, 5.5, 2.1, 0]", "vat_rates: [20, -5]", 18, 17, "value-invalid"),
    ("currency: EUR", "currency: BTC", 17, 11, "value-invalid"),
    ("payment_terms_days: 30", "payment_terms_days: 99999999", 24, 23, "value-invalid"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "code"), SETTINGS_BOUNDS)
def test_settings_bounds(
    carnet: Carnet, repo: Path, old: str, new: str, line: int, column: int, code: str
) -> None:
    settings = repo / "data" / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(old, new), "utf-8")
    plant_other_problem(repo)
    commit_all(repo, "Réglages")
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert {("data/settings.yaml", line, column, code), OTHER} <= located(problems)
    issued = carnet(repo, "invoice", "issue", "devis-accompagnement-2027-mbs")
    assert_no_crash(issued)
    assert issued.exit_code == 1


def test_line_amounts_that_would_overflow_the_totals(carnet: Carnet, repo: Path) -> None:
    deal = repo / "data" / "interactions" / "2026" / "devis-accompagnement-2027-mbs.yaml"
    head = deal.read_text(encoding="utf-8").split("  lines:")[0]
    line = (
        "    - description: Énorme\n      quantity: 999999999999.999999\n"
        "      unit_price: 999999999999.999999\n      vat_rate: 20\n"
    )
    deal.write_text(head + "  lines:\n" + line * 300, encoding="utf-8")
    plant_other_problem(repo)
    commit_all(repo, "Énorme")
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    path = "data/interactions/2026/devis-accompagnement-2027-mbs.yaml"
    assert {(path, 15, 7, "value-invalid"), (path, 1211, 7, "value-invalid"), OTHER} <= located(
        problems
    )
    for command in (("build",), ("documents",), ("summary",)):
        run = carnet(repo, *command)
        assert_no_crash(run)
        assert run.exit_code == 1


def test_password_env_pattern_reads_in_french(carnet, repo) -> None:
    """A ``password_env`` outside ``CARNET_`` is explained in words, not as a regex."""
    project = repo / "data" / "projects" / "sapins-2026.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        text.replace("password_env: CARNET_EXTRANET_SAPINS", "password_env: PATH"),
        encoding="utf-8",
    )
    result = carnet(repo, "validate")
    assert result.exit_code == 1
    assert "commençant par CARNET_" in result.output
    assert "^CARNET_" not in result.output
