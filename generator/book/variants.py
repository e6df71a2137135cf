"""Books made from another Book, or from the records alone.

:func:`with_entries` is the Book as it would be once a command has written its records
(every view computed again, for the checks a command runs before it writes);
:func:`index_book` is a Book of the records alone, every view empty, for the checks that
read nothing else while the views are computed (:mod:`generator.checks.early`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from types import MappingProxyType
from typing import Any

from generator.book.book import KINDS, Book, build_book, records_by_kind
from generator.book.compliance import Compliance
from generator.book.counting import ProjectMargin
from generator.book.records import Entry, Records


def with_entry(book: Book, entry: Entry) -> Book:
    """The Book as it would be with ``entry`` in place of the record of the same kind and
    id (what a command is about to write), every view computed again."""
    return with_entries(book, [entry])


def with_entries(book: Book, entries: Iterable[Entry]) -> Book:
    """The Book as it would be with ``entries`` in place of (or besides) its records of
    the same kind and id, every view computed again."""
    by_kind = {kind: dict(book.by_kind(kind)) for kind in KINDS}
    ids = {kind: set(known) for kind, known in book.ids.items()}
    paths = set(book.files)
    for entry in entries:
        by_kind[entry.kind][entry.id] = entry
        ids.setdefault(entry.kind, set()).add(entry.id)
        paths.add(entry.path)
    records = Records(settings=book.settings, by_kind=by_kind, ids=ids, paths=paths, lang=book.lang)
    return build_book(records, book.today)


_INDEX_FIELDS = {
    "companies": "company",
    "contacts": "contact",
    "projects": "project",
    "interactions": "interaction",
    "products": "product",
    "movements": "movement",
    "campaigns": "campaign",
    "send_logs": "sendlog",
}
"""The Book's fields that hold records, and their kinds."""


def index_book(records: Records, today: date) -> Book:
    """A Book of the records alone: settings, language, ids, files and the records of
    each kind as :func:`build_book` holds them, every view EMPTY. Made in a moment, for
    the checks that read nothing else (:mod:`generator.checks.early`) while the views
    are computed; never for a target. ``records.settings`` is needed."""
    if records.settings is None:
        raise ValueError("a Book needs settings")
    kinds = records_by_kind(records, records.settings)
    empty: dict[str, Any] = {}
    for name in Book.__dataclass_fields__:
        empty[name] = MappingProxyType({})
    empty.update(
        opportunities=(),
        documents=(),
        stock_issues=(),
        margin_total=ProjectMargin(),
        compliance=Compliance(MappingProxyType({}), MappingProxyType({}), MappingProxyType({})),
    )
    return Book(
        **{
            **empty,
            **{name: MappingProxyType(kinds[kind]) for name, kind in _INDEX_FIELDS.items()},
            "settings": records.settings,
            "today": today,
            "lang": records.lang,
            "ids": MappingProxyType({k: frozenset(v) for k, v in records.ids.items()}),
            "files": frozenset(records.paths),
        }
    )
