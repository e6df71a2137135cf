"""The firm's brand on an extranet's lock screen: its name and its logo.

The lock screen is the only part of an extranet anyone may read, so it names the firm
(``settings.firm``), never the project or the client. The logo is carried inside each
page as a ``data:`` URI, never as a file of the extranet: a file from a hostile
repository served from the extranet's own address (an SVG with a script, opened
directly) would run with that address's rights. A raster logo is decoded and
re-encoded as a small PNG (pixels only), an SVG is kept only in an ``<img>`` (where
browsers run none of its scripts) and only when small.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from generator.book.book import Book
from generator.files.sources import read_inside, resolve_in_folder

LOGO_FOLDER = "data"
"""Where the firm's logo lies (as for the documents)."""
LOGO_BOX = (480, 160)
"""The largest re-encoded logo, in pixels (twice the size it is shown at)."""
MAX_SVG_BYTES = 64 * 1024
"""A larger SVG logo is left out: every page of the extranet carries it."""
MAX_SOURCE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000


@dataclass(frozen=True, slots=True)
class Brand:
    """What the lock screen shows: the firm's name and, when it has one, its logo."""

    name: str
    logo: str | None = None
    """The logo as a ``data:`` URI."""
    area: str = ""
    """What the lock screen calls the place (default « Espace client »)."""


def firm_brand(book: Book, repo: Path | None) -> Brand:
    """The firm's name and logo (``firm.logo``, read under ``data/`` of ``repo``); a logo
    that cannot be read is left out (``carnet validate`` reports it)."""
    name = book.settings.firm.name
    rel = book.settings.firm.logo
    if not rel or repo is None:
        return Brand(name)
    return Brand(name, logo_uri(repo, rel))


def logo_uri(repo: Path, rel: str) -> str | None:
    """The logo ``rel`` as a ``data:`` URI, or ``None`` when it is not a usable image."""
    real = resolve_in_folder(repo, LOGO_FOLDER, rel)
    if real is None or not real.is_file() or real.stat().st_size > MAX_SOURCE_BYTES:
        return None
    raw = read_inside(repo, rel)
    if raw is None:
        return None
    if raw.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>", b"<!DOC", b"<!--"):
        if len(raw) > MAX_SVG_BYTES:
            return None
        return "data:image/svg+xml;base64," + base64.b64encode(raw).decode("ascii")
    png = _reencoded(raw)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None


def _reencoded(raw: bytes) -> bytes | None:
    """A raster image's pixels as a PNG at most :data:`LOGO_BOX`, or ``None``."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.size[0] * image.size[1] > MAX_PIXELS:
                return None
            image.thumbnail(LOGO_BOX)
            converted = image.convert("RGBA")
            out = io.BytesIO()
            converted.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
