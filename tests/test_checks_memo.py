"""The checks ``carnet serve`` keeps record by record (the references) find, after any edit, the very
problems they find from scratch: on the record edited, on the records that name it (a
contact's company moved), and on those whose references a removal broke."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from conftest import ROOT, TODAY

from generator.book.book import KINDS, Book, build_book
from generator.book.records import Records
from generator.checks import run_checks
from generator.checks.memo import CheckMemo
from generator.load import load


def _records(book: Book) -> Records:
    return Records(
        settings=book.settings,
        by_kind={kind: dict(book.by_kind(kind)) for kind in KINDS},
        ids={kind: set(known) for kind, known in book.ids.items()},
        paths=set(book.files),
        lang=book.lang,
    )


def _codes(problems: list) -> dict[str, int]:
    return dict(Counter(p.code for p in problems))


def _primed() -> tuple[Book, CheckMemo]:
    """The example's Book, and a memo that has checked it once (the same problems as a
    run from scratch)."""
    book = load(ROOT, today=TODAY, use_cache=False).book
    assert book is not None
    memo = CheckMemo()
    assert run_checks(book, memo=memo) == run_checks(book)
    return book, memo


def test_kept_checks_find_what_a_run_from_scratch_finds() -> None:
    book, memo = _primed()

    records = _records(book)
    interactions = records.by_kind["interaction"]
    lost = next(iter(interactions.values()))
    interactions[lost.id] = replace(
        lost, record=lost.record.model_copy(update={"project": "projet-inconnu"})
    )
    # a contact moved to another company: the interactions naming it now mismatch
    seen = next(
        e
        for e in interactions.values()
        if e.record.contact and e.record.company and e.id != lost.id
    )
    contact = records.by_kind["contact"][seen.record.contact]
    other = next(c for c in records.by_kind["company"] if c != seen.record.company)
    records.by_kind["contact"][contact.id] = replace(
        contact, record=contact.record.model_copy(update={"company": other})
    )
    edited = build_book(records, book.today)
    before = _codes(run_checks(book))
    scratch = run_checks(edited)
    after = _codes(scratch)
    assert after.get("ref-unknown", 0) == before.get("ref-unknown", 0) + 1
    assert after.get("contact-company-mismatch", 0) > before.get("contact-company-mismatch", 0)
    assert run_checks(edited, memo=memo) == scratch

    # a company removed: the untouched records naming it now point nowhere
    named = {e.record.company for e in records.by_kind["contact"].values() if e.record.company}
    gone = next(c for c in records.by_kind["company"] if c in named and c != other)
    del records.by_kind["company"][gone]
    records.ids["company"].discard(gone)
    removed = build_book(records, book.today)
    scratch = run_checks(removed)
    assert _codes(scratch)["ref-unknown"] > after["ref-unknown"]
    assert run_checks(removed, memo=memo) == scratch
    assert run_checks(book, memo=memo) == run_checks(book)  # and back


def test_kept_stage_checks_follow_the_interactions_and_the_settings() -> None:
    book, memo = _primed()
    records = _records(book)
    interactions = records.by_kind["interaction"]
    wrong = next(e for e in interactions.values() if e.record.document is None)
    interactions[wrong.id] = replace(
        wrong, record=wrong.record.model_copy(update={"type": "Étape inconnue"})
    )
    edited = build_book(records, book.today)
    scratch = run_checks(edited)
    assert (
        _codes(scratch).get("stage-invalid", 0)
        == _codes(run_checks(book)).get("stage-invalid", 0) + 1
    )
    assert run_checks(edited, memo=memo) == scratch
    # a stage renamed in the settings: the untouched interactions at that stage are wrong
    kind = wrong.record.kind
    pipelines = dict(book.settings.pipelines)
    stages = list(pipelines[kind].stages)
    stages[0] = stages[0] + " (renommée)"
    pipelines[kind] = pipelines[kind].model_copy(update={"stages": stages})
    records.settings = book.settings.model_copy(update={"pipelines": pipelines})
    renamed = build_book(records, book.today)
    scratch = run_checks(renamed)
    assert _codes(scratch)["stage-invalid"] > _codes(run_checks(edited)).get("stage-invalid", 0)
    assert run_checks(renamed, memo=memo) == scratch


def test_kept_identifier_checks_follow_the_records_and_the_language() -> None:
    book, memo = _primed()
    records = _records(book)
    company = next(e for e in records.by_kind["company"].values() if e.record.siret)
    records.by_kind["company"][company.id] = replace(
        company, record=company.record.model_copy(update={"siret": "12345678901234"})
    )
    edited = build_book(records, book.today)
    scratch = run_checks(edited)
    assert _codes(scratch).get("siret-invalid", 0) > _codes(run_checks(book)).get(
        "siret-invalid", 0
    )
    assert run_checks(edited, memo=memo) == scratch
    records.lang = "en"  # the same records, their problems in English
    english = build_book(records, book.today)
    assert run_checks(english, memo=memo) == run_checks(english)
