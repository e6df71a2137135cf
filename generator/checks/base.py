"""What every check receives, and helpers to report a problem on a record's field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.problems import Loc, Problem, make_problem
from generator.schema import Settings
from generator.schema.common import Record


@dataclass(frozen=True, slots=True)
class Entry:
    """A validated record with its id and the file it came from."""

    kind: str
    id: str
    path: str
    record: Any


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


def at(records: Records, path: str, loc: Loc, code: str, **params: Any) -> Problem:
    """A problem on the value at ``loc`` in ``path``; its line is found later."""
    return make_problem(code, path, line=0, column=0, loc=loc, lang=records.lang, **params)


TARGET_LABELS = {
    "company": ("société", "company"),
    "contact": ("contact", "contact"),
    "project": ("projet", "project"),
    "interaction": ("interaction", "interaction"),
    "product": ("produit", "product"),
    "movement": ("mouvement", "movement"),
    "user": ("utilisateur", "user"),
    "resource": ("ressource", "resource"),
}


def label(target: str, lang: str) -> str:
    """The label of a reference target in ``lang``."""
    fr, en = TARGET_LABELS.get(target, (target, target))
    return en if lang.startswith("en") else fr
