"""Incremental MkDocs builds that stay correct.

``mkdocs build --dirty`` skips pages whose Markdown is older than their HTML, which is
what we want (we only rewrite Markdown that changed), but it drops the skipped pages
from Material's search index and never removes pages that disappeared. This plugin
keeps every page's search entries in a cache and puts back those of the pages MkDocs
skipped; :mod:`generator.site.build` deletes the HTML of removed pages.
"""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

from generator.yamlio import atomic_write


def page_url(location: str) -> str:
    """The page part of a search entry's location (``societes/x/#section`` → ``societes/x/``)."""
    return location.split("#", 1)[0]


class SearchCachePlugin(BasePlugin):  # type: ignore[type-arg]
    """Keeps Material's search index whole across dirty builds."""

    def __init__(self, state: Path, pages: set[str]) -> None:
        super().__init__()
        self.state = state
        self.pages = pages
        self.built: set[str] = set()

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Note every page MkDocs actually rendered in this run."""
        self.built.add(page.url)
        return context

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config: Any) -> None:
        """Merge cached entries of skipped pages into the index, drop removed pages'."""
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.exists():
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        fresh: dict[str, list[dict[str, Any]]] = {}
        for entry in index["docs"]:
            fresh.setdefault(page_url(entry["location"]), []).append(entry)
        cache = self._load()
        for url in self.built:
            cache[url] = fresh.get(url, [])
        cache = {url: entries for url, entries in cache.items() if url in self.pages}
        index["docs"] = [entry for url in sorted(cache) for entry in cache[url]]
        atomic_write(path, json.dumps(index, separators=(",", ":"), ensure_ascii=False))
        atomic_write(self.state, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))

    def _load(self) -> dict[str, list[dict[str, Any]]]:
        try:
            return pickle.loads(self.state.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return {}


class DropDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build; ours are dirty on purpose and kept correct."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
