"""Incremental MkDocs builds that stay correct.

``mkdocs build --dirty`` skips pages whose Markdown is older than their HTML, which is
what we want (we only rewrite Markdown that changed), but it drops the skipped pages
from Material's search index and never removes pages that disappeared. A small plugin
notes which pages MkDocs rendered; the complete index of the previous build is set aside
before MkDocs runs, and once it has returned the entries of the rendered pages replace
theirs in it; :mod:`generator.site.publish` deletes the HTML of removed pages. Another
plugin keeps what MkDocs built with, for ``carnet serve`` (:mod:`generator.site.live`).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

from generator.files.output import is_plain_file, read_output
from generator.files.yamlio import atomic_write


def page_url(location: str) -> str:
    """The page part of a search entry's location (``societes/x/#section`` → ``societes/x/``)."""
    return location.split("#", 1)[0]


class KeptBuild(BasePlugin):  # type: ignore[type-arg]
    """Keeps what a MkDocs build worked with: its configuration, files, navigation and
    theme environment (``carnet serve`` renders single pages with them afterwards), and
    the search entries by page once the build is merged."""

    def __init__(self) -> None:
        super().__init__()
        self.config: Any = None
        self.files: Any = None
        self.nav: Any = None
        self.env: Any = None
        self.search: SearchEntries | None = None

    def on_pre_build(self, *, config: Any) -> None:
        """The configuration as the ``config`` events left it."""
        self.config = config

    @event_priority(-100)  # after every other plugin: what the pages are built with
    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        """The files and the navigation."""
        self.files, self.nav = files, nav
        return nav

    @event_priority(-100)
    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        """The theme's template environment."""
        self.env = env
        return env


class BuiltPages(BasePlugin):  # type: ignore[type-arg]
    """Notes the URL of every page MkDocs actually rendered in this run."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Record the page (called only for pages a dirty build renders again)."""
        self.urls.add(page.url)
        return context


PREVIOUS_INDEX = "search-previous.json"
"""The complete search index of the last build, set aside in the staging folder while a
dirty build runs (MkDocs overwrites the site's with the entries of the pages it rendered)."""


def set_aside_index(site: Path, stage: Path) -> None:
    """Move the site's complete search index out of MkDocs' way, before a dirty build (a
    rename: nothing copied). ``site`` is rid of links by then."""
    index = site / "search" / "search_index.json"
    if is_plain_file(index):
        os.replace(index, stage / PREVIOUS_INDEX)


def merge_search_index(
    site: Path, stage: Path, built: set[str], pages: set[str], clean: bool, keep: bool = False
) -> SearchEntries | None:
    """Keep Material's search index whole across dirty builds; its entries by page when
    ``keep`` (None: no index, or not asked for).

    Runs after MkDocs has returned (its pages are freed by then): after a dirty build, the
    entries of the pages it rendered replace theirs in the previous complete index (set
    aside by :func:`set_aside_index`), those of removed pages are dropped. A clean build's
    index is whole as MkDocs wrote it.
    """
    path = site / "search" / "search_index.json"
    previous = stage / PREVIOUS_INDEX
    if not path.exists() or (clean and not keep):
        previous.unlink(missing_ok=True)
        return None
    index = json.loads(path.read_text(encoding="utf-8"))
    entries = SearchEntries.of(index)
    if not clean:
        try:
            kept = SearchEntries.of(_load(previous))
        except (TypeError, KeyError, AttributeError):  # not an index Material wrote
            kept = SearchEntries(entries.config, {})
        kept.replace(entries.by_page, built, pages)
        entries = kept
        atomic_write(path, entries.text())
    previous.unlink(missing_ok=True)
    return entries


class SearchEntries:
    """Material's search index held as its configuration and each page's entries, kept
    as the JSON text they are written as (``carnet serve`` writes the whole index after
    each edit without serialising it again)."""

    def __init__(self, config: str, by_page: dict[str, str]) -> None:
        self.config = config
        self.by_page = by_page

    @classmethod
    def of(cls, index: dict[str, Any]) -> SearchEntries:
        """The entries of a parsed index, by page."""
        grouped: dict[str, list[str]] = {}
        for entry in index.get("docs", []):
            grouped.setdefault(page_url(entry["location"]), []).append(_json(entry))
        return cls(_json(index.get("config", {})), {u: ",".join(e) for u, e in grouped.items()})

    @classmethod
    def from_entries(cls, config: dict[str, Any], entries: list[dict[str, Any]]) -> SearchEntries:
        """Entries just made by Material's plugin (a list of dicts), by page."""
        return cls.of({"config": config, "docs": entries})

    def replace(self, fresh: dict[str, str], built: set[str], pages: set[str]) -> None:
        """The entries of the ``built`` pages are ``fresh``'s; pages not in ``pages`` go."""
        for url in built:
            self.by_page[url] = fresh.get(url, "")
        for url in [u for u in self.by_page if u not in pages]:
            del self.by_page[url]

    def text(self) -> str:
        """The index as Material writes it (pages in the order of their URLs)."""
        docs = ",".join(self.by_page[u] for u in sorted(self.by_page) if self.by_page[u])
        return f'{{"config":{self.config},"docs":[{docs}]}}'


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _load(path: Path) -> dict[str, Any]:
    """A previous index (plain JSON: a file committed under ``build/`` runs nothing)."""
    data = read_output(path)
    try:
        index = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return index if isinstance(index, dict) else {}


class DropDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build; ours are dirty on purpose and kept correct."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
