"""Incremental MkDocs builds that stay correct.

``mkdocs build --dirty`` skips pages whose Markdown is older than their HTML, which is
what we want (we only rewrite Markdown that changed), but it drops the skipped pages
from Material's search index and never removes pages that disappeared. A small plugin
notes which pages MkDocs rendered; once it has returned, every page's search entries
are cached and those of the pages it skipped are put back; :mod:`generator.site.build`
deletes the HTML of removed pages.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin

from generator.files.yamlio import atomic_write


def page_url(location: str) -> str:
    """The page part of a search entry's location (``societes/x/#section`` → ``societes/x/``)."""
    return location.split("#", 1)[0]


class BuiltPages(BasePlugin):  # type: ignore[type-arg]
    """Notes the URL of every page MkDocs actually rendered in this run."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Record the page (called only for pages a dirty build renders again)."""
        self.urls.add(page.url)
        return context


def merge_search_index(
    site: Path, state: Path, built: set[str], pages: set[str], clean: bool
) -> None:
    """Keep Material's search index whole across dirty builds.

    Runs after MkDocs has returned (its pages are freed by then): the entries of the
    pages it rendered are cached per page; after a dirty build, the cached entries of
    the pages it skipped are put back and those of removed pages dropped.
    """
    path = site / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    fresh: dict[str, list[dict[str, Any]]] = {}
    for entry in index["docs"]:
        fresh.setdefault(page_url(entry["location"]), []).append(entry)
    cache = {} if clean else _load(state)
    for url in built:
        cache[url] = fresh.get(url, [])
    cache = {url: entries for url, entries in cache.items() if url in pages}
    if not clean:
        index["docs"] = [entry for url in sorted(cache) for entry in cache[url]]
        atomic_write(path, json.dumps(index, separators=(",", ":"), ensure_ascii=False))
    del index, fresh
    atomic_write(state, json.dumps(cache, separators=(",", ":"), ensure_ascii=False))


def _load(state: Path) -> dict[str, list[dict[str, Any]]]:
    """The cached entries (plain JSON: a file committed under ``build/`` runs nothing)."""
    try:
        cached = json.loads(state.read_bytes())
    except (OSError, ValueError):
        return {}
    return cached if isinstance(cached, dict) else {}


class DropDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build; ours are dirty on purpose and kept correct."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
