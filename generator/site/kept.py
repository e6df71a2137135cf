"""What a staging of the site keeps for the next, so that the work after an edit follows
what the edit changed, not the size of the repository.

Everything here is keyed by the digest of what it was made from (the contents of the
record files, the settings, the time stamps): an entry whose key no longer matches is
made again, so a kept value is only ever reused for the very inputs it came from.
``carnet serve`` keeps it in memory between its rebuilds; ``carnet build`` keeps the
rows, events and document keys in its staging folder (:func:`read_memo`,
:func:`write_memo`: JSON, with the code digest, so that another version of Carnet
starts afresh), beside the pages it already reuses from there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.book.book import Book
from generator.calendars.feeds import EventMemo
from generator.documents.batch import DocumentMemo
from generator.files.cache import code_digest
from generator.files.layout import SETTINGS_PATH
from generator.files.output import read_state
from generator.files.yamlio import atomic_write
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


MEMO_FILE = "memo.json"
"""The file of a staging folder that keeps its :class:`StageMemo` between builds."""


def read_memo(stage: Path) -> StageMemo:
    """The rows, events and document keys the previous build left in ``stage`` (none when
    there is no such file, when it is not one, or when another version of Carnet wrote
    it: every entry is checked for its shape and a wrong one left out)."""
    state = read_state(stage / MEMO_FILE)
    memo = StageMemo()
    if state.get("code") != code_digest():
        return memo
    for key, held in _items(state.get("events")):
        if _shaped(held, (str, (str, type(None)), bool)):
            ical = held[1].encode("latin-1") if held[1] is not None else None
            memo.events[key] = (held[0], ical, held[2])
    for key, held in _items(state.get("documents")):
        if _shaped(held, (str, str)):
            memo.documents[key] = (held[0], held[1])
    rows = state.get("rows")
    for held in rows if isinstance(rows, list) else ():
        if _shaped(held, (str, str, str, str, str)):
            memo.rows[(held[0], held[1], held[2])] = (held[3], Markup(held[4]))
    return memo


def write_memo(stage: Path, memo: StageMemo) -> None:
    """Keep ``memo``'s rows, events and document keys in ``stage`` for the next build (the
    cards hold records and the pages are swept each time: neither is kept)."""
    state = {
        "code": code_digest(),
        "events": {
            key: [inputs, ical.decode("latin-1") if ical is not None else None, zoned]
            for key, (inputs, ical, zoned) in memo.events.items()
        },
        "documents": {key: list(held) for key, held in memo.documents.items()},
        "rows": [[*where, inputs, str(html)] for where, (inputs, html) in memo.rows.items()],
    }
    atomic_write(stage / MEMO_FILE, json.dumps(state, ensure_ascii=False))


def _items(found: Any) -> list[tuple[str, Any]]:
    return (
        [(k, v) for k, v in found.items() if isinstance(k, str)] if isinstance(found, dict) else []
    )


def _shaped(held: Any, types: tuple[Any, ...]) -> bool:
    """Is ``held`` a list of values of ``types``, in order?"""
    return (
        isinstance(held, list)
        and len(held) == len(types)
        and all(isinstance(value, kind) for value, kind in zip(held, types, strict=True))
    )
