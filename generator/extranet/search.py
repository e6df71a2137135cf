"""The extranet's search index, built from the pages as built, then sealed.

Material's search plugin would write a readable ``search_index.json``; it stays off.
Instead, each built page's content — what Carnet's templates put between their own
markers, ``<!-- carnet:content -->`` and ``<!-- /carnet:content -->``
(``site_templates/extranet/*.md.j2``), so that no theme's markup is read — is cut
into sections: the page itself (title: its ``<h1>``), each heading with an ``id``,
and each ``<article data-carnet-title>`` (an interaction's card, never nested: record
fields are escaped and notes show HTML as text, so the pages' markup is ours). Every section
becomes ``{"t": title, "p": page title, "u": url#anchor, "x": text}``; the list is
JSON, encrypted with the build's key into an opaque file that
``carnet-extranet.js`` decrypts after unlock. The index holds only what the pages
show, so it cannot reveal more than they do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

CONTENT_START = "<!-- carnet:content -->"
CONTENT_END = "<!-- /carnet:content -->"
_SECTION = re.compile(
    r"<(h[1-4])\b([^>]*)>(.*?)</\1>"
    r"|<article\b([^>]*\bdata-carnet-title=\"([^\"]*)\"[^>]*)>(.*?)</article>",
    re.DOTALL,
)
_ID = re.compile(r'\bid="([^"]*)"')
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class _Section:
    title: str
    anchor: str | None
    text: str = ""


def _text(html: str) -> str:
    return _SPACES.sub(" ", unescape(_TAG.sub(" ", html))).strip()


def page_entries(html: str, url: str) -> list[dict[str, str]]:
    """The index entries of one built page whose address is ``url``."""
    start, end = html.find(CONTENT_START), html.rfind(CONTENT_END)
    if start < 0 or end < start:
        return []
    content = _HEADERLINK.sub("", html[start + len(CONTENT_START) : end])
    sections: list[_Section] = []
    top: _Section | None = None  # the last heading's section: text between cards goes there

    def add_text(text: str) -> None:
        nonlocal top
        if text:
            if top is None:
                top = _Section("", None)
                sections.append(top)
            top.text = f"{top.text} {text}".strip()

    at = 0
    for match in _SECTION.finditer(content):
        add_text(_text(content[at : match.start()]))
        at = match.end()
        if match.group(1):
            anchor = _ID.search(match.group(2)) if match.group(1) != "h1" else None
            top = _Section(_text(match.group(3)), anchor.group(1) if anchor else None)
            sections.append(top)
        else:
            anchor = _ID.search(match.group(4))
            sections.append(
                _Section(
                    unescape(match.group(5)),
                    anchor.group(1) if anchor else None,
                    _text(match.group(6)),
                )
            )
    add_text(_text(content[at:]))
    page_title = sections[0].title if sections else ""
    return [
        {
            "t": s.title or page_title,
            "p": page_title,
            "u": f"{url}#{s.anchor}" if s.anchor else url,
            "x": s.text,
        }
        for s in sections
        if s.title or s.text
    ]


def index_bytes(entries: list[dict[str, str]]) -> bytes:
    """The JSON text of an index (UTF-8, compact)."""
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def site_index(site: Path) -> bytes:
    """The index of every page of a built ``site`` but its 404 page, as JSON bytes."""
    entries: list[dict[str, str]] = []
    for page in sorted(site.rglob("*.html")):
        url = page.relative_to(site).as_posix()
        if url != "404.html":
            entries.extend(page_entries(page.read_text(encoding="utf-8"), url))
    return index_bytes(entries)
