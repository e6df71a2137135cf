"""The sales documents on the internal site: a page per document, the « Factures » page and
the « Devis et commandes » page, each linking the document's PDF.

PDFs are made by :mod:`generator.documents` (:func:`generator.documents.batch.site_pdfs`:
the missing or stale ones rendered, an issued document's original copied), which hands
over their paths; they are copied into the site under ``documents/pdf/`` (see
:func:`pdf_name`), so the site stays self-contained.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.ledger import is_issued
from generator.book.listing import buyer_name, invoice_rows
from generator.documents.batch import document_ids
from generator.documents.kinds import is_document
from generator.files.cache import add_files
from generator.locale import INVOICE_STATE_LABELS as STATE_LABELS
from generator.locale import document_label
from generator.money import ZERO
from generator.schema.common import INVOICE_KINDS

INVOICES_PAGE = "factures/index.md"
OTHERS_PAGE = "documents/index.md"
PDF_FOLDER = "documents/pdf"


def document_page(record_id: str) -> str:
    """The Markdown path of a document's page."""
    return f"documents/{record_id}.md"


def pdf_name(book: Book, record_id: str) -> str:
    """``F2026-0001.pdf`` for an issued document, ``<id>.brouillon.pdf`` for a draft."""
    doc = book.interactions[record_id].record.document
    return f"{doc.number}.pdf" if doc.number else f"{record_id}.brouillon.pdf"


def printed_pdf(book: Book, record_id: str) -> str | None:
    """:func:`pdf_name` of a document Carnet prints; ``None`` for one it does not (a
    purchase order is the supplier's document: the site links no PDF for it)."""
    return pdf_name(book, record_id) if is_document(book.interactions[record_id]) else None


def _row(book: Book, key: str, lang: str) -> dict[str, Any]:
    entry = book.interactions[key]
    r = entry.record
    return {
        "id": key,
        "entry": entry,
        "doc": r.document,
        "label": document_label(r.document.kind, lang),
        "buyer": buyer_name(book, r.company, r.contact),
        "totals": book.document_totals[key],
        "status": book.invoices.get(key),
        "pdf": printed_pdf(book, key),
    }


def invoices(book: Book, lang: str = "fr") -> dict[str, Any]:
    """Invoices and credit notes with paid / due / overdue, and the sums per state."""
    rows = [_row(book, key, lang) for key in invoice_rows(book)]
    sums: dict[str, Decimal] = {state: ZERO for state in STATE_LABELS}
    counts: dict[str, int] = dict.fromkeys(STATE_LABELS, 0)
    for row in rows:
        status = row["status"]
        counts[status.state] += 1
        sums[status.state] += status.due if status.state in ("due", "overdue") else status.total
    en = lang.startswith("en")
    return {
        "rows": rows,
        "sums": sums,
        "counts": counts,
        "state_labels": {k: v[1 if en else 0] for k, v in STATE_LABELS.items()},
    }


def other_documents(book: Book, lang: str = "fr") -> dict[str, Any]:
    """Quotes, orders (with what is left to invoice), delivery notes, purchase orders."""
    rows = [
        _row(book, key, lang)
        for key in book.documents
        if book.interactions[key].record.document.kind not in INVOICE_KINDS
    ]
    rows.sort(key=lambda row: (row["doc"].kind, row["doc"].issued or row["entry"].record.date))
    return {"rows": rows, "orders": book.orders}


def document_view(book: Book, record_id: str, lang: str = "fr") -> dict[str, Any]:
    """One document: header, lines with their nets, VAT table, totals, Versement, money."""
    row = _row(book, record_id, lang)
    doc = row["doc"]
    related: list[tuple[str, str]] = []
    for key in (doc.from_, doc.order, doc.corrects):
        if key and key in book.interactions and book.interactions[key].record.document:
            related.append((key, _describe(book, key, lang)))
    status = row["status"]
    for key in status.credit_notes if status else ():
        related.append((key, _describe(book, key, lang)))
    billing = book.orders.get(record_id)
    for key in billing.invoices if billing else ():
        related.append((key, _describe(book, key, lang)))
    return {
        **row,
        "lines": list(zip(doc.lines, row["totals"].line_nets, strict=True)),
        "instalment": book.instalments.get(record_id),
        "billing": billing,
        "related": related,
        "issued": is_issued(row["entry"]),
    }


def _describe(book: Book, key: str, lang: str) -> str:
    doc = book.interactions[key].record.document
    return f"{document_label(doc.kind, lang)} {doc.number or '(brouillon)'}"


def document_inputs(book: Book, record_id: str) -> set[str]:
    """Files a document page shows: itself, its buyer and project, its linked documents."""
    entry = book.interactions[record_id]
    r = entry.record
    doc = r.document
    keys = {record_id, doc.from_, doc.order, doc.corrects}
    status = book.invoices.get(record_id)
    keys.update(status.credit_notes if status else ())
    for order in (record_id, doc.order, doc.from_):
        billing = book.orders.get(order or "")
        keys.update(billing.invoices if billing else ())
    instalment = book.instalments.get(record_id)
    keys.update(instalment.earlier if instalment else ())
    paths = {book.interactions[k].path for k in keys if k and k in book.interactions}
    for kind, key in (("company", r.company), ("contact", r.contact), ("project", r.project)):
        records = book.by_kind(kind)
        if key and key in records:
            paths.add(records[key].path)
    return paths


def document_key(book: Book, record_id: str, digests: Mapping[str, bytes], global_key: str) -> str:
    """The digest of what a document page shows (``today`` included: overdue moves)."""
    h = hashlib.blake2b(f"{global_key}{book.today}".encode(), digest_size=16)
    add_files(h, sorted(document_inputs(book, record_id)), digests)
    return h.hexdigest()


def document_pages(
    book: Book, lang: str, digests: Mapping[str, bytes] | None, global_key: str
) -> Iterator[tuple[str, str, Any, str | None]]:
    """``(path, title, context, key)`` of every document page."""
    for key in book.documents:
        doc = book.interactions[key].record.document
        title = f"{document_label(doc.kind, lang).capitalize()} {doc.number or key}"
        yield (
            document_page(key),
            title,
            partial(document_view, book, key, lang),
            document_key(book, key, digests, global_key) if digests else None,
        )


def sync_pdfs(book: Book, rendered: Mapping[str, Path], docs: Path) -> list[str]:
    """Copy the PDFs the documents module rendered (file name → path) to the site's
    ``documents/pdf/`` (only those that changed; stale ones removed).

    Returns the names of the documents whose PDF is missing (it could not be made).
    """
    target = docs / PDF_FOLDER
    wanted = {pdf_name(book, key) for key in document_ids(book)}
    missing: list[str] = []
    if wanted:
        target.mkdir(parents=True, exist_ok=True)
    for name in sorted(wanted):
        source = rendered.get(name)
        try:
            if source is None:
                raise FileNotFoundError(name)
            stat = source.stat()
        except OSError:
            missing.append(name)
            continue
        copy = target / name
        try:
            known = copy.stat()
            if (known.st_size, known.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                continue
        except OSError:
            pass
        shutil.copy2(source, copy)
    if target.is_dir():
        for path in target.iterdir():
            if path.name not in wanted:
                path.unlink()
    return missing
