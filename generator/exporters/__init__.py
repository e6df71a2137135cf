"""``carnet export``: contacts or companies to CSV, xlsx or vCard for other tools.

:mod:`.rows` chooses the records (interest centres, consent) and their columns;
:mod:`.formats` writes them. The file goes under ``build/export/`` unless ``--out``.
"""

from __future__ import annotations

from pathlib import Path

from generator.book.book import Book
from generator.exporters.formats import csv_bytes, vcard_bytes, xlsx_bytes
from generator.exporters.rows import select
from generator.files.output import output_folder
from generator.files.yamlio import atomic_write
from generator.problems import Refused, did_you_mean

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
) -> tuple[Path, int]:
    """Write the export of ``kind`` in ``fmt``; the file written and how many records.

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
    if fmt == "xlsx":
        payload = xlsx_bytes(export, lang)
    elif fmt == "vcf":
        payload = vcard_bytes(export)
    else:
        payload = csv_bytes(export, lang, delimiter)
    if out is None:
        target = output_folder(repo, "export") / f"{PLURALS[kind]}.{fmt}"
    else:
        output_folder(repo, out=out.parent if str(out.parent) else Path("."))
        target = out
    atomic_write(target, payload)
    return target, len(export.records)
