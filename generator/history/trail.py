"""Git audit trail of the records: who changed which field, when, following renames.

Public API (a History comes from :func:`generator.history.reader.load_history`)::

    history.changes_of("data/companies/x.yaml")  # list[FieldChange], newest first
    history.since(date(2026, 11, 1))             # across the business, newest first
    history.record_at(path, commit)              # the parsed record at a commit (or None)
    history.first_commit_where(path, predicate)  # CommitInfo of the first commit where
                                                 # predicate(record) holds (invoicing)

A :class:`FieldChange` is one field of one record: ``field`` is dotted
(``document.lines[2].unit_price``, ``address.city``, see :mod:`generator.history.fielddiff`) or
``""`` for the whole record (``kind`` ``added``, ``deleted`` or ``renamed`` — a rename's
``old``/``new`` are the paths — or ``modified`` with a ``note`` when one version is not
readable YAML). ``path`` is the record's current path; ``at_path`` the path it had then.
Uncommitted work-tree changes (staged or not, untracked files included) come first with
``commit=None``. Edits that change no field (comments, layout) produce no change.

How it is read (DESIGN.md rule 9): one ``git status``, one
``git log --first-parent -m --raw -z -M`` over ``data/`` and one ``git cat-file --batch``
for the blobs, whatever the number of records (:attr:`History.git_calls`); the work tree
is found by reading ``.git``. Merges count as one change against their first parent (the
main line's chain of states).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.files.sources import read_inside
from generator.history.fielddiff import DELETED, RENAMED
from generator.history.git import (
    BlobReader,
    Git,
)
from generator.history.log import ORIGINAL, Entry, Record, diff_log


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """A commit (``id`` ``None`` for uncommitted work): author, date (aware), subject."""

    id: str | None
    author: str
    email: str
    when: datetime
    subject: str

    @property
    def short(self) -> str | None:
        """The abbreviated commit id, as ``git log --oneline`` shows it."""
        return self.id[:9] if self.id else None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field of one record in one commit (see the module docstring)."""

    path: str
    field: str
    old: Any
    new: Any
    commit: str | None
    author: str
    email: str
    when: datetime
    subject: str
    kind: str
    at_path: str = ""
    note: str = ""

    @property
    def uncommitted(self) -> bool:
        """True for a change of the work tree not committed yet."""
        return self.commit is None

    @property
    def short(self) -> str | None:
        """The abbreviated commit id (``None`` when uncommitted)."""
        return self.commit[:9] if self.commit else None


@dataclass(frozen=True, slots=True)
class OriginalChange:
    """One change of an issued document's original (a PDF of ``data/documents/issued/``):
    the commit (``id`` ``None``: the work tree), ``added``, ``modified`` or ``deleted``,
    and the blob ids before and after (``None``: absent, or in the work tree not read)."""

    commit: CommitInfo
    kind: str
    old: str | None
    new: str | None


