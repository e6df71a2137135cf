"""HTML to PDF with WeasyPrint, behind a URL fetcher that reads only our own files.

A document may load its stylesheet and images from ``site_templates/`` and the
repository's ``data/`` (a logo), and ``data:`` URIs (the QR code). Anything else — another
file, a symbolic link leading out, the network — stops the rendering with a refusal
(:func:`~generator.documents.kinds.resource_refused`) before a byte is read.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from generator.documents.kinds import resource_refused
from generator.documents.qr import inline_qr_codes
from generator.templating import templates_dir

__all__ = ["ConfinedFetcher", "html_to_pdf"]

PDFA_VARIANT = "pdf/a-3b"


class _Refused(FatalURLFetchingError):
    """Raised inside WeasyPrint (a fatal fetching error stops the rendering); never leaves
    this module (:func:`html_to_pdf` refuses instead)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class ConfinedFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and ``data:`` URIs; refuses everything else."""

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(Path(r).resolve() for r in roots)

    def allowed_path(self, url: str) -> Path | None:
        """The local path ``url`` designates when it lies under a root, else ``None``.

        Symbolic links are resolved first: a link in ``data/`` to ``/etc`` leads out.
        """
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if any(path == root or root in path.parents for root in self.roots):
            return path
        return None

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """The resource at ``url``; a fatal fetching error for anything else."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.allowed_path(url) if scheme == "file" else None
        if path is None:
            raise _Refused(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        content_type = f"{mime}; charset=utf-8" if mime.startswith("text/") else mime
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def allowed_roots(repo: Path | None) -> tuple[Path, ...]:
    """``site_templates/`` and, when known, the repository's ``data/``."""
    roots = [templates_dir()]
    if repo is not None:
        roots.append(repo / "data")
    return tuple(roots)


def documents_base_url() -> str:
    """Where ``documents.css`` and the document templates live (relative URLs)."""
    return (templates_dir() / "documents").as_uri() + "/"


def html_to_pdf(html: str, *, repo: Path | None, pdfa: bool = False) -> bytes:
    """Render ``html`` (relative URLs resolve in ``site_templates/documents/``).

    ``pdfa``: PDF/A-3b, the container Factur-X requires. QR code placeholders are drawn
    first. Refused (``document-resource-refused``) when the HTML asks for a resource
    outside the allowed folders.
    """
    html = inline_qr_codes(html)
    options: dict[str, object] = {"pdf_variant": PDFA_VARIANT} if pdfa else {}
    fetcher = ConfinedFetcher(allowed_roots(repo))
    try:
        document = HTML(string=html, base_url=documents_base_url(), url_fetcher=fetcher)
        return document.write_pdf(**options)
    except _Refused as exc:
        raise resource_refused(exc.url) from None
