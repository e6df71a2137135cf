"""Which record files changed since the last run, told by their metadata as git's index does.

A run stats every record file (size, modification and change times in nanoseconds,
inode) and compares with the table the previous run stored beside its content digests
(:class:`FileTable`): a file whose metadata is unchanged keeps its digest without being
read. Git's racy-timestamp rule keeps this exact: a file modified in the same second as
the table was taken (or later) may have changed again without its metadata showing it,
so it is read again, and its digest compared.

The table is plain data, never code (:meth:`FileTable.to_bytes`: a JSON header, then
the paths, the packed metadata and the packed digests as they are, read back without
decoding anything but the paths), so that a table brought by a pull request can at worst
be wrong, and then only makes a run read what it would have read anyway. The listing of
``data/`` travels with it (:mod:`generator.files.listing`).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import stat
import sys
import threading
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

from generator.files.listing import Listing

DIGEST_SIZE = 16
"""Bytes of a content digest (:func:`generator.files.cache.digest`)."""
_FIELDS = 4  # size, mtime_ns, ctime_ns, inode
_SECOND = 1_000_000_000
_UNTRUSTED = -1
"""The metadata of what must always be read: not a regular file, or gone."""
MAGIC = b"carnet file table 2\n"
"""The first bytes of a stored table (:meth:`FileTable.to_bytes`)."""


@dataclass(slots=True)
class Snapshot:
    """The metadata of ``paths`` at ``taken_ns`` (the clock before the first stat)."""

    taken_ns: int
    paths: list[str]
    stats: array[int]

    def stat_of(self, index: int) -> tuple[int, ...]:
        """The metadata of the ``index``-th path."""
        return tuple(self.stats[index * _FIELDS : (index + 1) * _FIELDS])


STAT_SHARED_FROM = 16_000
"""From this many files, a second process stats half of them (a forked child: ``lstat``
is a system call that threads cannot overlap under the interpreter's lock)."""


def take(repo: Path, paths: list[str], *, jobs: int = 1, share: bool | None = None) -> Snapshot:
    """Stat every repository file of ``paths`` (a symbolic link: its own metadata and
    its target's, so that either changing shows). Each folder is opened once and its
    files stat'ed relative to it (no walk of the whole path per file).

    With ``jobs`` above one and many files, a forked child stats the second half while
    this process stats the first (:data:`STAT_SHARED_FROM`; never from a process running
    other threads). ``share`` forces that choice (tests)."""
    taken = time.time_ns()
    base = os.path.join(str(repo), "")
    if share is None:
        share = (
            jobs > 1
            and len(paths) >= STAT_SHARED_FROM
            and hasattr(os, "fork")
            and threading.active_count() == 1
        )
    stats = _stat_on_two(base, paths) if share and len(paths) > 1 else _stat_each(base, paths)
    return Snapshot(taken, list(paths), stats)


def _stat_each(base: str, paths: list[str]) -> array[int]:
    """The packed metadata of ``paths`` (relative to ``base``), in their order."""
    stats = array("q")
    lstat = os.lstat
    folder, fd = None, -1
    try:
        for rel in paths:
            here, _, name = rel.rpartition("/")
            if here != folder:
                if fd >= 0:
                    os.close(fd)
                folder, fd = here, _open_folder(base + here)
            try:
                info = lstat(name, dir_fd=fd) if fd >= 0 else lstat(base + rel)
            except OSError:
                stats.extend(_NOTHING)
                continue
            if stat.S_ISREG(info.st_mode):
                stats.extend((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
            elif stat.S_ISLNK(info.st_mode):
                stats.extend(_through_link(base + rel, info) or _NOTHING)
            else:
                stats.extend(_NOTHING)
    finally:
        if fd >= 0:
            os.close(fd)
    return stats


def _stat_on_two(base: str, paths: list[str]) -> array[int]:
    """:func:`_stat_each` of ``paths``, the second half in a forked child that leaves its
    metadata in memory shared with this process. Should the child fail, its half is
    stat'ed here: the result is the same either way."""
    half = len(paths) // 2
    second = paths[half:]
    width = array("q").itemsize * _FIELDS
    shared = mmap.mmap(-1, len(second) * width)
    pid = os.fork()
    if pid == 0:  # the child: nothing but system calls, then leave without cleanup
        code = 1
        try:
            shared[:] = _stat_each(base, second).tobytes()
            code = 0
        finally:
            os._exit(code)
    try:
        stats = _stat_each(base, paths[:half])
    finally:
        _, status = os.waitpid(pid, 0)  # the child is never left behind
    if os.waitstatus_to_exitcode(status) == 0:
        stats.frombytes(shared[:])
    else:
        stats.extend(_stat_each(base, second))
    shared.close()
    return stats


_NOTHING = (_UNTRUSTED,) * _FIELDS
UNTRUSTED = _NOTHING
"""The metadata of a file never vouched for (not a regular file, a link, gone)."""
NO_DIGEST = bytes(DIGEST_SIZE)
"""The digest of a file that could not be read."""


def snapshot_of(
    taken_ns: int, paths: list[str], infos: dict[str, tuple[int, int, int, int]]
) -> Snapshot:
    """The snapshot of ``paths`` from metadata already read (``infos``: size, mtime_ns,
    ctime_ns and inode by path, see :func:`fields`; a file missing there is never vouched
    for), taken at ``taken_ns``."""
    stats = array("q")
    for rel in paths:
        stats.extend(infos.get(rel, _NOTHING))
    return Snapshot(taken_ns, list(paths), stats)


def fields(info: os.stat_result) -> tuple[int, int, int, int]:
    """What a snapshot keeps of a file's metadata: size, mtime_ns, ctime_ns, inode."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


_BLOCK = 1024
"""Files whose metadata are compared as one block before looking at each."""


def _differing(new: array[int], old: array[int]) -> list[int]:
    """The indices of the files whose metadata differ between two snapshots of the same
    paths: blocks of files compared whole, then each file of a block that differs (an
    edit among tens of thousands of files costs a few hundred comparisons)."""
    width = _FIELDS * new.itemsize
    a, b = new.tobytes(), old.tobytes()
    found: list[int] = []
    step = _BLOCK * width
    for start in range(0, len(a), step):
        end = min(start + step, len(a))
        if a[start:end] != b[start:end]:
            found += [
                i // width for i in range(start, end, width) if a[i : i + width] != b[i : i + width]
            ]
    return found


def _key(stored: object) -> bytes | None:
    """A content key read back from a table's header (``None`` when it is not one)."""
    try:
        key = bytes.fromhex(stored) if isinstance(stored, str) else None
    except ValueError:
        return None
    return key if key is not None and len(key) == DIGEST_SIZE else None


def _open_folder(path: str) -> int:
    """A descriptor of the folder ``path`` to stat its files by name (-1 when it cannot
    be opened: then each file is stat'ed by its whole path)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return -1


def _through_link(path: str, link: os.stat_result) -> tuple[int, int, int, int] | None:
    """A link's metadata: its target's size and inode with the link's own folded in, and
    the later of both times (so that retargeting the link shows too); ``None`` when the
    target is not a regular file."""
    try:
        target = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(target.st_mode):
        return None
    return (
        target.st_size,
        max(target.st_mtime_ns, link.st_mtime_ns),
        max(target.st_ctime_ns, link.st_ctime_ns),
        target.st_ino ^ (link.st_ino << 20),
    )


@dataclass(slots=True)
class FileTable:
    """What a run knew of the files: their metadata at ``taken_ns``, their content digests
    (``DIGEST_SIZE`` bytes each, in the order of ``paths``) and which of them were racy
    then (modified in the second the table was taken, or later: always read again)."""

    taken_ns: int
    paths: list[str]
    stats: array[int]
    digests: bytes
    racy: list[int]
    """Filled when the table is read back (:meth:`from_bytes`)."""
    listing: Listing | None = None
    """The listing of ``data/`` whose files are ``paths``, when it can be reused."""
    key: bytes | None = None
    """One digest of every path and its content digest (:meth:`content_key`), once made."""

    def content_key(self) -> bytes:
        """One digest of every file's path and content digest, in order: kept with the
        table, so that a run where nothing changed does not make it again."""
        if self.key is None:
            h = hashlib.blake2b(digest_size=DIGEST_SIZE)
            h.update("\n".join(self.paths).encode("utf-8", "surrogateescape"))
            h.update(b"\0")
            h.update(self.digests)
            self.key = h.digest()
        return self.key

    def same_files(self, other: FileTable) -> FileTable:
        """This table, with ``other``'s content key when both hold the same paths and
        digests (a run where nothing changed)."""
        if (
            self.key is None
            and other.key is not None
            and self.digests == other.digests
            and self.paths == other.paths
        ):
            self.key = other.key
        return self

    @classmethod
    def of(cls, snapshot: Snapshot, digests: bytes) -> FileTable:
        """The table of ``snapshot`` and the files' ``digests`` (in the same order)."""
        return cls(snapshot.taken_ns, snapshot.paths, snapshot.stats, digests, [])

    def to_bytes(self) -> bytes:
        """The table as bytes (:data:`MAGIC`, the length of a JSON header, the header:
        time taken, racy files, sizes, listing; then the paths, one a line, the packed
        metadata and the packed digests), with the files racy at the time it was taken."""
        stats = self.stats
        racy_from = self.taken_ns - self.taken_ns % _SECOND
        racy = [
            index
            for index, (size, mtime, ctime) in enumerate(
                zip(stats[0::_FIELDS], stats[1::_FIELDS], stats[2::_FIELDS], strict=True)
            )
            if size == _UNTRUSTED or mtime >= racy_from or ctime >= racy_from
        ]
        paths = "\n".join(self.paths).encode("utf-8", "surrogateescape")
        header = json.dumps(
            {
                "taken_ns": self.taken_ns,
                "count": len(self.paths),
                "paths": len(paths),
                "byteorder": sys.byteorder,
                "racy": racy,
                "key": self.content_key().hex(),
                "listing": self.listing.to_data() if self.listing is not None else None,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        size = len(header).to_bytes(8, "big")
        return b"".join((MAGIC, size, header, paths, stats.tobytes(), self.digests))

    @classmethod
    def from_bytes(cls, data: bytes | None) -> FileTable | None:
        """The table stored by :meth:`to_bytes`, or ``None`` when it is not one."""
        if data is None or not data.startswith(MAGIC):
            return None
        start = len(MAGIC) + 8
        try:
            end = start + int.from_bytes(data[len(MAGIC) : start], "big")
            header = json.loads(data[start:end])
            n, size = int(header["count"]), int(header["paths"])
            taken = int(header["taken_ns"])
            racy = [int(i) for i in header["racy"]]
            key = _key(header.get("key"))
            if header["byteorder"] != sys.byteorder or n < 0 or size < 0:
                return None
            blob = data[end : end + size].decode("utf-8", "surrogateescape")
            paths = blob.split("\n") if n else []
            stats = array("q")
            stats.frombytes(data[end + size : end + size + n * _FIELDS * stats.itemsize])
            digests = data[end + size + n * _FIELDS * stats.itemsize :]
        except (KeyError, TypeError, AttributeError, ValueError, UnicodeDecodeError):
            return None
        if len(paths) != n or len(stats) != n * _FIELDS or len(digests) != n * DIGEST_SIZE:
            return None
        if any(not 0 <= i < n for i in racy):
            return None
        listing = header.get("listing")
        found = Listing.from_data(listing, paths) if listing is not None else None
        return cls(taken, paths, stats, digests, racy, found, key)

    def known(self, snapshot: Snapshot) -> tuple[bytearray, list[int]]:
        """The digests of ``snapshot``'s files as far as this table vouches for them (in
        ``snapshot``'s order; zeros where it does not), and the indices of the files that
        must be read: new, changed (path, size, times or inode differ), or racy."""
        if snapshot.paths == self.paths:  # the same files: compare their metadata whole
            digests = bytearray(self.digests)
            changed = _differing(snapshot.stats, self.stats) if snapshot.stats != self.stats else []
            unknown = sorted({*self.racy, *changed})
            for i in unknown:
                digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE] = NO_DIGEST
            return digests, unknown
        racy = set(self.racy)
        where = {path: index for index, path in enumerate(self.paths)}
        digests = bytearray(len(snapshot.paths) * DIGEST_SIZE)
        unknown: list[int] = []
        for i, path in enumerate(snapshot.paths):
            old = where.get(path)
            if old is None or old in racy or snapshot.stat_of(i) != self.stat_of(old):
                unknown.append(i)
            else:
                digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE] = self.digest_at(old)
        return digests, unknown

    def digest_at(self, index: int) -> bytes:
        """The content digest of the ``index``-th path."""
        return self.digests[index * DIGEST_SIZE : (index + 1) * DIGEST_SIZE]

    def stat_of(self, index: int) -> tuple[int, ...]:
        """The metadata of the ``index``-th path."""
        return tuple(self.stats[index * _FIELDS : (index + 1) * _FIELDS])
