"""The would-be files of an import validated as ``carnet validate`` validates typed ones:
each file's schema, then every check on the Book as it would be; each problem pointed at
the row and column of the imported file it came from."""

from __future__ import annotations

import dataclasses
import os

from generator.book.book import Book
from generator.book.intake import undeclared
from generator.book.records import Entry
from generator.book.variants import with_entries
from generator.checks import run_checks
from generator.files.edits import ChangeSet
from generator.files.layout import kind_of
from generator.importers.drafts import Draft
from generator.importers.fields import custom_fields
from generator.problems import Problem
from generator.schema.batch import parse_all
from generator.schema.parse import ParsedRecord

FOLDERS = {"company": "data/companies", "contact": "data/contacts"}


def _top_key(text: str, line: int) -> str | None:
    """The top-level key whose value holds ``line`` of a YAML text this module wrote."""
    found = None
    for number, content in enumerate(text.splitlines(), start=1):
        if number > line:
            break
        if content and not content[0].isspace() and ":" in content and not content.startswith("#"):
            found = content.split(":", 1)[0].strip()
    return found


def validate_drafts(
    book: Book,
    changes: ChangeSet,
    sources: dict[str, Draft],
    parsed: dict[str, ParsedRecord],
    shown: str,
    lang: str,
) -> list[Problem]:
    """The would-be files parsed as ``carnet validate`` parses typed ones (the new ones
    already are, in ``parsed``; the updated ones by validate's own
    :func:`~generator.schema.batch.parse_all`), then every check run on the Book as it
    would be; the problems, located in the imported file."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    texts = changes.contents()
    todo = [
        (kind, rel, payload)
        for rel, payload in texts.items()
        if rel not in parsed and (kind := kind_of(rel)) in FOLDERS and rel in sources
    ]
    updated = parse_all(todo, book.settings.timezone, lang, os.cpu_count() or 1)
    declared = {kind: set(keys) for kind, keys in custom_fields(book).items()}
    for rel, result in [*updated, *parsed.items()]:
        draft = sources[rel]
        found = undeclared(result.problems, declared.get(kind_of(rel)))
        if found:
            text = texts[rel].decode("utf-8")
            for p in found:
                problems.append(_located(p, draft, _top_key(text, p.line), shown))
        if result.record is not None:
            record_id = rel.rpartition("/")[2].removesuffix(".yaml")
            entries.append(Entry(kind_of(rel), record_id, rel, result.record, result.faulty))
    if not entries:
        return problems
    after = with_entries(book, entries)
    for p in run_checks(after):
        draft = sources.get(p.path)
        if draft is not None:
            problems.append(_located(p, draft, str(p.loc[0]) if p.loc else None, shown))
    return problems


def _located(problem: Problem, draft: Draft, key: str | None, shown: str) -> Problem:
    """``problem`` found in a would-be file, pointed at the row and column it came from."""
    column = draft.column(key) if key else draft.column("")
    return dataclasses.replace(problem, path=shown, line=draft.line, column=column, loc=None)
