"""What a Book may take from another Book of the same settings and day: the views whose
records are the very same objects.

``carnet serve`` builds two Books per edit: the whole one (checked) and the one of the
plain site, without the private projects (:func:`generator.book.privacy.without_private`).
The second takes from the first every view the private projects play no part in (the
contacts' consent, the interest centres, the campaigns, the stock) and the views made
record by record (occurrences, document totals) of every record it shares; everything
else is computed again. A record counts as the same only when it is the same object
(same id, path and fields that failed): never by comparing values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from generator.book.records import Entry

Book = Any
"""A :class:`generator.book.book.Book` (which builds on this module: not imported here)."""


def same_entry(new: Entry, old: Entry | None) -> bool:
    """Whether ``new`` holds the very record ``old`` held, from the same file."""
    return old is not None and (
        old is new
        or (
            old.record is new.record
            and old.id == new.id
            and old.path == new.path
            and old.faulty == new.faulty
        )
    )


class Earlier:
    """A Book views may be taken from (``None``: none, or one of other settings or day)."""

    def __init__(self, book: Book | None, settings: Any, today: date) -> None:
        usable = book is not None and book.settings is settings and book.today == today
        self.book = book if usable else None

    def unchanged(self, kinds: Mapping[str, Mapping[str, Entry]], *names: str) -> bool:
        """Whether the records of each kind of ``names`` are those of the earlier Book."""
        if self.book is None:
            return False
        for name in names:
            new, old = kinds[name], self.book.by_kind(name)
            if len(new) != len(old) or not all(same_entry(e, old.get(k)) for k, e in new.items()):
                return False
        return True

    def per_record(
        self,
        entries: Mapping[str, Entry],
        views: Callable[[Book], Sequence[Mapping[str, Any]]],
        make: Callable[[list[Entry]], Sequence[dict[str, Any]]],
    ) -> list[dict[str, Any]]:
        """Views keyed by record id, each record's value a function of that record alone:
        those of the records the earlier Book shares taken from its ``views``, the others
        made now by ``make``; every view in the order of ``entries``."""
        if self.book is None:
            return [dict(view) for view in make(list(entries.values()))]
        earlier = self.book
        shared = {k for k, e in entries.items() if same_entry(e, earlier.by_kind(e.kind).get(k))}
        made = make([e for k, e in entries.items() if k not in shared])
        result: list[dict[str, Any]] = []
        for old, new in zip(views(earlier), made, strict=True):
            view: dict[str, Any] = {}
            for key in entries:
                source = old if key in shared else new
                if key in source:
                    view[key] = source[key]
            result.append(view)
        return result
