"""A file's problems in one run: every schema error of the record, and the checks on the
fields that validated (the record enters the Book with them; no check reports on a field
that failed, and none crashes on a record that misses fields)."""

from __future__ import annotations

import copy
import shutil
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from generator.book.book import Book
from generator.book.records import Entry
from generator.book.variants import with_entry
from generator.checks import run_checks
from generator.load import load
from generator.schema import KINDS_BY_NAME
from generator.schema.parse import parse_file

TASK = "data/interactions/2026/projet-mbs-2026-rapport-t1.yaml"
INVOICE = "data/interactions/2026/facture-formation-html-fontaine.yaml"


def _copy(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    return repo


def _edit(repo: Path, rel: str, *pairs: tuple[str, str]) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _found(repo: Path, rel: str) -> set[tuple[int, str]]:
    result = load(repo, today=TODAY, use_cache=False)
    assert result.book is None  # errors: no target ever gets this Book
    return {(p.line, p.code) for p in result.problems if p.path == rel}


def test_an_invalid_state_does_not_hide_an_unknown_user(tmp_path: Path) -> None:
    """The issue's case: ``state: Ouvert`` and ``user: inconnu`` both in one run."""
    repo = _copy(tmp_path)
    _edit(repo, TASK, ("state: done", "state: Ouvert"), ("user: benoit", "user: inconnu"))
    assert _found(repo, TASK) == {(3, "ref-unknown"), (12, "enum-invalid")}


def test_missing_required_fields_do_not_hide_references(tmp_path: Path) -> None:
    repo = _copy(tmp_path)
    _edit(
        repo,
        TASK,
        ("date: 2026-04-10\n", ""),
        ("subject: Mes Beaux Sapins 2026 / Rapport d'audience T1 / Publier sur l'extranet\n", ""),
        ("company: mes-beaux-sapins", "company: mes-beaux-sapin"),
        ("project: sapins-2026", "project: sapins-2062"),
    )
    result = load(repo, today=TODAY, use_cache=False)
    found = [p for p in result.problems if p.path == TASK]
    assert {(5, "ref-unknown"), (6, "ref-unknown")} <= {(p.line, p.code) for p in found}
    missing = [p.message for p in found if p.code == "field-missing"]
    assert sorted(missing) == [
        "champ obligatoire « Date action (date) » absent",
        "champ obligatoire « Sujet (subject) » absent",
    ]


def test_a_company_and_a_contact_report_everything_at_once(tmp_path: Path) -> None:
    """An unknown kind of company (required enum) with an unknown interest; a contact
    without a last name, with a wrong type of role and an unknown company."""
    repo = _copy(tmp_path)
    company = "data/companies/mes-beaux-sapins.yaml"
    _edit(
        repo, company, ("kind: client", "kind: cliente"), ("interests: [", "interests: [inconnu, ")
    )
    contact = "data/contacts/jeanne-sapin.yaml"
    _edit(
        repo,
        contact,
        ("last_name: Sapin\n", ""),
        ("company: mes-beaux-sapins", "company: mes-beaux-sapin"),
        ("role: Responsable communication", "role: [pas, du, texte]"),
        ("interests: [professionnel", "interests: [professionel"),
    )
    assert {c for _, c in _found(repo, company)} == {"enum-invalid", "list-value-unknown"}
    assert {c for _, c in _found(repo, contact)} == {
        "field-missing",
        "ref-unknown",
        "type-invalid",
        "list-value-unknown",
    }


def test_no_check_reports_on_a_field_that_failed(tmp_path: Path) -> None:
    """``user: 12`` is a number: its schema problem says so, and no « unknown user »
    follows for the stand-in the record holds."""
    repo = _copy(tmp_path)
    _edit(repo, TASK, ("user: benoit", "user: 12"), ("kind: project", "kind: [project]"))
    assert _found(repo, TASK) == {(1, "type-invalid"), (3, "yaml-number")}


def test_build_and_documents_refuse_a_repository_with_errors(tmp_path: Path, carnet) -> None:
    repo = _copy(tmp_path)
    _edit(repo, TASK, ("state: done", "state: Ouvert"))
    for command in ("build", "documents"):
        result = carnet(command, repo=repo)
        assert result.exit_code == 1, result.output
        assert "[enum-invalid]" in result.output
    assert not (repo / "build" / "site").exists()
    assert not list((repo / "build").rglob("*.pdf")) if (repo / "build").exists() else True


# ---------------------------------------------------------------------------------------
# Every field of every kind, made invalid or removed: parsing keeps the rest, the checks
# never crash and never report on the faulty field.

SAMPLES = {
    "company": "data/companies/mes-beaux-sapins.yaml",
    "contact": "data/contacts/jeanne-sapin.yaml",
    "project": "data/projects/sapins-2026.yaml",
    "interaction": TASK,
    "product": "data/stock/products/nordmann-200.yaml",
    "movement": "data/stock/movements/2026/entree-2026-0001.yaml",
}
DOCUMENT = ("interaction", INVOICE)
WRONG = [[1]]
"""Wrong for every field: a list of lists is no text, number, date, choice, mapping, nor
a list of texts or records."""


@cache
def example() -> Book:
    """The example's Book (not a fixture: hypothesis would print it with each example)."""
    book = load(ROOT, today=TODAY, use_cache=False).book
    assert book is not None
    return book


def _entry_of(book: Book, kind: str, rel: str) -> Entry:
    return next(e for e in book.of(kind) if e.path == rel)


def _mutated(kind: str, rel: str, changes: dict[str, object]) -> tuple[bytes, dict]:
    value = yaml.safe_load((ROOT / rel).read_text(encoding="utf-8"))
    for field, new in changes.items():
        if new is None:
            value.pop(field, None)
        else:
            value[field] = copy.deepcopy(new)  # one object twice would dump as a YAML alias
    return yaml.safe_dump(value, allow_unicode=True).encode("utf-8"), value


def _fields(kind: str) -> list[str]:
    model = KINDS_BY_NAME[kind].model
    return [f.alias or name for name, f in model.model_fields.items()]


def _check(book: Book, kind: str, rel: str, changes: dict[str, object]) -> None:
    """Parse the sample with ``changes``; put it in the Book; run every check."""
    model = KINDS_BY_NAME[kind].model
    raw, _ = _mutated(kind, rel, changes)
    parsed = parse_file(model, rel, raw, tz="Europe/Paris")
    assert parsed.problems, changes
    original = _entry_of(book, kind, rel)
    if parsed.record is None:
        # only a required list that must not be empty has no stand-in
        assert kind == "movement" and "lines" in changes, changes
        return
    faulty = {f for f, new in changes.items() if new is not None or model_field_required(kind, f)}
    assert parsed.faulty == faulty, (changes, parsed.faulty)
    for field in set(_fields(kind)) - faulty - set(changes):
        name = next(n for n, f in model.model_fields.items() if (f.alias or n) == field)
        assert getattr(parsed.record, name) == getattr(original.record, name), field
    entry = Entry(kind, original.id, rel, parsed.record, parsed.faulty)
    problems = run_checks(with_entry(book, entry), None, ROOT)
    assert not [p for p in problems if p.path == rel and p.loc and p.loc[0] in faulty], problems


def model_field_required(kind: str, field: str) -> bool:
    model = KINDS_BY_NAME[kind].model
    return next(f for n, f in model.model_fields.items() if (f.alias or n) == field).is_required()


CASES = [
    (kind, rel, field, new)
    for kind, rel in [*SAMPLES.items(), DOCUMENT]
    for field in _fields(kind)
    for new in (WRONG, None)
    if new is not None or model_field_required(kind, field)
]


@pytest.mark.parametrize(("kind", "rel", "field", "new"), CASES)
def test_each_field_wrong_or_missing(kind: str, rel: str, field, new) -> None:
    _check(example(), kind, rel, {field: new})


@hypothesis_settings(max_examples=60)
@given(data=st.data())
def test_any_fields_wrong_or_missing_together(data) -> None:
    kind, rel = data.draw(st.sampled_from([*SAMPLES.items(), DOCUMENT]))
    fields = data.draw(st.sets(st.sampled_from(_fields(kind)), min_size=1, max_size=6))
    changes = {
        f: data.draw(st.sampled_from([WRONG, None] if model_field_required(kind, f) else [WRONG]))
        for f in fields
    }
    _check(example(), kind, rel, changes)


def test_a_partial_record_survives_the_cache(tmp_path: Path) -> None:
    """The same problems from a cold and a warm run (the record, its stand-ins and its
    faulty fields are kept in the cache)."""
    repo = _copy(tmp_path)
    _edit(repo, TASK, ("state: done", "state: Ouvert"), ("user: benoit", "user: inconnu"))
    cold = load(repo, today=TODAY, need_book=True)
    warm = load(repo, today=TODAY, need_book=True)
    assert [p.code for p in cold.problems if p.path == TASK] == ["ref-unknown", "enum-invalid"]
    assert [p.format_text() for p in warm.problems] == [p.format_text() for p in cold.problems]


def test_settings_never_get_stand_ins(tmp_path: Path) -> None:
    """Every record depends on the settings: a required field of theirs that failed
    stops the checks (no record is compared with an empty list of users)."""
    repo = _copy(tmp_path)
    _edit(repo, "data/settings.yaml", ("users:", "users: 3\nold_users:"))
    result = load(repo, today=TODAY, use_cache=False)
    codes = {p.code for p in result.problems}
    assert "ref-unknown" not in codes and result.book is None


def test_a_faulty_optional_setting_inside_a_required_block_hides_nothing(
    tmp_path: Path,
) -> None:
    """``firm.logo: 12`` is left out, not the whole ``firm`` (which would stop every
    check): the unknown user of an interaction is reported in the same run."""
    repo = _copy(tmp_path)
    _edit(
        repo,
        "data/settings.yaml",
        (
            "  email: contact@atelier-dupont.fr\n",
            "  email: contact@atelier-dupont.fr\n  logo: 12\n",
        ),
    )
    _edit(repo, TASK, ("user: benoit", "user: inconnu"))
    result = load(repo, today=TODAY, use_cache=False)
    found = {(p.path, p.code) for p in result.problems}
    assert {("data/settings.yaml", "yaml-number"), (TASK, "ref-unknown")} <= found
