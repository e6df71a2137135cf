"""What loading produced, before the Book: each record with its id and file, every id.

A record whose file has a schema error is kept with the fields that validated, so
references to it are no second error and checks still see its other fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.schema import Settings
from generator.schema.common import Record


@dataclass(frozen=True, slots=True)
class Entry:
    """A validated record with its id and the file it came from (a record whose file has
    schema errors holds the fields that validated: see ``faulty``)."""

    kind: str
    id: str
    path: str
    record: Any
    faulty: frozenset[str] = frozenset()
    """Top-level fields of the file that failed validation: the record holds them without
    their value (left out, or a stand-in when required) and no check reports on them."""


@dataclass(slots=True)
class Records:
    """Everything loaded: valid records per kind, and every id that has a file.

    References are checked against ``ids`` (a record with a schema error still exists,
    so pointing at it is not a second error); deeper checks use ``by_kind``.
    """

    settings: Settings | None
    settings_path: str = "data/settings.yaml"
    by_kind: dict[str, dict[str, Entry]] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    """Every record file found, readable or not."""
    lang: str = "fr"

    def of(self, kind: str) -> Iterator[Entry]:
        """The valid records of ``kind``."""
        return iter(self.by_kind.get(kind, {}).values())

    def get(self, kind: str, record_id: str | None) -> Record | None:
        """The valid record ``kind/record_id``, if any."""
        if record_id is None:
            return None
        entry = self.by_kind.get(kind, {}).get(record_id)
        return entry.record if entry else None
