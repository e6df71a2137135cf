"""What git froze: issued documents and validated stock movements never change afterwards.

An issued document's ``document`` block (payments aside) must be what it was in its
issuing commit — the first commit where ``document.number`` is set; a validated movement
must be what it was in its validating commit — the first where ``status`` is
``validated``. A later change is an error naming that commit (corrections go through a
credit note or a reverse movement); an issued or validated record not committed yet is a
warning. Outside git the checks are skipped with one ``info`` notice.

This check reads the git history (cached in ``.carnet-cache/``), so it runs apart from the
pure checks of :mod:`generator.checks`; :func:`git_state` is what the validate cache key
adds for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.book.records import Entry, Records
from generator.checks.base import at
from generator.files.cache import Cache
from generator.history.fielddiff import diff_values
from generator.problems import Loc, Problem

_INDEX = re.compile(r"\[(\d+)\]")


def _issued_documents(records: Records) -> Iterator[Entry]:
    for entry in records.of("interaction"):
        doc = entry.record.document
        if doc is not None and doc.number and doc.issued is not None:
            yield entry


def _validated_movements(records: Records) -> Iterator[Entry]:
    for entry in records.of("movement"):
        if entry.record.status == "validated":
            yield entry


def has_frozen_records(records: Records) -> bool:
    """Are there issued documents or validated movements to check against git?"""
    return any(True for _ in _issued_documents(records)) or any(
        True for _ in _validated_movements(records)
    )


def git_state(repo: Path) -> tuple[str | None, tuple[str, ...]] | None:
    """HEAD and the uncommitted ``data/`` paths (``None`` outside git): the frozen checks'
    answer depends on nothing else beyond the files' contents."""
    from generator.history.git import Git, probe, read_status

    git = Git(repo)
    facts = probe(git)
    status = read_status(git, facts.prefix) if facts else None
    if facts is None or status is None:
        return None
    head, entries = status
    return head, tuple(sorted(e.path for e in entries))


def _document_block(record: dict[str, Any] | None) -> dict[str, Any]:
    doc = (record or {}).get("document")
    if not isinstance(doc, dict):
        return {}
    return {k: v for k, v in doc.items() if k != "payments"}


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


def check_frozen(repo: Path, records: Records, cache: Cache | None = None) -> list[Problem]:
    """Issued documents and validated movements compared with their freezing commit.

    A document that lost its number or its ``document`` block, or whose file was deleted
    (or moved without git seeing a rename), is compared with its issuing commit as well.
    """
    documents = list(_issued_documents(records))
    movements = list(_validated_movements(records))
    issued = {e.id for e in documents}
    others = [e for e in records.of("interaction") if e.id not in issued]
    if not documents and not movements and not any(e.record.document for e in others):
        return []
    from generator.history.trail import history_notice, load_history

    history = load_history(repo, cache)
    if history is None:  # the notice only when issued or validated records go unchecked
        notice = history_notice(repo, records.lang) if documents or movements else None
        return [notice] if notice is not None else []
    problems: list[Problem] = []
    with history:
        for entry in documents:
            problems += _compare(
                history,
                records,
                entry,
                _has_number,
                _document_block,
                "document",
                ("document-changed-after-issue", "document-uncommitted"),
            )
        for entry in _unissued(history, others):
            problems += _compare(
                history,
                records,
                entry,
                _has_number,
                _document_block,
                "document",
                ("document-changed-after-issue", ""),
            )
        problems += _vanished(repo, history, records, documents)
        for entry in movements:
            problems += _compare(
                history,
                records,
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


def _deleted_paths(repo: Path) -> list[str]:
    """Interaction files deleted in a commit of the main line or in the work tree."""
    from generator.history.git import Git, probe, read_status

    git = Git(repo)
    facts = probe(git)
    found: list[str] = []
    out = git.run(
        [
            "log",
            "--first-parent",
            "--diff-filter=D",
            "-M",
            "--name-only",
            "--format=",
            "-z",
            "--relative",
            "--",
            "data/interactions",
        ]
    )
    if out:
        found += [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p.strip()]
    status = read_status(git, facts.prefix) if facts else None
    if status is not None:
        found += [e.path for e in status[1] if e.deleted]
    return [p for p in dict.fromkeys(found) if p.endswith(".yaml") and not (repo / p).exists()]


def _vanished(repo: Path, history: Any, records: Records, documents: list[Entry]) -> list[Problem]:
    """Issued documents whose file is gone: moved (the number lives on in another file,
    compared with the issuing state) or deleted (an error on the old path)."""
    by_number = {e.record.document.number: e for e in documents}
    problems: list[Problem] = []
    for path in _deleted_paths(repo):
        commit = history.first_commit_where(path, _has_number)
        if commit is None:
            continue
        then = _document_block(history.record_at(path, commit.id))
        number = str(then.get("number"))
        moved = by_number.get(number)
        if moved is None:
            problems.append(
                at(
                    records,
                    path,
                    (),
                    "document-deleted-after-issue",
                    number=number,
                    commit=commit.short,
                    when=commit.when.date().isoformat(),
                    file=path,
                )
            )
            continue
        now = _document_block(history.record_at(moved.path, None))
        for field, _before, after, _kind, _note in diff_values(then, now):
            problems.append(
                at(
                    records,
                    moved.path,
                    _loc("document", field if after is not None else ""),
                    "document-changed-after-issue",
                    field=f"document.{field}",
                    commit=commit.short,
                    when=commit.when.date().isoformat(),
                )
            )
            break
    return problems


def _compare(
    history: Any,
    records: Records,
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
        return [at(records, entry.path, loc, uncommitted_code, number=number, file=entry.path)]
    then = part(history.record_at(entry.path, commit.id))
    now = part(history.record_at(entry.path, None))
    for field, _before, after, _kind, _note in diff_values(then, now):
        shown = f"{prefix}.{field}" if prefix else field
        return [
            at(
                records,
                entry.path,
                _loc(prefix, field if after is not None else ""),
                changed_code,
                field=shown,
                commit=commit.short,
                when=commit.when.date().isoformat(),
            )
        ]
    return []
