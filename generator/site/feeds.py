"""The calendar feeds of the internal site (``calendars/*.ics``) and how the agenda
links them.

``carnet build`` writes every feed of :func:`generator.calendars.feeds.plan_feeds` into
the staged pages, where MkDocs copies them as they are; a feed is rewritten only when
its bytes change (so that MkDocs' dirty build copies it again), and the feeds that no
longer exist are removed from the staged pages and from the built site.

With a ``site_url`` in ``mkdocs.yml`` the agenda offers each feed as a subscription
(``webcal://``: calendar apps poll it); without one, as a download.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.book.book import Book
from generator.book.records import Entry
from generator.calendars.feeds import (
    FOLDER,
    EventMemo,
    Feed,
    FeedWriter,
    last_changes,
    plan_feeds,
)
from generator.files.yamlio import atomic_write
from generator.site.urls import SECTIONS, record_page, url_of


def page_link(site_url: str | None) -> Any:
    """The function giving an interaction's address on the internal site (on the page of
    its company, contact or project), when ``site_url`` is set."""
    if not site_url:
        return None
    base = site_url.rstrip("/") + "/"

    def link(entry: Entry) -> str | None:
        r = entry.record
        for kind, key in (("company", r.company), ("contact", r.contact), ("project", r.project)):
            if key and kind in SECTIONS:
                return f"{base}{url_of(record_page(kind, key))}#i-{entry.id}"
        return None

    return link


def sync_feeds(
    book: Book,
    docs: Path,
    out: Path,
    history: Any = None,
    site_url: str | None = None,
    *,
    digests: Mapping[str, bytes] | None = None,
    memo: EventMemo | None = None,
) -> list[Feed]:
    """Write the feeds into the staged pages ``docs`` (only those whose bytes changed),
    remove those that no longer exist (also from the built site ``out``); the feeds.
    ``digests`` and ``memo`` (``carnet serve``): events whose inputs did not change since
    the previous build are reused (:class:`~generator.calendars.feeds.FeedWriter`)."""
    feeds = plan_feeds(book)
    stamps = last_changes(book, history)
    writer = FeedWriter(book, stamps, page_link(site_url), digests=digests, memo=memo)
    wanted = set()
    for feed in feeds:
        wanted.add(feed.path)
        target = docs / feed.path
        data = writer.render(feed)
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        atomic_write(target, data)
    for folder in (docs, out):
        for rel in _feeds_in(folder) - wanted:
            _remove(folder, rel)
    if memo is not None:
        for gone in [key for key in memo if key not in book.interactions]:
            del memo[gone]
    return feeds


def subscription(site_url: str | None, feed: Feed) -> str | None:
    """The ``webcal://`` address of ``feed`` when the site has a ``site_url``."""
    if not site_url:
        return None
    parts = urlsplit(site_url)
    path = parts.path.rstrip("/") + "/" + feed.path
    return f"webcal://{parts.netloc}{path}"


def _feeds_in(folder: Path) -> set[str]:
    """The ``.ics`` files under ``folder/calendars`` (never through a link)."""
    base = folder / FOLDER
    found: set[str] = set()
    if not _real_dir(base):
        return found
    for root, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if _real_dir(Path(root) / d)]
        for name in files:
            if name.endswith(".ics"):
                found.add((Path(root) / name).relative_to(folder).as_posix())
    return found


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove(folder: Path, rel: str) -> None:
    target = folder / rel
    try:
        target.unlink(missing_ok=True)
    except OSError:
        return
    parent = target.parent
    while parent != folder and parent.name:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


SCOPE_TITLES = {
    "all": "Tout l'agenda",
    "user": "Par utilisateur",
    "resource": "Par ressource",
    "project": "Par projet",
}


def feed_links(book: Book, site_url: str | None) -> list[dict[str, Any]]:
    """The feeds the agenda offers, by scope: each with its title, its path in the site
    and, when the site has a ``site_url``, its subscription address."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for feed in plan_feeds(book):
        name = feed.name if feed.scope != "all" else SCOPE_TITLES["all"]
        groups.setdefault(feed.scope, []).append(
            {
                "name": name,
                "path": feed.path,
                "webcal": subscription(site_url, feed),
                "count": len(feed.interactions),
            }
        )
    return [
        {"scope": scope, "title": SCOPE_TITLES[scope], "feeds": feeds}
        for scope, feeds in groups.items()
    ]