class History:
    """The changes of every record, indexed by path; built by :func:`load_history`."""

    def __init__(
        self,
        repo: Path,
        git: Git,
        prefix: str,
        records: list[tuple[CommitInfo, tuple[Entry, ...]]],
        mtimes: dict[str, datetime],
        diffed: int,
        blobs: BlobReader | None = None,
        at: str | None = None,
    ) -> None:
        self.repo = repo
        self.at = at
        """The commit this history stops at (:meth:`until`), whose records are "now"."""
        self.prefix = prefix
        self.diffed_commits = diffed
        """Commits diffed by this load (0 when everything came from the cache)."""
        self._git = git
        self._blobs = blobs or BlobReader(git)  # the reader that read the log, kept
        weakref.finalize(self, self._blobs.close)
        self._records = records  # oldest first; uncommitted work last
        self._mtimes = mtimes
        self._seq = {info.id: seq for seq, (info, _) in enumerate(records) if info.id}
        self._by_path: dict[str, list[tuple[int, int]]] = {}
        self._moved_away: dict[str, list[tuple[int, str]]] = {}
        self._renamed_in: dict[str, list[tuple[int, str]]] = {}
        self._originals: dict[str, list[OriginalChange]] = {}
        for seq, (info, entries) in enumerate(records):
            for index, (at_path, field, old, new, kind, note) in enumerate(entries):
                if note == ORIGINAL:
                    change = OriginalChange(info, kind, old, new)
                    self._originals.setdefault(at_path, []).append(change)
                    continue
                self._by_path.setdefault(at_path, []).append((seq, index))
                if kind == RENAMED and not field:
                    self._moved_away.setdefault(old, []).append((seq, new))
                    self._renamed_in.setdefault(new, []).append((seq, old))

    @property
    def git_calls(self) -> int:
        """How many git processes this history has started (constant per load)."""
        return self._git.calls

    @property
    def commits(self) -> list[CommitInfo]:
        """Commits that changed a record, newest first."""
        return [info for info, _ in reversed(self._records) if info.id is not None]

    def changes_of(self, path: str) -> list[FieldChange]:
        """Changes of the record now at ``path``, newest first, its former paths included."""
        found: list[tuple[int, int]] = []
        for name, low, high in self._segments(path):
            found += [(s, i) for s, i in self._by_path.get(name, ()) if low <= s < high]
        found.sort(key=lambda si: (-si[0], si[1]))
        return [self._change(path, seq, index) for seq, index in found]

    def since(self, day: date) -> list[FieldChange]:
        """Every change dated ``day`` or later (author's date), newest first."""
        out: list[FieldChange] = []
        for seq in range(len(self._records) - 1, -1, -1):
            info, entries = self._records[seq]
            for index, entry in enumerate(entries):
                if entry[5] == ORIGINAL:
                    continue  # a PDF, not a record: see originals()
                when = self._mtimes.get(entry[0], info.when) if info.id is None else info.when
                if when.date() >= day:
                    out.append(self._change(self._current(entry[0], seq), seq, index))
        return out

    def deleted_paths(self, folder: str) -> list[str]:
        """Record files under ``folder`` deleted on the main line or in the work tree
        (not moved: a rename git saw is no deletion), each once, newest first."""
        found = [
            at_path
            for _, entries in reversed(self._records)
            for at_path, field, _old, _new, kind, _note in entries
            if kind == DELETED and not field and at_path.startswith(folder)
        ]
        return list(dict.fromkeys(found))

    def originals(self) -> dict[str, list[OriginalChange]]:
        """Every original of ``data/documents/issued/`` that git or the work tree knows:
        path → its changes, oldest first (uncommitted work last). Read in the same
        ``git log`` pass as the records."""
        return {path: list(changes) for path, changes in self._originals.items()}

    def record_at(self, path: str, commit: str | None) -> dict[str, Any] | None:
        """The record now at ``path`` as it was at ``commit`` (``None``: now, the work
        tree, or the commit :meth:`until` stopped at)."""
        return self._records_at(path, [commit or self.at])[0]

    def first_commit_where(
        self, path: str, predicate: Callable[[dict[str, Any]], bool]
    ) -> CommitInfo | None:
        """The oldest commit where the record at ``path`` satisfies ``predicate``.

        Invoicing uses it to find an invoice's issuing commit (``document.number`` set).
        Only commits that changed the record are read, all in one batch.
        """
        commits = list(dict.fromkeys(c.commit for c in reversed(self.changes_of(path)) if c.commit))
        for commit, record in zip(commits, self._records_at(path, commits), strict=True):
            if record is not None and predicate(record):
                return self._records[self._seq[commit]][0]
        return None

    def until(self, commit: str) -> History:
        """The history as it stood at ``commit`` (for ``--at``): no later commit, no
        uncommitted work. A commit off the main line costs one more ``git log``, read only
        down to the first commit already known."""
        seq = self._seq.get(commit)
        if seq is not None:
            kept = self._records[: seq + 1]
            return History(self.repo, self._git, self.prefix, kept, {}, 0, at=commit)
        known = [
            (info.id, info.author, info.email, info.when, info.subject, entries)
            for info, entries in reversed(self._records)
            if info.id is not None
        ]
        try:
            records, diffed, _ = diff_log(self._git, self.prefix, self._blobs, known, commit)
        finally:
            self._blobs.close()
        return History(
            self.repo, self._git, self.prefix, _chronological(records), {}, diffed, at=commit
        )

    def close(self) -> None:
        """End the ``git cat-file`` process that :meth:`record_at` may have started."""
        self._blobs.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ---------------------------------------------------------------------

    def _change(self, path: str, seq: int, index: int) -> FieldChange:
        info, entries = self._records[seq]
        at_path, field, old, new, kind, note = entries[index]
        when = self._mtimes.get(at_path, info.when) if info.id is None else info.when
        return FieldChange(
            path,
            field,
            old,
            new,
            info.id,
            info.author,
            info.email,
            when,
            info.subject,
            kind,
            at_path,
            note,
        )

    def _segments(self, path: str) -> list[tuple[str, int, int]]:
        """``(path, first seq, end seq)`` of each stretch of the record's life, newest first.

        Going back from now, a rename into the current name continues the record under its
        former name; a rename away from it ends the stretch (what came before belonged to
        the record that left). A deletion does not: a path deleted then re-added is read as
        one record.
        """
        segments: list[tuple[str, int, int]] = []
        name, high = path, len(self._records) + 1
        while True:
            moved = max((s for s, _ in self._moved_away.get(name, ()) if s < high), default=-1)
            came = max(
                ((s, src) for s, src in self._renamed_in.get(name, ()) if s < high),
                default=(-1, ""),
            )
            if came[0] >= 0 and came[0] >= moved:
                segments.append((name, came[0], high))
                name, high = came[1], came[0]
            else:
                segments.append((name, max(moved, 0), high))
                return segments

    def _current(self, path: str, seq: int) -> str:
        """Where the record at ``path`` in change ``seq`` lives now (following renames)."""
        while True:
            later = [(s, to) for s, to in self._moved_away.get(path, ()) if s > seq]
            if not later:
                return path
            seq, path = min(later)

    def _path_at(self, path: str, seq: int) -> str:
        for name, low, high in self._segments(path):
            if low <= seq < high:
                return name
        return path

    def _records_at(self, path: str, commits: list[str | None]) -> list[dict[str, Any] | None]:
        names: list[str | None] = []
        for commit in commits:
            seq = self._seq.get(commit) if commit else None
            name = self._path_at(path, seq) if seq is not None else path
            names.append(f"{commit}:{self.prefix}{name}" if "\n" not in name else None)
        wanted = [n for n, c in zip(names, commits, strict=True) if n and c]
        from generator.files.yamlio import parse_bytes  # the YAML parser: when first needed

        blobs = self._blobs.fetch(wanted)
        out: list[dict[str, Any] | None] = []
        for name, commit in zip(names, commits, strict=True):
            raw = blobs.get(name) if commit and name else None
            if commit is None:
                raw = read_inside(self.repo, path)
            value = parse_bytes(raw, path).value if raw is not None else None
            out.append(value if isinstance(value, dict) else None)
        return out


def _chronological(records: list[Record]) -> list[tuple[CommitInfo, tuple[Entry, ...]]]:
    """Cached records (newest first) → commits oldest first."""
    return [(CommitInfo(c, a, e, w, s), entries) for c, a, e, w, s, entries in reversed(records)]
