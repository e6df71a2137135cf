"""The originals of issued documents: the PDF as it was issued, kept in git.

When a quote, an order, an invoice, a credit note or a delivery note is issued, its PDF is
rendered from the data as the issuing command is about to write it and written with it,
in the same commit, to ``data/documents/issued/<number>.pdf`` (:func:`archive_issued`).
From then on ``carnet documents`` and ``carnet build`` copy that file instead of rendering
the document again (:func:`read_original`): what was sent is what stays, whatever later
payments, credit notes or settings (a new address, a new logo) say. ``carnet validate``
warns when an issued document has no original and errors when one changed after it was
archived (:mod:`generator.checks.originals`); ``carnet documents --archive`` archives the
originals a repository issued before this version lacks
(:func:`generator.documents.archive.plan_archive`, which renders them in parallel).

An original is read as a plain file in a folder inside the repository (never through a
link), and written only into such a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.book.book import Book
from generator.book.records import Entry
from generator.book.variants import with_entries
from generator.documents import kinds
from generator.files import layout
from generator.files.edits import ChangeSet
from generator.files.layout import ORIGINALS_FOLDER, kind_of
from generator.files.output import read_output
from generator.files.sources import resolve_folder
from generator.problems import Refused

__all__ = [
    "ORIGINALS_FOLDER",
    "archive_issued",
    "has_original",
    "original_path",
    "originals_folder",
    "read_original",
    "unarchived",
]


def original_path(entry: Entry) -> str:
    """``data/documents/issued/F2026-0001.pdf``: where an issued document's original lives."""
    return layout.original_path(entry.record.document.number)


def archivable(entry: Entry) -> bool:
    """An issued document Carnet prints: it has (or should have) an original."""
    return kinds.is_document(entry) and not kinds.is_draft(entry)


def originals_folder(repo: Path | None) -> Path | None:
    """The folder the originals are read from, resolved inside ``repo`` (``None``: no
    repository, or a folder leading out of it); once for a batch of documents."""
    return resolve_folder(repo, ORIGINALS_FOLDER) if repo is not None else None


def read_original(folder: Path | None, entry: Entry) -> bytes | None:
    """The bytes of ``entry``'s original in ``folder`` (:func:`originals_folder`), or
    ``None`` (no folder, not issued, no original, or a link)."""
    if folder is None or not archivable(entry):
        return None
    return read_output(folder / kinds.output_name(entry))


def has_original(repo: Path, entry: Entry) -> bool:
    """Is there a file (or anything) at ``entry``'s original path?"""
    return os.path.lexists(repo / original_path(entry))


def unarchived(repo: Path, book: Book) -> list[str]:
    """The issued documents of ``book`` that have no original yet (interaction ids)."""
    return [e.id for e in book.interactions.values() if archivable(e) and not has_original(repo, e)]


def check_folder(repo: Path) -> None:
    """Refuse to write an original when ``data/documents/issued`` (or its nearest existing
    folder below ``data/``) leads out of the repository, or is not a folder."""
    folder = ORIGINALS_FOLDER
    while not os.path.lexists(repo / folder):
        folder = folder.rpartition("/")[0]
        if folder == "data":
            return  # created by the write, inside data/ (which every load checks)
    real = resolve_folder(repo, folder)
    if real is None or not real.is_dir():
        raise Refused("document-original-folder", folder=ORIGINALS_FOLDER)


def _issued_entries(book: Book, changes: ChangeSet) -> list[Entry]:
    """The interactions ``changes`` writes, as records (the schema's own parsing)."""
    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import parse_record

    model = KINDS_BY_NAME["interaction"].model
    entries = []
    for rel, raw in changes.contents().items():
        if kind_of(rel) != "interaction" or not rel.endswith((".yaml", ".yml")):
            continue
        record, _ = parse_record(model, rel, raw, tz=book.settings.timezone, lang=book.lang)
        if record is not None:
            entries.append(Entry("interaction", Path(rel).stem, rel, record))
    return entries


def archive_issued(repo: Path, book: Book, changes: ChangeSet) -> list[str]:
    """Add to ``changes`` the original of every document they issue, rendered from the
    Book as it will be once they are written; returns the originals' paths.

    A document issued by ``changes`` is one that has a number and an issue date in them
    and none in ``book``. Refused (nothing written) when the PDF cannot be rendered, when
    a file already stands where the original goes, or when the originals' folder leads
    out of the repository: an issue is all or nothing, its original included.
    """
    written = _issued_entries(book, changes)
    fresh = [
        e
        for e in written
        if archivable(e) and not (e.id in book.interactions and archivable(book.interactions[e.id]))
    ]
    if not fresh:
        return []
    check_folder(repo)
    from generator.documents.render import render_document

    after = with_entries(book, written)
    paths = []
    for entry in fresh:
        path = original_path(entry)
        if has_original(repo, entry):
            raise Refused("document-original-exists", file=path)
        pdf = render_document(after, entry.id, repo=repo, lang=after.settings.lang)
        changes.create_bytes(path, pdf)
        paths.append(path)
    return paths
