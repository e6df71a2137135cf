"""Open a sealed extranet as its client would: every page, the search index, every file."""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

from generator.extranet.crypto import SiteKey, derive

_KDF = re.compile(r'name="carnet-kdf" content="([^":]+):(\d+)')
_PAYLOAD = re.compile(r'id="carnet-payload"[^>]*>([^<]+)<')


@functools.cache
def _derive(password: str, salt: str, iterations: int) -> SiteKey:
    return derive(password, base64.b64decode(salt), iterations)


def site_key(site: Path, password: str) -> SiteKey:
    """The key of the sealed extranet in ``site``, derived from ``password``."""
    salt, iterations = _KDF.search((site / "index.html").read_text(encoding="utf-8")).groups()
    return _derive(password, salt, int(iterations))


def open_pages(site: Path, password: str) -> dict[str, str]:
    """Every page's decrypted body, by path below ``site``."""
    key = site_key(site, password)
    bodies = {}
    for page in sorted(site.rglob("*.html")):
        payload = _PAYLOAD.search(page.read_text(encoding="utf-8")).group(1)
        bodies[page.relative_to(site).as_posix()] = key.decrypt(base64.b64decode(payload)).decode()
    return bodies


def open_everything(site: Path, password: str) -> str:
    """Every page, the search index and every sealed file, decrypted, as one text."""
    key = site_key(site, password)
    texts = list(open_pages(site, password).values())
    for sealed in sorted((site / "c").iterdir()):
        texts.append(key.decrypt(sealed.read_bytes()).decode("utf-8", "replace"))
    return "\n".join(texts)
