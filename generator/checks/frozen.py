"""What git froze: issued documents and validated stock movements never change afterwards.

An issued document's ``document`` block (payments aside, and a ``from`` naming an
opportunity: it prints nothing, it says which sale the document counts for) must be what
it was in its issuing commit — the first commit where ``document.number`` is set; a validated movement
must be what it was in its validating commit — the first where ``status`` is
``validated``. A later change is an error naming that commit (corrections go through a
credit note or a reverse movement); an issued or validated record not committed yet is a
warning. Outside git there is no history to compare with: :func:`generator.load.load`
then reports one ``info`` notice instead (``history-unavailable``).

The only check that reads git's history (``(book, history)``): :func:`needs_history`
tells the pipeline when to read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from generator.book.book import Book, Entry
from generator.checks.base import at
from generator.history.fielddiff import diff_values
from generator.problems import Loc, Problem

if TYPE_CHECKING:
    from generator.history.trail import History

_INDEX = re.compile(r"\[(\d+)\]")


def _issued_documents(book: Book) -> Iterator[Entry]:
    for entry in book.of("interaction"):
        doc = entry.record.document
        if doc is not None and doc.number and doc.issued is not None:
            yield entry


def _validated_movements(book: Book) -> Iterator[Entry]:
    for entry in book.of("movement"):
        if entry.record.status == "validated":
            yield entry


def has_frozen_records(book: Book) -> bool:
    """Are there issued documents or validated movements, which git must vouch for?"""
    return any(True for _ in _issued_documents(book)) or any(
        True for _ in _validated_movements(book)
    )


def needs_history(book: Book) -> bool:
    """Does :func:`check_frozen` have anything to compare with git (a document, issued or
    not, or a validated movement)?"""
    return any(e.record.document is not None for e in book.of("interaction")) or any(
        True for _ in _validated_movements(book)
    )


def _document_block(record: dict[str, Any] | None) -> dict[str, Any]:
    doc = (record or {}).get("document")
    if not isinstance(doc, dict):
        return {}
    return {k: v for k, v in doc.items() if k != "payments"}


def _opportunity_link_aside(
    book: Book, then: dict[str, Any], now: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both blocks without ``from`` when it names no document, then or now: linking an
    issued document to the opportunity it bills changes nothing it printed."""
    links = (then.get("from"), now.get("from"))
    if links[0] == links[1] or not all(
        link is None or _is_opportunity(book, link) for link in links
    ):
        return then, now
    return (
        {k: v for k, v in then.items() if k != "from"},
        {k: v for k, v in now.items() if k != "from"},
    )


def _is_opportunity(book: Book, key: Any) -> bool:
    entry = book.interactions.get(key) if isinstance(key, str) else None
    return entry is not None and entry.record.document is None


def _movement(record: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (record or {}).items() if k != "note"}


def _loc(prefix: str, field: str) -> Loc:
    dotted = _INDEX.sub(r".\1", field) if field else ""
    parts: list[str | int] = [prefix] if prefix else []
    for part in dotted.split(".") if dotted else []:
        parts.append(int(part) if part.isdigit() else part)
    return tuple(parts)


def _has_number(record: dict[str, Any] | None) -> bool:
    return bool(_document_block(record).get("number"))


def check_frozen(book: Book, history: History | None) -> list[Problem]:
    """Issued documents and validated movements compared with their freezing commit.

    A document that lost its number or its ``document`` block, or whose file was deleted
    (or moved without git seeing a rename), is compared with its issuing commit as well.
    """
    if history is None:
        return []
    documents = list(_issued_documents(book))
    movements = list(_validated_movements(book))
    issued = {e.id for e in documents}
    others = [e for e in book.of("interaction") if e.id not in issued]
    problems: list[Problem] = []
    with history:
        for entry in documents:
            problems += _compare(
                history,
                book,
                entry,
                _has_number,
                _document_block,
                "document",
                ("document-changed-after-issue", "document-uncommitted"),
            )
        for entry in _unissued(history, others):
            problems += _compare(
                history,
                book,
                entry,
                _has_number,
                _document_block,
                "document",
                ("document-changed-after-issue", ""),
            )
        problems += _vanished(history, book, documents)
        for entry in movements:
            problems += _compare(
                history,
                book,
                entry,
                lambda r: (r or {}).get("status") == "validated",
                _movement,
                "",
                ("movement-changed-after-validation", "movement-uncommitted"),
            )
    return problems


def _unissued(history: Any, entries: list[Entry]) -> Iterator[Entry]:
    """Drafts, and interactions whose history touched a ``document`` block: the ones that
    may have lost a number."""
    for entry in entries:
        if entry.record.document is not None or any(
            c.field.startswith("document") for c in history.changes_of(entry.path)
        ):
            yield entry


def _vanished(history: History, book: Book, documents: list[Entry]) -> list[Problem]:
    """Issued documents whose file is gone: moved (the number lives on in another file,
    compared with the issuing state) or deleted (an error on the old path)."""
    by_number = {e.record.document.number: e for e in documents}
    problems: list[Problem] = []
    for path in history.deleted_paths("data/interactions/"):
        if path in book.files:
            continue  # deleted once, there again
        commit = history.first_commit_where(path, _has_number)
        if commit is None:
            continue
        then = _document_block(history.record_at(path, commit.id))
        number = str(then.get("number"))
        moved = by_number.get(number)
        if moved is None:
            problems.append(
                at(
                    book,
                    path,
                    (),
                    "document-deleted-after-issue",
                    number=number,
                    commit=commit.short,
                    when=commit.when.date(),
                    file=path,
                )
            )
            continue
        now = _document_block(history.record_at(moved.path, None))
        then, now = _opportunity_link_aside(book, then, now)
        for field, _before, after, _kind, _note in diff_values(then, now):
            problems.append(
                at(
                    book,
                    moved.path,
                    _loc("document", field if after is not None else ""),
                    "document-changed-after-issue",
                    field=f"document.{field}",
                    commit=commit.short,
                    when=commit.when.date(),
                )
            )
            break
    return problems


def _compare(
    history: Any,
    book: Book,
    entry: Entry,
    frozen_when: Callable[[dict[str, Any]], bool],
    part: Callable[[dict[str, Any] | None], dict[str, Any]],
    prefix: str,
    codes: tuple[str, str],
) -> list[Problem]:
    changed_code, uncommitted_code = codes
    commit = history.first_commit_where(entry.path, frozen_when)
    if commit is None:
        if not uncommitted_code:
            return []
        number = getattr(entry.record.document, "number", "") if prefix else ""
        loc = (prefix, "number") if prefix else ("status",)
        return [at(book, entry.path, loc, uncommitted_code, number=number, file=entry.path)]
    then = part(history.record_at(entry.path, commit.id))
    now = part(history.record_at(entry.path, None))
    if prefix == "document":
        then, now = _opportunity_link_aside(book, then, now)
    for field, _before, after, _kind, _note in diff_values(then, now):
        shown = f"{prefix}.{field}" if prefix else field
        return [
            at(
                book,
                entry.path,
                _loc(prefix, field if after is not None else ""),
                changed_code,
                field=shown,
                commit=commit.short,
                when=commit.when.date(),
            )
        ]
    return []
