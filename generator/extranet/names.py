"""Opaque names of one extranet build: pages, anchors and sealed files.

Drawn at random for each build, so that no path names a record or the client, and
no name can be recomputed from a guessed project id (a plain hash of the id could).
The sealed areas of private projects derive them instead from a secret (HMAC-SHA256
under a key derived from the project key), so that the plain pages can link into an
area and an unchanged area keeps its names: without the key, they are as opaque.
Only ``index.html`` keeps its name: it is the link sent to the client.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SEALED_FOLDER = "c"
"""Folder of the sealed files (attachments, search index) below the extranet."""


class OpaqueNames:
    """Random names, the same for the same key within one build (``secret``: derived
    from it instead, the same from one build to the next)."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._pages: dict[str, str] = {}
        self._anchors: dict[str, str] = {}
        self._secret = secret
        self._sealed = 0

    def _hex(self, label: str, size: int) -> str:
        if self._secret is None:
            return secrets.token_hex(size)
        mac = hmac.new(self._secret, label.encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[: 2 * size]

    def page(self, key: str) -> str:
        """The Markdown file name of page ``key`` (``p`` + 12 hex digits + ``.md``)."""
        if key not in self._pages:
            self._pages[key] = f"p{self._hex('page/' + key, 6)}.md"
        return self._pages[key]

    def anchor(self, key: str) -> str:
        """An HTML id for record ``key`` inside a page."""
        if key not in self._anchors:
            self._anchors[key] = f"e{self._hex('anchor/' + key, 5)}"
        return self._anchors[key]

    def sealed(self) -> str:
        """A new sealed file's path below the extranet: ``c/`` + 32 hex digits, no extension."""
        self._sealed += 1
        return f"{SEALED_FOLDER}/{self._hex(f'sealed/{self._sealed}', 16)}"


def html_name(md_name: str) -> str:
    """The built page of a Markdown file (``use_directory_urls`` is off)."""
    return md_name[: -len(".md")] + ".html"
