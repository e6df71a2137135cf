"""``carnet documents --archive``: the originals a repository issued before Carnet kept
them (:mod:`generator.documents.originals`), rendered in parallel by the batch as of their
state at issue, written and committed together or not at all."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.book.book import Book
from generator.documents import kinds
from generator.documents.batch import render_all
from generator.documents.originals import archivable, check_folder, original_path
from generator.files.edits import ChangeSet
from generator.files.output import read_output
from generator.problems import Refused


def plan_archive(
    repo: Path, book: Book, ids: Iterable[str], *, jobs: int | None = None
) -> tuple[ChangeSet, list[Refused]]:
    """The originals of the issued documents ``ids`` that have none (``carnet documents
    --archive``), rendered in parallel, as a change set to write and commit; and the
    documents that could not be rendered."""
    check_folder(repo)
    chosen = [key for key in ids if archivable(book.interactions[key])]
    changes = ChangeSet(repo)
    if not chosen:
        return changes, []
    with tempfile.TemporaryDirectory(prefix="carnet-originals-") as tmp:
        report = render_all(repo, book, Path(tmp), chosen, jobs=jobs, originals=False)
        for key in chosen:
            entry = book.interactions[key]
            data = read_output(Path(tmp) / kinds.output_name(entry))
            if data is not None:
                changes.create_bytes(original_path(entry), data)
    return changes, report.errors
