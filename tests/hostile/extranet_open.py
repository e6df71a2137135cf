"""Open a sealed extranet as its client would: every page, the search index, every file."""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

from generator.extranet.crypto import SiteKey, derive, file_aad, page_aad, search_aad

_KDF = re.compile(r'name="carnet-kdf" content="([^":]+):(\d+):([0-9a-f]+)"')
_PAYLOAD = re.compile(r'id="carnet-payload"[^>]*>([^<]+)<')
_SEARCH = re.compile(r'<meta name="carnet-search" content="([^"]+)">')


@functools.cache
def _derive(password: str, salt: str, iterations: int) -> SiteKey:
    return derive(password, base64.b64decode(salt), iterations)


def _kdf(site: Path) -> tuple[str, str, str]:
    return _KDF.search((site / "index.html").read_text(encoding="utf-8")).groups()


def site_key(site: Path, password: str) -> SiteKey:
    """The key of the sealed extranet in ``site``, derived from ``password``."""
    salt, iterations, _build = _kdf(site)
    return _derive(password, salt, int(iterations))


def build_id(site: Path) -> str:
    """The build id every ciphertext of ``site`` is bound to."""
    return _kdf(site)[2]


def payload(html: str) -> str:
    """The base64 ciphertext of a sealed page."""
    return _PAYLOAD.search(html).group(1)


def open_pages(site: Path, password: str) -> dict[str, str]:
    """Every page's decrypted body, by path below ``site``."""
    key, build = site_key(site, password), build_id(site)
    bodies = {}
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        blob = base64.b64decode(payload(page.read_text(encoding="utf-8")))
        bodies[name] = key.decrypt(blob, page_aad(build, name)).decode("utf-8")
    return bodies


def open_everything(site: Path, password: str) -> str:
    """Every page, the search index and every sealed file, decrypted, as one text."""
    key, build = site_key(site, password), build_id(site)
    texts = list(open_pages(site, password).values())
    index = _SEARCH.search((site / "index.html").read_text(encoding="utf-8")).group(1)
    for sealed in sorted((site / "c").iterdir()):
        name = sealed.relative_to(site).as_posix()
        aad = search_aad(build) if name == index else file_aad(build, name)
        texts.append(key.decrypt(sealed.read_bytes(), aad).decode("utf-8", "replace"))
    return "\n".join(texts)
