"""``carnet invoice remind``: the reminder letter (PDF) of an unpaid issued invoice.

Only an issued invoice that still has something due is reminded; the letter goes next to
the documents' PDFs as ``<number>.relance.pdf``
(:func:`generator.documents.kinds.reminder_name`).
"""

from __future__ import annotations

from pathlib import Path

from generator.book.book import Book
from generator.book.records import Entry
from generator.documents.batch import default_out
from generator.documents.kinds import reminder_name
from generator.documents.render import render_reminder
from generator.files.yamlio import atomic_write
from generator.problems import Refused


def check_remindable(book: Book, entry: Entry) -> None:
    """Refuse a document that is not an issued invoice with something still due."""
    status = book.invoices.get(entry.id)
    if status is None or status.is_credit_note:
        raise Refused("remind-not-an-invoice", id=entry.id)
    if not status.issued:
        raise Refused("remind-not-issued", id=entry.id)
    if status.due <= 0:
        raise Refused("remind-settled", number=entry.record.document.number)


def write_reminder(repo: Path, book: Book, entry: Entry, out: Path | None = None) -> Path:
    """Write the reminder letter of ``entry`` into ``out`` (by default the documents'
    folder, ``build/documents/``); its path. Refused when the invoice is not to be
    reminded, when the letter asks for a resource outside the allowed folders, or when the
    file cannot be written."""
    check_remindable(book, entry)
    target = out if out is not None else default_out(repo)
    path = target / reminder_name(entry)
    pdf = render_reminder(book, entry.id)
    try:
        atomic_write(path, pdf)
    except OSError as exc:
        raise Refused("remind-write-failed", file=path, detail=exc.strerror) from exc
    return path
