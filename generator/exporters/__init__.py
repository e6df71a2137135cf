"""``carnet export``: contacts or companies to CSV, xlsx or vCard for other tools.

:mod:`.rows` chooses the records (interest centres, consent) and their columns;
:mod:`.formats` writes them. The file goes under ``build/export/`` unless ``--out``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.book.book import Book
from generator.exporters.formats import XLSX_CELL, csv_bytes, vcard_bytes, xlsx_bytes
from generator.exporters.rows import select
from generator.files.edits import mode_for
from generator.files.output import output_folder
from generator.files.yamlio import atomic_write
from generator.problems import Problem, Refused, did_you_mean, make_problem

PLURALS = {"contact": "contacts", "company": "companies"}


def export_records(
    repo: Path,
    book: Book,
    kind: str,
    fmt: str,
    *,
    interests: list[str] | None = None,
    consent: bool = False,
    out: Path | None = None,
    delimiter: str = ";",
    lang: str = "fr",
) -> tuple[Path, int, list[Problem]]:
    """Write the export of ``kind`` in ``fmt``; the file written, how many records, and
    a warning for each text an xlsx cell could not hold whole.

    An interest centre that ``settings.interests`` does not list is refused (a typo would
    silently export nobody).
    """
    known = book.settings.interests
    for interest in interests or ():
        if interest not in known:
            hint = did_you_mean(interest, known, lang)
            raise Refused(
                "export-interest-unknown",
                interest=interest,
                suggestion=f" ({hint})" if hint else "",
            )
    export = select(book, kind, interests=interests, consent=consent)
    cuts: list[tuple[int, int, str, int]] = []
    if fmt == "xlsx":
        payload, cuts = xlsx_bytes(export, lang)
    elif fmt == "vcf":
        payload = vcard_bytes(export)
    else:
        payload = csv_bytes(export, lang, delimiter)
    if out is None:
        target = output_folder(repo, "export") / f"{PLURALS[kind]}.{fmt}"
        _write(target, payload)
    else:
        _check_out(repo, out)
        try:
            output_folder(repo, out=out.parent)
            _write(out, payload)
        except OSError as exc:
            detail = exc.strerror
            raise Refused("export-out-invalid", path=str(out), why="os", detail=detail) from exc
        target = out
    try:
        shown = target.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        shown = str(target)
    problems = [
        make_problem(
            "export-cell-cut",
            shown,
            line=row,
            column=col,
            lang=lang,
            field=name,
            length=length,
            limit=XLSX_CELL,
        )
        for row, col, name, length in cuts
    ]
    return target, len(export.records), problems


def _write(target: Path, payload: bytes) -> None:
    """Write the export whole; it is readable as any new file is (the temporary file it
    is written through is private), or keeps the mode of the file it replaces."""
    mode = mode_for(target)
    atomic_write(target, payload)
    os.chmod(target, mode)


def _check_out(repo: Path, out: Path) -> None:
    """Refuse an ``--out`` that is not a file nor a new one (a folder, a device such as
    ``/dev/null``, a pipe: the export would replace it) or that lies in the repository's
    ``data/`` or ``.git/`` (it would replace a record)."""
    target = out.resolve()
    for inside in (repo / "data", repo / ".git"):
        if target.is_relative_to(inside.resolve()):
            raise Refused("export-out-invalid", path=str(out), why="data", detail="")
    try:
        info = os.lstat(out)
    except FileNotFoundError:
        return
    except OSError as exc:  # a file where a folder of the path should be
        raise Refused("export-out-invalid", path=str(out), why="os", detail=exc.strerror) from exc
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise Refused("export-out-invalid", path=str(out), why="special", detail="")
