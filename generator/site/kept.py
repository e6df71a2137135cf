"""What ``carnet serve`` keeps between two stagings of its site, so that the work after an
edit follows what the edit changed, not the size of the repository.

Everything here is keyed by the digest of what it was made from (the contents of the
record files, the settings, the time stamps): an entry whose key no longer matches is
made again, so a kept value is only ever reused for the very inputs it came from. It
lives in memory only, for one server process (its code cannot change meanwhile).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.book.book import Book
from generator.calendars.feeds import EventMemo
from generator.documents.batch import DocumentMemo
from generator.files.layout import SETTINGS_PATH
from generator.site.depends import CardMemo

RowMemo = dict[tuple[str, str, str], tuple[str, Markup]]
"""(page, macro, interaction id) → (key of what the row shows, its HTML)."""
Macro = Callable[[Any], Markup]


@dataclass(slots=True)
class StageMemo:
    """The pieces of the previous staging ``carnet serve`` may reuse."""

    events: EventMemo = field(default_factory=dict)
    """The calendar feeds' events, by interaction (:class:`~generator.calendars.feeds.FeedWriter`)."""
    documents: DocumentMemo = field(default_factory=dict)
    """The documents' content keys, by interaction (:func:`~generator.documents.batch.render_all`)."""
    rows: RowMemo = field(default_factory=dict)
    """The rows of the interaction lists and the cards of the boards (:class:`KeptRows`)."""
    cards: CardMemo = field(default_factory=dict)
    """The inputs of the interaction cards (:func:`~generator.site.depends.kept_cards`)."""
    pages: set[str] = field(default_factory=set)
    """The pages of the previous staging (none of the others is left in its folder)."""


def plain_row(name: str, entry: Any, macro: Macro) -> Markup:
    """A row rendered by its macro (a build that keeps nothing: ``carnet build``)."""
    return macro(entry)


class KeptRows:
    """Renders the row (or card) of an interaction on one page, or gives the one kept in
    ``memo`` when what it shows is unchanged: the interaction's file, those of its
    company, contact and project (its name, its link), the settings (users, labels), the
    language and the site's key (its templates: ``carnet serve`` watches them). Templates call it as ``kept_row(name, entry, macro)``."""

    def __init__(
        self,
        book: Book,
        page: str,
        digests: Mapping[str, bytes],
        lang: str,
        memo: RowMemo,
        site_key: str = "",
    ) -> None:
        self.book = book
        self.page = page
        self.digests = digests
        self.memo = memo
        self.used: set[tuple[str, str, str]] = set()
        self.inputs: dict[str, str] = {}
        """Each interaction's inputs key, by id: the same on every page of one staging
        (share it between the pages' instances, as ``used``)."""
        scope = f"{site_key}\0{lang}\0".encode()  # the site key: templates, configuration
        self.scope = scope + digests.get(SETTINGS_PATH, b"?")

    def __call__(self, name: str, entry: Any, macro: Macro) -> Markup:
        """The HTML of ``macro(entry)``, kept or rendered now."""
        where = (self.page, name, entry.id)
        self.used.add(where)
        inputs = self.inputs.get(entry.id)
        if inputs is None:
            inputs = self.inputs[entry.id] = self._inputs(entry)
        kept = self.memo.get(where)
        if kept is not None and kept[0] == inputs:
            return kept[1]
        html = macro(entry)
        self.memo[where] = (inputs, html)
        return html

    def _inputs(self, entry: Any) -> str:
        r = entry.record
        h = hashlib.blake2b(self.scope, digest_size=16)
        h.update(entry.path.encode())
        h.update(self.digests.get(entry.path, b"?"))
        for kind, key in (("company", r.company), ("contact", r.contact), ("project", r.project)):
            other = self.book.by_kind(kind).get(key) if key else None
            h.update(f"\0{kind}:{other.path if other is not None else '-'}".encode())
            h.update(self.digests.get(other.path, b"?") if other is not None else b"")
        return h.hexdigest()
