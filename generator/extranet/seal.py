"""Sealing a built site: every page body encrypted, a neutral shell in its place.

Each HTML file keeps its ``<head>`` (stylesheets, Material's start-up script) with a
generic title, loses anything naming the client, gains a Content-Security-Policy (the
site's own files, and inline scripts only if they are the theme's own, by hash: see
:mod:`generator.extranet.theme`) and the key-derivation parameters; its ``<body>``
becomes the lock screen (the firm's name and logo, a password form:
:func:`lock_screen`) and the ciphertext, which ``carnet-extranet.js`` decrypts in the
browser.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from pathlib import Path

from generator.extranet.brand import Brand
from generator.extranet.crypto import SiteKey, b64, page_aad
from generator.templating import render

TITLE = "Extranet"
_BODY = re.compile(r"<body([^>]*)>(.*)</body>", re.DOTALL)
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.DOTALL
)
_SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
_DROP_FROM_HEAD = (
    re.compile(r"<title>.*?</title>", re.DOTALL),
    re.compile(r"<meta\s+name=\"(?:description|author)\"[^>]*>"),
    re.compile(r"<link\s+rel=\"(?:canonical|prev|next)\"[^>]*>"),
)


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script that a browser would run (JSON data excluded)."""
    return [m.group(1) for m in _INLINE_SCRIPT.finditer(html)]


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def csp(html: str, allowed: frozenset[str]) -> str:
    """The page's policy: only the site itself, the inline scripts of ``html`` that are
    among ``allowed`` (the theme's own, by hash), no plugin, no frame, no form target."""
    hashes = sorted({_sha256(s) for s in inline_scripts(html) if s in allowed})
    scripts = " ".join(["'self'", *hashes])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' blob: data:; "
        "font-src 'self' data:; "
        "connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def seal_page(
    html: str,
    key: SiteKey,
    build: str,
    page: str,
    scripts: frozenset[str],
    search: str | None = None,
    brand: Brand | None = None,
    slots: tuple[str, ...] = (),
) -> str:
    """The sealed version of the built page ``page`` (its path below the site, bound into
    the ciphertext with ``build``; ``scripts``: the inline scripts it may run;
    ``search``: the sealed index, from the root; ``brand``: the firm the lock screen
    names, :func:`lock_screen`; ``slots``: the site key wrapped for each person
    (:mod:`generator.extranet.keyring`), when people open it with their own password)."""
    assets_prefix = "../" * page.count("/")
    match = _BODY.search(html)
    if match is None:
        raise ValueError("page without <body>")
    attributes, body = match.group(1), match.group(2)
    head = html[: match.start()]
    for pattern in _DROP_FROM_HEAD:
        head = pattern.sub("", head)
    policy = csp(html, scripts)
    kdf = f"{b64(key.salt)}:{key.iterations}:{build}"
    sealed = key.encrypt(body.encode("utf-8"), page_aad(build, page))
    # Hosts serve a missing address with 404.html: that page opens wherever it is shown.
    named = ' data-carnet-page="404.html"' if page == "404.html" else ""
    # The sealed body's scripts (Material's) download while the password is typed.
    preload = "".join(
        f'<link rel="preload" href="{src}" as="script">\n' for src in _SCRIPT_SRC.findall(body)
    )
    head = head.replace(
        "<head>",
        "<head>\n"
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy, quote=False)}">\n'
        f'<meta name="carnet-kdf" content="{kdf}">\n'
        + (f'<meta name="carnet-search" content="{escape(search)}">\n' if search else "")
        + (f'<meta name="carnet-people" content="{" ".join(slots)}">\n' if slots else "")
        + preload
        + f"<title>{TITLE}</title>",
        1,
    )
    shell = (
        f"<body{attributes}>\n"
        + lock_screen(brand or Brand(""), people=bool(slots))
        + f'<script id="carnet-payload" type="application/octet-stream"{named}>{b64(sealed)}</script>\n'
        f'<script src="{assets_prefix}assets/carnet-extranet.js"></script>\n'
        "</body>"
    )
    return head + shell + html[match.end() :]


def lock_screen(brand: Brand, *, people: bool = False) -> str:
    """The lock screen's HTML (``site_templates/extranet/lock.html.j2``): the firm's name
    and logo, the password form (with an identifier field when each person has their
    own password: ``people``), the place for messages; French."""
    return render("lock.html.j2", "fr", folder="extranet", brand=brand, people=people)


def seal_site(
    site: Path,
    key: SiteKey,
    build: str,
    scripts: frozenset[str],
    search: str | None = None,
    brand: Brand | None = None,
    slots: tuple[str, ...] = (),
) -> int:
    """Seal every HTML page of ``site`` in place; remove what would leak. Pages sealed.

    ``search``: where the sealed search index will be (a path below ``site``), named
    in each page's head for ``carnet-extranet.js``; ``brand``: the firm its lock
    screen names; ``slots``: as for :func:`seal_page`.
    """
    for leak in ("sitemap.xml", "sitemap.xml.gz"):
        (site / leak).unlink(missing_ok=True)
    sealed = 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        sealed_html = seal_page(html, key, build, rel, scripts, search, brand, slots)
        page.write_text(sealed_html, encoding="utf-8")
        sealed += 1
    return sealed
