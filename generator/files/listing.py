"""The record files' listing, reused while no folder of ``data/`` changed, as git's
untracked cache reuses a folder's listing while the folder's own metadata is the same.

Creating, deleting or renaming a file changes its folder's modification and change
times; so does replacing a file by a folder. A walk that met no symbolic link lists
nothing but what its folders hold, so while every folder it listed has the same
metadata (modification and change times in nanoseconds, inode), the walk would find the
same files and the same misplaced ones again. Git's racy-timestamp rule keeps this
exact: a folder modified in the second the listing was taken (or later) may have changed
again without its times showing it, so such a listing is never kept.

The listing travels with the file table (:class:`generator.files.snapshot.FileTable`),
whose paths are the listing's own: it is kept as runs of files of one folder and one
kind, the files themselves only made when asked for.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.files.layout import SEND_LOG, SEND_LOG_SUFFIX
from generator.files.sources import FileNote, SourceFile, Walked, discover

_SECOND = 1_000_000_000

Run = tuple[str, str, int]
"""Consecutive files of one folder and one kind: folder, kind, how many."""


@dataclass(slots=True)
class Listing:
    """What a walk of ``data/`` found, and the metadata of the folders it listed."""

    folders: list[tuple[str, int, int, int]]
    """Each folder listed: its path in the repository, mtime_ns, ctime_ns, inode."""
    runs: list[Run]
    notes: list[FileNote]

    def still_holds(self, repo: Path) -> bool:
        """Whether a walk of ``repo`` now would find the same: every folder it listed
        is still a folder with the same metadata."""
        base = os.path.join(str(repo), "")
        for rel, mtime, ctime, inode in self.folders:
            try:
                info = os.lstat(base + rel)
            except OSError:
                return False
            if not stat.S_ISDIR(info.st_mode) or (
                info.st_mtime_ns,
                info.st_ctime_ns,
                info.st_ino,
            ) != (mtime, ctime, inode):
                return False
        return True

    def counts(self) -> dict[str, int]:
        """How many files of each kind."""
        counts: dict[str, int] = {}
        for _, kind, count in self.runs:
            counts[kind] = counts.get(kind, 0) + count
        return counts

    def files(self, paths: list[str]) -> list[SourceFile]:
        """The files of the listing, whose paths are ``paths`` (in the listing's order)."""
        new, files, start = tuple.__new__, list[SourceFile](), 0
        for folder, kind, count in self.runs:
            cut, end = len(folder) + 1, -len(SEND_LOG_SUFFIX) if kind == SEND_LOG else -5
            files += [new(SourceFile, (kind, p, p[cut:end])) for p in paths[start : start + count]]
            start += count
        return files

    def to_data(self) -> dict[str, Any]:
        """The listing as JSON data."""
        return {
            "folders": [list(f) for f in self.folders],
            "runs": [list(r) for r in self.runs],
            "notes": [[n.code, n.path, n.reason] for n in self.notes],
        }

    @classmethod
    def from_data(cls, data: Any, paths: list[str]) -> Listing | None:
        """The listing stored by :meth:`to_data` for the files ``paths``, or ``None`` when
        it is not one."""
        try:
            folders = [(str(r), int(m), int(c), int(i)) for r, m, c, i in data["folders"]]
            runs = [(str(f), str(k), int(n)) for f, k, n in data["runs"]]
            notes = [FileNote(str(c), str(p), str(r)) for c, p, r in data["notes"]]
        except (KeyError, TypeError, ValueError):
            return None
        if sum(n for _, _, n in runs) != len(paths) or any(n <= 0 for _, _, n in runs):
            return None
        return cls(folders, runs, notes)


def walk(repo: Path) -> tuple[list[SourceFile], list[FileNote], Listing | None]:
    """:func:`discover` ``repo``, and the listing to keep for the next runs (``None`` when
    it could not vouch for itself: a link met, a folder that could not be stat'ed or
    that was modified in the second of the walk, a file the runs cannot name)."""
    listed_ns = time.time_ns()
    walked = Walked()
    files, notes = discover(repo, walked)
    racy_from = listed_ns - listed_ns % _SECOND
    folders: list[tuple[str, int, int, int]] = []
    for rel, info in walked.folders:
        if info is None or max(info.st_mtime_ns, info.st_ctime_ns) >= racy_from:
            return files, notes, None
        folders.append((rel, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    if walked.linked or not folders:
        return files, notes, None
    runs = _runs(files)
    if runs is None:
        return files, notes, None
    return files, notes, Listing(folders, runs, list(notes))


def _runs(files: list[SourceFile]) -> list[Run] | None:
    """``files`` as runs of one folder and one kind (``None`` when a file's id is not the
    one its name gives)."""
    runs: list[Run] = []
    folder, kind, count = "", "", 0
    for f in files:
        here, _, name = f.path.rpartition("/")
        suffix = SEND_LOG_SUFFIX if f.kind == SEND_LOG else ".yaml"
        if name != f.id + suffix:
            return None
        if here == folder and f.kind == kind:
            count += 1
            continue
        if count:
            runs.append((folder, kind, count))
        folder, kind, count = here, f.kind, 1
    if count:
        runs.append((folder, kind, count))
    return runs
