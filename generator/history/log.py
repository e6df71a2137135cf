"""From one ``git log`` pass to per-commit field changes (used by :mod:`generator.history.trail`).

Blobs are fetched per chunk of log output in one ``git cat-file`` round trip, and each
version is parsed once: a blob met as the "before" of a change is kept until the older
commit that created it uses it as its "after" (the log is read newest first).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from generator.files.layout import SETTINGS_PATH, kind_of
from generator.files.sources import read_inside
from generator.history.fielddiff import (
    ADDED,
    DELETED,
    INVALID_NEW,
    INVALID_OLD,
    MODIFIED,
    RENAMED,
    Change,
    Version,
    diff_versions,
)
from generator.history.git import BlobReader, FileChange, Git, LogStream, RawCommit, StatusEntry

Entry = tuple[str, str, Any, Any, str, str]
"""``(at_path, field, old, new, kind, note)``: a change as stored in the cache."""
Record = tuple[str, str, str, datetime, str, tuple[Entry, ...]]
"""``(commit, author, email, when, subject, entries)``: a commit as stored in the cache."""
CONFLICT = "conflict"
"""Note of an uncommitted file left in conflict by a merge."""


@cache
def is_record(path: str) -> bool:
    """True for a record file (or the settings) under ``data/``."""
    return path.endswith((".yaml", ".yml")) and (path == SETTINGS_PATH or kind_of(path) is not None)


def diff_log(
    git: Git, prefix: str, blobs: BlobReader, known: list[Record], start: str = "HEAD"
) -> tuple[list[Record], int, bool]:
    """Every commit's changes (newest first), how many commits were diffed, and whether
    ``git log`` went through (a failed pass gives what it read, and is not cached).

    ``known`` is the cached list (newest first): reading stops at the first commit found
    in it, whose older part is reused as is (a commit's first-parent ancestry touching
    ``data/`` does not change). ``start`` is the commit the history ends with.
    """
    index = {record[0]: i for i, record in enumerate(known)}
    stream = LogStream(git, prefix, start)
    versions: dict[str, Version] = {}
    records: list[Record] = []
    try:
        for batch in stream.batches():
            stop = next((i for i, c in enumerate(batch) if c.id in index), None)
            records += _diff_batch(batch if stop is None else batch[:stop], blobs, versions)
            if stop is not None:
                return records + known[index[batch[stop].id] :], len(records), True
    finally:
        stream.close()
    return records, len(records), stream.proc.returncode == 0


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


def work_tree_changes(
    repo: Path, entries: list[StatusEntry], blobs: BlobReader
) -> tuple[list[Entry], dict[str, datetime]]:
    """Changes of the work tree (index included) against HEAD, and their files' dates.

    One entry list for the whole work tree (it becomes the ``commit=None`` pseudo-commit);
    a file in conflict is one whole-record change noted ``conflict``.
    """
    work: list[Entry] = []
    mtimes: dict[str, datetime] = {}
    heads = blobs.fetch(
        [e.head_sha for e in entries if e.head_sha and not e.deleted and is_record(e.path)]
    )
    for e in entries:
        old_path = e.orig_path or e.path
        if e.deleted:
            if e.head_sha and is_record(old_path):
                work.append((old_path, "", None, None, DELETED, ""))
            continue
        if not is_record(e.path):
            continue
        try:
            stat = (repo / e.path).lstat()
        except OSError:
            continue
        mtimes[e.path] = datetime.fromtimestamp(stat.st_mtime).astimezone()
        raw = read_inside(repo, e.path)
        changes: list[Change]
        if e.conflict:
            changes = [("", None, None, MODIFIED, CONFLICT)]
        elif e.head_sha is None or not is_record(old_path):
            changes = [("", None, None, ADDED, "")]
        else:
            head_raw = heads.get(e.head_sha)
            changes = []
            if e.orig_path:
                changes.append(("", e.orig_path, e.path, RENAMED, ""))
            if head_raw != raw:
                changes += diff_versions(Version(head_raw or b""), Version(raw or b""))
        work += [(e.path, *change) for change in changes]
    return work, mtimes


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None
