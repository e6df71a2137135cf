"""Opaque names of one extranet build: pages, anchors and sealed files.

Drawn at random for each build, so that no path names a record or the client, and
no name can be recomputed from a guessed project id (a keyed or plain hash of the id
could). Only ``index.html`` keeps its name: it is the link sent to the client.
"""

from __future__ import annotations

import secrets

SEALED_FOLDER = "c"
"""Folder of the sealed files (attachments, search index) below the extranet."""


class OpaqueNames:
    """Random names, the same for the same key within one build."""

    def __init__(self) -> None:
        self._pages: dict[str, str] = {}
        self._anchors: dict[str, str] = {}

    def page(self, key: str) -> str:
        """The Markdown file name of page ``key`` (``p`` + 12 hex digits + ``.md``)."""
        if key not in self._pages:
            self._pages[key] = f"p{secrets.token_hex(6)}.md"
        return self._pages[key]

    def anchor(self, key: str) -> str:
        """An HTML id for record ``key`` inside a page."""
        if key not in self._anchors:
            self._anchors[key] = f"e{secrets.token_hex(5)}"
        return self._anchors[key]

    @staticmethod
    def sealed() -> str:
        """A new sealed file's path below the extranet: ``c/`` + 32 hex digits, no extension."""
        return f"{SEALED_FOLDER}/{secrets.token_hex(16)}"


def html_name(md_name: str) -> str:
    """The built page of a Markdown file (``use_directory_urls`` is off)."""
    return md_name[: -len(".md")] + ".html"
