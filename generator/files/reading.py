"""The first step of every run: find the record files and know each by its content digest.

Only the files whose metadata changed since the last run are read
(:mod:`generator.files.snapshot`, git's racy-timestamp rule); the others are read when
they must be parsed. A cold run (no table yet) takes each file's metadata from the open
that reads it. Also here: the problems of files that cannot be read, and the line and
column of problems that only know where in a record they are.
"""

from __future__ import annotations

import os
import time
from array import array
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.files.cache import Cache, digest
from generator.files.listing import Listing, walk
from generator.files.sharing import shared_map
from generator.files.snapshot import DIGEST_SIZE, FileTable, fields, snapshot_of
from generator.files.snapshot import take as take_snapshot
from generator.files.sources import (
    REASONS,
    FileNote,
    SourceFile,
    expected_folders,
    read_all,
    read_settings,
)
from generator.problems import Problem, make_problem

FILES_CACHE = "files"
"""The cache of the record files' metadata and digests (:class:`FileTable`)."""


@dataclass(slots=True)
class Sources:
    """Every file of ``data/``, found, and known by content digest: the first, cheap step
    of every run. Only the files whose metadata changed since the last run are read
    (:mod:`generator.files.snapshot`); the others are read when they must be parsed.
    ``data/`` is walked again only when one of its folders changed
    (:mod:`generator.files.listing`), and the files are then made when first asked for."""

    root: Path
    notes: list[FileNote]
    table: FileTable
    """The records' metadata and digests, in the order of ``files``."""
    raws: dict[str, bytes]
    """The bytes of the files read so far."""
    settings_raw: bytes | None
    read_now: int = 0
    """How many record files had to be read because their metadata changed."""
    walked: bool = True
    """Whether ``data/`` was walked (else its stored listing still held)."""
    _files: list[SourceFile] | None = None
    _listing: Listing | None = None
    """Where ``files`` come from when they were not walked for (``table.paths`` theirs)."""
    _digests: dict[str, bytes] | None = None
    pending: bool = False
    """Whether the files are still to be read (``read_sources(defer=True)``, then
    :meth:`settle`)."""
    taken_ns: int = 0
    _store_in: Cache | None = None

    def settle(self, stats: array[int], digests: bytes, unreadable: list[FileNote]) -> None:
        """What reading the files of a deferred run found, in the order of ``files``: the
        metadata and the digest of each (see :func:`~generator.schema.batch.read_and_parse_all`),
        and the files that could not be read; the file table is stored."""
        self.table = FileTable(self.taken_ns, self.table.paths, stats, digests, [], self._listing)
        self.drop(unreadable)
        self.pending, self.read_now = False, len(self.table.paths)
        if self._store_in is not None:
            self._store_in.store_bytes(FILES_CACHE, self.table.to_bytes())

    def drop(self, unreadable: list[FileNote]) -> None:
        """Leave out the files that could not be read, and note why."""
        if not unreadable:
            return
        self.notes += unreadable
        gone = {n.path for n in unreadable}
        table = self.table
        kept = [i for i, p in enumerate(table.paths) if p not in gone]
        files = self.files
        self._files = [files[i] for i in kept]
        self.table = FileTable(
            table.taken_ns,
            [table.paths[i] for i in kept],
            array("q", [v for i in kept for v in table.stats[i * 4 : i * 4 + 4]]),
            b"".join(table.digest_at(i) for i in kept),
            [],
        )  # no listing: it would name the unreadable files too
        self._listing = None
        self._digests = None

    @property
    def files(self) -> list[SourceFile]:
        """Every record file, in the order of ``table``."""
        if self._files is None:
            assert self._listing is not None
            self._files = self._listing.files(self.table.paths)
        return self._files

    @property
    def counts(self) -> dict[str, int]:
        """How many record files of each kind."""
        if self._files is None and self._listing is not None:
            return self._listing.counts()
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        return counts

    @property
    def digests(self) -> dict[str, bytes]:
        """The content digest of every record file, by path."""
        if self._digests is None:
            table = self.table
            self._digests = {path: table.digest_at(i) for i, path in enumerate(table.paths)}
        return self._digests

    def content_key(self) -> bytes:
        """One digest of every record file's path and content."""
        return self.table.content_key()

    def read(self, paths: list[str]) -> dict[str, bytes]:
        """The bytes of ``paths`` (read now when they were not yet); a file that can no
        longer be read is left out."""
        missing = [p for p in paths if p not in self.raws]
        if missing:
            raws, _ = read_all(self.root, missing)
            self.raws.update(raws)
        return {p: self.raws[p] for p in paths if p in self.raws}


