"""A Book built from another (``carnet serve``'s plain site Book, from the whole one)
takes only the views whose records are the very same: it is the Book a build from
scratch makes, field by field and in the same order."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

import pytest
from conftest import ROOT, TODAY

from generator.book.book import KINDS, Book, build_book
from generator.book.privacy import private_projects, public_records, without_private
from generator.book.records import Records
from generator.load import load


@pytest.fixture(scope="module")
def book() -> Book:
    result = load(ROOT, today=TODAY, use_cache=False)
    assert result.book is not None
    return result.book


def assert_same_book(ours: Book, theirs: Book) -> None:
    for field in dataclasses.fields(Book):
        a, b = getattr(ours, field.name), getattr(theirs, field.name)
        assert a == b, field.name
        if isinstance(a, Mapping):
            assert list(a) == list(b), f"{field.name}: not in the same order"


def test_the_plain_site_book_is_the_book_of_its_records(book: Book) -> None:
    assert private_projects(book), "the example should have a private project"
    records = public_records(book)
    assert records is not None
    scratch = build_book(records, book.today)
    if book.settings.private_totals:
        scratch = replace(scratch, pipeline_totals=book.pipeline_totals)
    assert_same_book(without_private(book), scratch)
    for private in (True, False):  # the pipelines' totals, with or without private amounts
        settings = book.settings.model_copy(update={"private_totals": private})
        whole = build_book(_records(book, settings=settings), book.today)
        public = public_records(whole)
        assert public is not None
        expected = build_book(public, book.today)
        if private:
            expected = replace(expected, pipeline_totals=whole.pipeline_totals)
        assert_same_book(without_private(whole), expected)


def test_a_book_built_on_another_computes_again_what_changed(book: Book) -> None:
    """A contact's address, an interaction's start, a document's lines, a movement gone:
    each view they play a part in is computed again, not taken from the earlier Book."""
    records = _records(book)
    contact = next(e for e in records.by_kind["contact"].values() if e.record.email)
    records.by_kind["contact"][contact.id] = replace(
        contact, record=contact.record.model_copy(update={"email": None})
    )
    timed = next(e for e in records.by_kind["interaction"].values() if e.record.start)
    moved = timed.record.start + timedelta(days=1, hours=2)
    records.by_kind["interaction"][timed.id] = replace(
        timed, record=timed.record.model_copy(update={"start": moved})
    )
    documents = [e for e in records.by_kind["interaction"].values() if e.record.document]
    first, other = documents[0], next(d for d in documents[1:] if len(d.record.document.lines))
    lines = other.record.document.lines
    changed = first.record.document.model_copy(update={"lines": lines})
    records.by_kind["interaction"][first.id] = replace(
        first, record=first.record.model_copy(update={"document": changed})
    )
    movement = next(iter(records.by_kind["movement"]))
    del records.by_kind["movement"][movement]
    records.ids["movement"].discard(movement)
    scratch = build_book(records, book.today)
    assert scratch.occurrences[timed.id] != book.occurrences[timed.id]
    assert scratch.document_totals[first.id] != book.document_totals[first.id]
    assert scratch.consent != book.consent
    assert_same_book(build_book(records, book.today, base=book), scratch)


def test_a_book_of_another_day_or_settings_takes_nothing(book: Book) -> None:
    later = book.today + timedelta(days=400)
    assert_same_book(
        build_book(_records(book), later, base=book), build_book(_records(book), later)
    )


def _records(book: Book, settings=None) -> Records:
    return Records(
        settings=settings or book.settings,
        by_kind={kind: dict(book.by_kind(kind)) for kind in KINDS},
        ids={kind: set(known) for kind, known in book.ids.items()},
        paths=set(book.files),
        lang=book.lang,
    )
