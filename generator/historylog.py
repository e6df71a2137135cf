"""From one ``git log`` pass to per-commit field changes (used by :mod:`generator.history`).

Blobs are fetched per chunk of log output in one ``git cat-file`` round trip, and each
version is parsed once: a blob met as the "before" of a change is kept until the older
commit that created it uses it as its "after" (the log is read newest first).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from generator.fielddiff import (
    ADDED,
    DELETED,
    INVALID_NEW,
    INVALID_OLD,
    MODIFIED,
    RENAMED,
    Version,
    diff_versions,
)
from generator.gitbulk import BlobReader, FileChange, Git, LogStream, RawCommit
from generator.layout import SETTINGS_PATH, kind_of

Entry = tuple[str, str, Any, Any, str, str]
"""``(at_path, field, old, new, kind, note)``: a change as stored in the cache."""
Record = tuple[str, str, str, datetime, str, tuple[Entry, ...]]
"""``(commit, author, email, when, subject, entries)``: a commit as stored in the cache."""


@cache
def is_record(path: str) -> bool:
    """True for a record file (or the settings) under ``data/``."""
    return path.endswith((".yaml", ".yml")) and (path == SETTINGS_PATH or kind_of(path) is not None)


def diff_log(
    git: Git, prefix: str, blobs: BlobReader, known: list[Record]
) -> tuple[list[Record], int]:
    """Every commit's changes, newest first, and how many commits had to be diffed.

    ``known`` is the cached list (newest first): reading stops at the first commit found
    in it, whose older part is reused as is (a commit's first-parent ancestry touching
    ``data/`` does not change).
    """
    index = {record[0]: i for i, record in enumerate(known)}
    stream = LogStream(git, prefix)
    versions: dict[str, Version] = {}
    records: list[Record] = []
    try:
        for batch in stream.batches():
            stop = next((i for i, c in enumerate(batch) if c.id in index), None)
            records += _diff_batch(batch if stop is None else batch[:stop], blobs, versions)
            if stop is not None:
                return records + known[index[batch[stop].id] :], len(records)
    finally:
        stream.close()
    return records, len(records)


def _diff_batch(
    commits: list[RawCommit], blobs: BlobReader, versions: dict[str, Version]
) -> list[Record]:
    wanted: list[str] = []
    for commit in commits:
        for f in commit.files:
            if _needs_diff(f):
                wanted += [sha for sha in (f.old_sha, f.new_sha) if sha not in versions]
    fetched = blobs.fetch(list(dict.fromkeys(wanted)))

    def version(sha: str, keep: bool) -> Version | None:
        found = versions.get(sha) if keep else versions.pop(sha, None)
        if found is None:
            raw = fetched[sha] if sha in fetched else blobs.fetch([sha])[sha]
            if raw is None:
                return None  # missing from a shallow or partial clone
            found = Version(raw)
            if keep:
                versions[sha] = found
        return found

    records: list[Record] = []
    for commit in commits:
        entries: list[Entry] = []
        for f in commit.files:
            entries += _file_entries(f, version)
        records.append(
            (commit.id, commit.author, commit.email, commit.when, commit.subject, tuple(entries))
        )
    return records


def _needs_diff(f: FileChange) -> bool:
    return (
        f.status in "MTR"
        and f.old_sha != f.new_sha
        and f.old_regular
        and f.new_regular
        and is_record(f.old_path)
        and is_record(f.new_path)
    )


def _file_entries(f: FileChange, version: Any) -> list[Entry]:
    old_is = f.old_regular and is_record(f.old_path) and f.status not in "AC"
    new_is = f.new_regular and is_record(f.new_path) and f.status != "D"
    if old_is and new_is:
        entries: list[Entry] = []
        if f.old_path != f.new_path:
            entries.append((f.new_path, "", f.old_path, f.new_path, RENAMED, ""))
        if _needs_diff(f):
            new, old = version(f.new_sha, False), version(f.old_sha, True)
            if old is None or new is None:
                note = INVALID_OLD if old is None else INVALID_NEW
                entries.append((f.new_path, "", None, None, MODIFIED, note))
            else:
                entries += [(f.new_path, *change) for change in diff_versions(old, new)]
        return entries
    if new_is:
        return [(f.new_path, "", None, None, ADDED, "")]
    if old_is:
        return [(f.old_path, "", None, None, DELETED, "")]
    return []
