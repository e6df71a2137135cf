"""Where each page of the internal site lives, and relative links between pages.

Links are relative, so the site works on any static host and under any sub-path.
"""

from __future__ import annotations

import posixpath

SECTIONS = {
    "company": "societes",
    "contact": "contacts",
    "project": "projets",
    "product": "produits",
}
"""Folder of each kind's record pages."""


def record_page(kind: str, record_id: str) -> str:
    """The Markdown source path of a record's page."""
    return f"{SECTIONS[kind]}/{record_id}.md"


def url_of(page: str) -> str:
    """The URL (directory style) MkDocs gives to the Markdown file ``page``."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def relative(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative href from the page ``from_page`` to ``to_page`` (both Markdown paths).

    Every URL is a directory (``societes/x/``), so going up one level per ``/`` of the
    origin and then down to the target is always right, and much cheaper than relpath.
    """
    up = "../" * url_of(from_page).count("/")
    href = (up + url_of(to_page)) or "./"
    return href + (f"#{anchor}" if anchor else "")


def asset(from_page: str, path: str) -> str:
    """A relative href to a static file of the site (``assets/…``)."""
    start = url_of(from_page) or "."
    return posixpath.relpath(path, start)