def read_sources(
    root: Path,
    cache: Cache | None = None,
    *,
    jobs: int = 1,
    defer: bool = False,
    stat_alone: bool = False,
) -> Sources:
    """Discover every record file under ``root/data`` (or take the stored listing while
    it holds) and read the settings; the records are read only when ``cache``'s file
    table cannot vouch for their content (on ``jobs`` processes when there are many:
    :func:`read_shared`). ``stat_alone``: the files' metadata taken in this process only
    (:func:`~generator.files.snapshot.take`: a long-running server, whose memory a
    forked child would count again, for a tenth of a second at reference scale).

    ``defer``: when there is no file table (a cold run), read nothing yet: the caller
    reads every file as it parses it and tells what it found (:meth:`Sources.settle`).
    """
    raw = cache.load_bytes(FILES_CACHE) if cache is not None else None
    stored = FileTable.from_bytes(raw)
    if raw is not None and stored is None:  # damaged: read as if there were none
        cache.notices.append(("cache-unreadable", f"{FILES_CACHE}: ValueError"))  # type: ignore[union-attr]
    reused = stored.listing if stored is not None else None
    if reused is not None and reused.still_holds(root):
        files, notes, listing = None, list(reused.notes), reused
        paths = stored.paths  # type: ignore[union-attr]
    else:
        files, notes, listing = walk(root)
        paths = [f.path for f in files]
        reused = None
    settings_raw, _ = read_settings(root)
    sources = Sources(
        root,
        notes,
        FileTable(0, paths, array("q"), b"", []),
        {},
        settings_raw,
        len(paths),
        walked=reused is None,
        _files=files,
        _listing=listing,
    )
    if stored is None and defer:
        sources.taken_ns, sources.pending, sources._store_in = time.time_ns(), True, cache
        return sources
    if stored is not None:
        snapshot = take_snapshot(root, paths, jobs=jobs, share=False if stat_alone else None)
        digests, unknown = stored.known(snapshot)
        raws, unreadable, found = read_shared(root, [paths[i] for i in unknown], None, jobs)
    else:  # every file is read: its metadata comes from the same open
        taken, infos = time.time_ns(), dict[str, tuple[int, int, int, int]]()
        raws, unreadable, found = read_shared(root, paths, infos, jobs)
        snapshot = snapshot_of(taken, paths, infos)
        digests, unknown = bytearray(len(paths) * DIGEST_SIZE), list(range(len(paths)))
    for i in unknown:
        raw = raws.get(paths[i])
        if raw is not None:
            known = found.get(paths[i])
            digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE] = known or digest(raw)
    sources.raws, sources.read_now = raws, len(unknown)
    sources.table = FileTable.of(snapshot, bytes(digests))
    if stored is not None:
        sources.table.same_files(stored)
    sources.table.listing = listing
    sources.drop(unreadable)
    if cache is not None and (unknown or stored is None or (reused is None and listing)):
        cache.store_bytes(FILES_CACHE, sources.table.to_bytes())
    return sources


SHARED_FROM = 4_000
"""Below this many files to read, forking a worker costs more than it saves."""


def read_shared(
    root: Path, paths: list[str], infos: dict[str, tuple[int, int, int, int]] | None, jobs: int
) -> tuple[dict[str, bytes], list[FileNote], dict[str, bytes]]:
    """:func:`read_all` of ``paths`` on ``jobs`` processes (this one included,
    :func:`shared_map`) when there are many, with the digests the workers computed;
    ``infos``, when given, receives each file's :func:`fields`."""
    if jobs <= 1 or len(paths) < SHARED_FROM:
        stats: dict[str, os.stat_result] = {}
        raws, unreadable = read_all(root, paths, stats if infos is not None else None)
        if infos is not None:
            infos.update((rel, fields(info)) for rel, info in stats.items())
        return raws, unreadable, {}
    size = max(500, len(paths) // (jobs * 16))
    chunks = [(root, paths[i : i + size], infos is not None) for i in range(0, len(paths), size)]
    raws: dict[str, bytes] = {}
    unreadable: list[FileNote] = []
    found: dict[str, bytes] = {}
    for part, notes, stats, digests in shared_map(_read_chunk, chunks, jobs):
        raws.update(part)
        unreadable += notes
        found.update(digests)
        if infos is not None:
            infos.update(stats)
    return raws, unreadable, found


def _read_chunk(
    args: tuple[Path, list[str], bool],
) -> tuple[
    dict[str, bytes], list[FileNote], dict[str, tuple[int, int, int, int]], dict[str, bytes]
]:
    """Worker: read a chunk of files, with their metadata and digests."""
    root, paths, with_stats = args
    stats: dict[str, os.stat_result] = {}
    raws, unreadable = read_all(root, paths, stats if with_stats else None)
    infos = {rel: fields(info) for rel, info in stats.items()}
    return raws, unreadable, infos, {rel: digest(raw) for rel, raw in raws.items()}


def note_problem(note: FileNote, lang: str) -> Problem:
    """The problem of a file that is misplaced or cannot be read (and why)."""
    fr, en = REASONS.get(note.reason, ("", ""))
    return make_problem(
        note.code,
        note.path,
        lang=lang,
        file=note.path,
        suggestion=note.path[:-4] + ".yaml",
        folders=expected_folders(),
        reason=fr,
        reason_en=en,
    )


def locate(
    repo: Path,
    problems: list[Problem],
    lang: str,
    kept: dict[str, tuple[bytes, Any]] | None = None,
) -> list[Problem]:
    """Give line and column to problems that only know their ``loc``.

    ``kept`` (``carnet serve``): the YAML trees of the previous run's files, by path with
    the bytes they were composed from; a file whose bytes are the same is not composed
    again. It is left holding this run's."""
    from generator.files.yamlio import parse_bytes, position_of

    roots: dict[str, tuple[bytes | None, Any]] = {}
    located: list[Problem] = []
    for problem in problems:
        if problem.line or problem.loc is None:
            located.append(problem)
            continue
        if problem.path not in roots:
            raws, _ = read_all(repo, [problem.path])
            raw = raws.get(problem.path)
            hit = kept.get(problem.path) if kept is not None else None
            if raw is None:
                roots[problem.path] = (None, None)
            elif hit is not None and hit[0] == raw:
                roots[problem.path] = hit
            else:
                roots[problem.path] = (raw, parse_bytes(raw, problem.path, lang).root)
        line, column = position_of(roots[problem.path][1], problem.loc)
        located.append(replace(problem, line=line, column=column))
    if kept is not None:
        kept.clear()
        kept.update((path, found) for path, found in roots.items() if found[0] is not None)
    return located
