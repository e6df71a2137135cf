"""From one ``git log`` pass to per-commit field changes (used by :mod:`generator.history.trail`).

Blobs are fetched per chunk of log output in one ``git cat-file`` round trip, and each
version is parsed once: a blob met as the "before" of a change is kept until the older
commit that created it uses it as its "after" (the log is read newest first).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from generator.files.layout import SETTINGS_PATH, is_original, kind_of
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
from generator.history.git import BlobReader, Git, StatusEntry, strip_prefix

_HEADER = "%x01%H%x00%aN%x00%aE%x00%aI%x00%s"
_REGULAR = ("100644", "100755")


@dataclass(frozen=True, slots=True)
class FileChange:
    """One line of ``git log --raw``: status letter, blob ids, paths (old, new)."""

    status: str
    old_sha: str
    new_sha: str
    old_path: str
    new_path: str
    old_regular: bool = True
    new_regular: bool = True


@dataclass(slots=True)
class RawCommit:
    """A commit as ``git log`` lists it, with the files it changed under ``data/``."""

    id: str
    author: str
    email: str
    when: datetime
    subject: str
    files: list[FileChange] = field(default_factory=list)


class LogStream:
    """One ``git log --first-parent -m --raw -z -M`` over ``data/``, newest commit first.

    Merges are diffed against their first parent: the history is the main line's, a
    chain of states where each change's "before" is the previous change's "after".
    """

    def __init__(self, git: Git, prefix: str, start: str = "HEAD") -> None:
        if start.startswith("-"):
            raise ValueError(f"not a revision: {start!r}")
        self.prefix = prefix
        self.proc = git.popen(
            [
                "log",
                "--first-parent",
                "-m",
                "--raw",
                "-z",
                "-M",
                "--no-abbrev",
                "--no-color",
                "--no-ext-diff",
                f"--format={_HEADER}",
                start,
                "--",
                "data",
            ]
        )
        self._chunks: queue.Queue[bytes] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while chunk := stdout.read1(1 << 20):
            self._chunks.put(chunk)
        self._chunks.put(b"")

    def batches(self, size: int = 256) -> Iterator[list[RawCommit]]:
        """Complete commits in batches of about ``size`` (fewer blob round trips)."""
        pending: list[RawCommit] = []
        for commits in self._commits():
            pending += commits
            if len(pending) >= size:
                yield pending
                pending = []
        if pending:
            yield pending

    def _chunk(self) -> tuple[bytes, bool]:
        """What git has written since the last call (waits for some), and whether it ended."""
        parts = [self._chunks.get()]
        while parts[-1] and not self._chunks.empty():
            parts.append(self._chunks.get_nowait())
        return b"".join(parts), not parts[-1]

    def _commits(self) -> Iterator[list[RawCommit]]:
        rest = b""
        current: RawCommit | None = None
        done = False
        while not done:
            chunk, done = self._chunk()
            tokens = (rest + chunk).split(b"\0")
            rest = b"" if done else tokens.pop()
            found: list[RawCommit] = []
            i, count = 0, len(tokens)
            while i < count:
                token = tokens[i].lstrip(b"\n")
                if token.startswith(b"\x01"):
                    if i + 4 >= count:  # a header cut by the chunk: wait for the rest
                        break
                    if current is not None:
                        found.append(current)
                    name, email, when, subject = (
                        t.decode("utf-8", "replace") for t in tokens[i + 1 : i + 5]
                    )
                    current = RawCommit(
                        token[1:].decode(), name, email, datetime.fromisoformat(when), subject
                    )
                    i += 5
                elif token.startswith(b":"):
                    fields = token[1:].decode().split(" ")
                    status = fields[4][:1]
                    paths = 2 if status in "RC" else 1
                    if i + paths >= count:
                        break
                    old, new = tokens[i + 1], tokens[i + paths]
                    if current is not None:
                        current.files.append(
                            FileChange(
                                status,
                                fields[2],
                                fields[3],
                                self._path(old),
                                self._path(new),
                                fields[0] in _REGULAR,
                                fields[1] in _REGULAR,
                            )
                        )
                    i += 1 + paths
                else:
                    i += 1
            if i < count and not done:
                rest = b"\0".join([*tokens[i:], rest])
            if done and current is not None:
                found.append(current)
            yield found

    def _path(self, token: bytes) -> str:
        return strip_prefix(token.decode("utf-8", "surrogateescape"), self.prefix)

    def close(self) -> None:
        """Stop git (when the rest of the history is known already) and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._thread.join(timeout=5)


Entry = tuple[str, str, Any, Any, str, str]
"""``(at_path, field, old, new, kind, note)``: a change as stored in the cache."""
Record = tuple[str, str, str, datetime, str, tuple[Entry, ...]]
"""``(commit, author, email, when, subject, entries)``: a commit as stored in the cache."""
CONFLICT = "conflict"
"""Note of an uncommitted file left in conflict by a merge."""
ORIGINAL = "original"
"""Note of a change of an issued document's original (a PDF, not a record): ``old`` and
``new`` are the blob ids (``None`` where the file is absent, or not known in the work
tree)."""


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


def _original_entries(f: FileChange) -> list[Entry]:
    """The changes of originals (and of a record on the other side of a rename)."""
    old_in = f.status not in "AC"
    new_in = f.status != "D"
    entries: list[Entry] = []
    if old_in and new_in and f.old_path == f.new_path:
        return [(f.new_path, "", f.old_sha, f.new_sha, MODIFIED, ORIGINAL)]
    for path, sha, present, kind in (
        (f.old_path, f.old_sha, old_in, DELETED),
        (f.new_path, f.new_sha, new_in, ADDED),
    ):
        if not present:
            continue
        if is_original(path):
            old, new = (sha, None) if kind == DELETED else (None, sha)
            entries.append((path, "", old, new, kind, ORIGINAL))
        elif is_record(path):
            entries.append((path, "", None, None, kind, ""))
    return entries


def _file_entries(f: FileChange, version: Any) -> list[Entry]:
    if is_original(f.old_path) or is_original(f.new_path):
        return _original_entries(f)
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
        if is_original(e.path):
            kind = DELETED if e.deleted else MODIFIED if e.head_sha else ADDED
            work.append((e.path, "", e.head_sha, None, kind, ORIGINAL))
            continue
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
