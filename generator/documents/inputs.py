"""What a document's HTML and Factur-X XML are made of, as one digest: the key under which
``carnet serve`` keeps its content key between builds (:func:`generator.documents.batch.render_all`
with a memo), so that after an edit only the documents it touches are prepared again.

A document shows its own record, its buyer (company, contact, the contact's company),
the products of its lines, the documents it refers to (the one it corrects, its order,
the quote it comes from, the earlier instalments, the other invoices of its order, its
credit notes) and their products, the settings, and what the Book computed for it
(totals, payment status, instalment, order billing). Each of those enters the digest:
record files by their content digest, the Book's figures by their ``repr`` (frozen
dataclasses of decimals, dates and tuples), so that whatever changes them changes the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path

from generator.book.book import Book
from generator.files.cache import add_files
from generator.files.layout import SETTINGS_PATH
from generator.templating import templates_dir


def templates_digest() -> bytes:
    """The document templates and stylesheets as they are now (``carnet serve`` watches
    them: an edit of one makes every document again)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted((templates_dir() / "documents").rglob("*")):
        if path.is_file():
            h.update(path.as_posix().encode())
            h.update(path.read_bytes())
    return h.digest()


def _related(book: Book, record_id: str) -> list[str]:
    """The documents ``record_id``'s document refers to or is referred to by."""
    doc = book.interactions[record_id].record.document
    keys = [doc.corrects, doc.from_, doc.order]
    status = book.invoices.get(record_id)
    keys += status.credit_notes if status else ()
    instalment = book.instalments.get(record_id)
    if instalment is not None:
        keys += [instalment.order, *instalment.earlier]
    for order in (record_id, doc.order, doc.from_, instalment.order if instalment else None):
        billing = book.orders.get(order or "")
        keys += billing.invoices if billing else ()
    return [k for k in dict.fromkeys(keys) if k and k != record_id and k in book.interactions]


def _record_paths(book: Book, record_id: str) -> Iterable[str]:
    """The files one document record shows of itself: its own, its buyer's, its products'."""
    entry = book.interactions[record_id]
    r = entry.record
    yield entry.path
    contact = book.contacts.get(r.contact) if r.contact else None
    if contact is not None:
        yield contact.path
    for company_id in (r.company, contact.record.company if contact else None):
        company = book.companies.get(company_id) if company_id else None
        if company is not None:
            yield company.path
    for line in r.document.lines if r.document else ():
        product = book.products.get(line.product) if line.product else None
        if product is not None:
            yield product.path


def inputs_key(
    book: Book, record_id: str, digests: Mapping[str, bytes], static: bytes, lang: str | None
) -> str:
    """The digest of everything the HTML and XML of the document ``record_id`` are made of
    (``static``: the templates as they are now, the code, logo and versions the PDF
    depends on)."""
    h = hashlib.blake2b(static, digest_size=16)
    h.update(f"{lang}\0{book.today}\0".encode())
    h.update(digests.get(SETTINGS_PATH, b"?"))
    keys = [record_id, *_related(book, record_id)]
    for key in keys:
        add_files(h, sorted(set(_record_paths(book, key))), digests)
        figures = (
            book.document_totals.get(key),
            book.invoices.get(key),
            book.instalments.get(key),
            book.orders.get(key),
        )
        h.update(repr((key, figures)).encode())
    return h.hexdigest()


@cache
def _files_digest() -> bytes:
    """The document templates and stylesheet, and this package's code (PDF and embedding).

    Everything upstream (the Book, the context) shows in the HTML and the XML already.
    """
    h = hashlib.blake2b(digest_size=16)
    for folder, pattern in ((templates_dir() / "documents", "*"), (Path(__file__).parent, "*.py")):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                h.update(path.name.encode())
                h.update(path.read_bytes())
    return h.digest()


def static_digest(book: Book, repo: Path | None) -> bytes:
    """What every document's PDF depends on besides its own HTML and XML."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{version('weasyprint')} {version('factur-x')}".encode())
    h.update(_files_digest())
    logo = book.settings.firm.logo
    if logo and repo is not None:
        path = (repo / logo).resolve()
        if (repo / "data").resolve() in path.parents and path.is_file():
            h.update(path.read_bytes())
    return h.digest()


def content_key(html: str, xml: bytes | None, static: bytes) -> str:
    """The digest that decides whether a PDF must be rendered again."""
    h = hashlib.blake2b(static, digest_size=16)
    h.update(html.encode("utf-8"))
    h.update(b"\0" + (xml or b""))
    return h.hexdigest()
