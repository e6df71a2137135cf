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

from generator.checks.base import Entry, Records, at
from generator.fielddiff import diff_values
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
    from generator.gitbulk import Git, probe, read_status

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


def check_frozen(repo: Path, records: Records) -> list[Problem]:
    """Issued documents and validated movements compared with their freezing commit."""
    documents = list(_issued_documents(records))
    movements = list(_validated_movements(records))
    if not documents and not movements:
        return []
    from generator.history import history_notice, load_history
    from generator.load import Cache

    history = load_history(repo, Cache(repo))
    if history is None:
        notice = history_notice(repo, records.lang)
        return [notice] if notice is not None else []
    problems: list[Problem] = []
    with history:
        for entry in documents:
            problems += _compare(
                history,
                records,
                entry,
                lambda r: bool(_document_block(r).get("number")),
                _document_block,
                "document",
                ("document-changed-after-issue", "document-uncommitted"),
            )
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
