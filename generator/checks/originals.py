"""Originals of issued documents: every issued document has one, and it never changes.

The issuing commands write the PDF of a document as issued to
``data/documents/issued/<number>.pdf`` in the issuing commit (its original, see
:mod:`generator.documents.originals`). An issued document without one is a warning
(``document-original-missing``: repositories issued before Carnet kept originals, which
``carnet documents --archive`` fixes); an original whose content, committed or not,
differs from what the commit that archived it holds is an error
(``document-original-changed``): what was sent must stay what was sent.

Like :mod:`generator.checks.frozen`, a check of the git history ``(book, history)``: the
originals' changes come from the same ``git log`` pass as the records'
(:meth:`generator.history.trail.History.originals`). Outside git there is nothing to
compare with, and nothing is reported (``history-unavailable`` says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.book.book import Book, Entry
from generator.book.ledger import is_issued
from generator.checks.base import at
from generator.files.layout import original_path
from generator.history.fielddiff import ADDED, DELETED
from generator.locale import day_date
from generator.problems import Problem
from generator.schema.common import DocumentKind

if TYPE_CHECKING:
    from generator.history.trail import History, OriginalChange


def _archivable(entry: Entry) -> bool:
    doc = entry.record.document
    return doc is not None and doc.kind is not DocumentKind.PURCHASE_ORDER and is_issued(entry)


def check_originals(book: Book, history: History | None) -> list[Problem]:
    """Each issued document's original: archived, and as archived."""
    if history is None:
        return []
    known = history.originals()
    problems: list[Problem] = []
    for entry in book.of("interaction"):
        if not _archivable(entry):
            continue
        number = entry.record.document.number
        path = original_path(number)
        changes = known.get(path, [])
        archived = next((c for c in changes if c.commit.id and c.kind == ADDED), None)
        if archived is None:
            if not any(c.kind != DELETED for c in changes):
                loc = ("document", "number")
                problems.append(
                    at(book, entry.path, loc, "document-original-missing", number=number, file=path)
                )
            continue  # archived, not committed yet: the issue's own commit is to come
        problem = _changed(book, entry, path, archived, changes[changes.index(archived) + 1 :])
        if problem is not None:
            problems.append(problem)
    return problems


def _changed(
    book: Book,
    entry: Entry,
    path: str,
    archived: OriginalChange,
    later: list[OriginalChange],
) -> Problem | None:
    """The error of an original that no longer holds what ``archived`` wrote, naming the
    commit since which it differs (or the uncommitted change)."""
    original = archived.new
    diverged: OriginalChange | None = None
    for change in later:
        if change.commit.id is None:
            break
        if change.new == original and change.kind != DELETED:
            diverged = None
        elif diverged is None:
            diverged = change
    work = next((c for c in later if c.commit.id is None), None)
    if diverged is not None:
        commit = diverged.commit
        verb_fr, verb_en = (
            ("supprimé", "deleted") if diverged.kind == DELETED else ("modifié", "changed")
        )
        day = commit.when.date()
        change_fr = f"{verb_fr} dans le commit {commit.short} du {day_date(day, 'fr')}"
        change_en = f"{verb_en} in commit {commit.short} on {day_date(day, 'en')}"
    elif work is not None:
        deleted = work.kind == DELETED
        change_fr = "supprimé, sans commit" if deleted else "modifié, sans commit"
        change_en = "deleted, not committed" if deleted else "changed, not committed"
    else:
        return None
    when = day_date(archived.commit.when.date(), book.lang)
    return at(
        book,
        entry.path,
        ("document", "number"),
        "document-original-changed",
        number=entry.record.document.number,
        archived=f"{archived.commit.short}, {when}",
        reason=change_fr,
        reason_en=change_en,
        commit=archived.commit.short,
        file=path,
    )
