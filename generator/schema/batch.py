"""Many record files at once: parsed in worker processes, reused from the cache.

The per-file half of the pipeline (:mod:`generator.schema.parse`) needs nothing but a
file's bytes and the settings' timezone, so it runs in parallel (fork, so the models are
loaded once) and its results are kept in ``.carnet-cache/`` keyed by the file's content:
a cached record is validated again from its JSON by its model, never unpickled.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.files.cache import digest
from generator.files.sharing import shared_map
from generator.files.snapshot import NO_DIGEST, UNTRUSTED, fields
from generator.files.sources import FileNote, SourceFile, read_all
from generator.problems import Problem

if TYPE_CHECKING:
    from generator import Progress
    from generator.files.cache import Cache
    from generator.files.reading import Sources
    from generator.schema.parse import ParsedRecord

PARALLEL_THRESHOLD = 400
"""Below this many files to parse, worker processes cost more than they save."""


@dataclass(slots=True)
class ParseMemo:
    """The parse results of a long-running process (``carnet serve``), kept in memory
    between its runs: an edit parses its own file only, and nothing is read back from
    the cache."""

    parsed: dict[str, tuple[bytes, str, str, ParsedRecord]] = field(default_factory=dict)
    """By path: the content digest, timezone and language it was parsed with, and the result."""
    stored: dict[str, list[Any]] = field(default_factory=dict)
    """The same as the records cache holds them (reused when the cache is written)."""
    checks: Any = None
    """What the checks kept of the last run (a :class:`generator.checks.memo.CheckMemo`,
    set by :func:`generator.load.load`: the checks are above this module)."""
    trees: dict[str, tuple[bytes, Any]] = field(default_factory=dict)
    """The YAML trees that placed the last run's problems (:func:`~generator.files.reading.locate`)."""
    unsaved: set[str] = field(default_factory=set)
    """The files parsed since the records cache was last written (:meth:`defer`)."""
    _cache: Cache | None = None

    def still_valid(
        self, files: list[SourceFile], digests: dict[str, bytes], tz: str, lang: str
    ) -> dict[str, ParsedRecord]:
        """The results that still hold: same content, timezone and language."""
        found: dict[str, ParsedRecord] = {}
        for f in files:
            hit = self.parsed.get(f.path)
            if hit is not None and hit[:3] == (digests[f.path], tz, lang):
                found[f.path] = hit[3]
        return found

    def keep(
        self,
        files: list[SourceFile],
        digests: dict[str, bytes],
        tz: str,
        lang: str,
        parsed: dict[str, ParsedRecord],
        stored: dict[str, list[Any]],
    ) -> None:
        """Remember this run's results for the next."""
        self.parsed = {
            f.path: (digests[f.path], tz, lang, parsed[f.path]) for f in files if f.path in parsed
        }
        self.stored = stored

    def defer(self, cache: Cache, parsed_now: set[str]) -> None:
        """Leave the records cache as it is for now: ``parsed_now`` are written with the
        rest by :meth:`save` (rewriting the whole cache after each edit would cost
        ``carnet serve`` more than parsing the edited file)."""
        self._cache = cache
        self.unsaved |= parsed_now

    def save(self) -> None:
        """Write the records cache with the results kept here, when some were deferred.

        Each entry names the content digest it was parsed from, so a cache left unsaved
        (a server killed) only costs the next run the parsing of the edited files."""
        cache = self._cache
        if cache is None:
            return
        data: dict[str, list[Any]] = {}
        for path, (content, tz, lang, result) in self.parsed.items():
            entry = _cache_entry(path, content, tz, lang, result, self.stored, self.unsaved)
            if entry is not None:
                data[path] = entry
        cache.store("records", data)
        self.stored, self.unsaved, self._cache = data, set(), None


def cached_records(
    files: list[SourceFile],
    digests: dict[str, bytes],
    known: dict[str, Any],
    tz: str,
    lang: str,
) -> dict[str, ParsedRecord]:
    """The parse results of the cache that still hold: same content, timezone, language."""
    if not known:
        return {}  # a cold run: nothing to look up
    from pydantic import ValidationError

    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import ParsedRecord, record_from_json

    found: dict[str, ParsedRecord] = {}
    for f in files:
        hit = known.get(f.path)
        if not isinstance(hit, list) or hit[:3] != [digests[f.path].hex(), tz, lang]:
            continue
        try:
            text, problems = hit[3], [Problem.from_data(p) for p in hit[4]]
            faulty = frozenset(str(name) for name in hit[5])
            record = (
                None if text is None else record_from_json(KINDS_BY_NAME[f.kind].model, text, tz)
            )
        except (ValidationError, ValueError, TypeError, KeyError, IndexError):
            continue  # a foreign or damaged entry: parse the file again
        found[f.path] = ParsedRecord(record, problems, faulty)
    return found


def records_data(
    files: list[SourceFile],
    digests: dict[str, bytes],
    parsed: dict[str, ParsedRecord],
    tz: str,
    lang: str,
    previous: dict[str, Any] | None = None,
    fresh: set[str] | frozenset[str] = frozenset(),
) -> dict[str, list[Any]]:
    """The per-file cache: content digest, timezone, language, record JSON, problems,
    faulty fields (an entry of ``previous`` for the same content is reused as it is,
    unless its file was parsed again: in the ``fresh`` paths)."""
    data: dict[str, list[Any]] = {}
    previous = previous or {}
    for f in files:
        result = parsed.get(f.path)
        if result is None:
            continue
        entry = _cache_entry(f.path, digests[f.path], tz, lang, result, previous, fresh)
        if entry is not None:
            data[f.path] = entry
    return data


def _cache_entry(
    path: str,
    content: bytes,
    tz: str,
    lang: str,
    result: ParsedRecord,
    previous: dict[str, Any],
    fresh: set[str] | frozenset[str],
) -> list[Any] | None:
    """One file's entry of the records cache: the entry of ``previous`` for the same
    content when the file was not parsed again (not in ``fresh``), else made from
    ``result``; ``None`` for a record whose JSON would not read back the same."""
    from generator.schema.parse import record_to_json

    entry = previous.get(path)
    if path not in fresh and isinstance(entry, list) and entry[:3] == [content.hex(), tz, lang]:
        return entry
    record, problems, faulty = result
    text = None if record is None else record_to_json(record, tz)
    if record is not None and text is None:
        return None  # would not read back the same: parsed again next time
    return [content.hex(), tz, lang, text, [p.to_data() for p in problems], sorted(faulty)]


def _parse_chunk(
    args: tuple[str, str, list[tuple[str, str, bytes]]],
) -> list[tuple[str, ParsedRecord]]:
    """Worker: parse a chunk of (kind, path, raw) into (path, parsed record)."""
    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import parse_file

    tz, lang, chunk = args
    return [
        (path, parse_file(KINDS_BY_NAME[kind].model, path, raw, tz=tz, lang=lang))
        for kind, path, raw in chunk
    ]


def parse_all(
    todo: list[tuple[str, str, bytes]], tz: str, lang: str, jobs: int
) -> list[tuple[str, ParsedRecord]]:
    """Parse every ``(kind, path, raw)`` of ``todo`` into ``(path, parsed record)``, on
    ``jobs`` processes, this one included (:func:`shared_map`), when there are enough
    files to be worth it."""
    if jobs <= 1 or len(todo) < PARALLEL_THRESHOLD:
        return _parse_chunk((tz, lang, todo))
    import generator.schema.parse  # noqa: F401  (loaded before fork, shared by the workers)

    size = max(50, len(todo) // (jobs * 32))
    chunks = [(tz, lang, todo[i : i + size]) for i in range(0, len(todo), size)]
    return [result for part in shared_map(_parse_chunk, chunks, jobs) for result in part]


def _read_parse_chunk(
    args: tuple[Path, str, str, list[tuple[str, str]]],
) -> tuple[bytes, bytes, list[ParsedRecord | None], list[FileNote]]:
    """Worker: read a chunk of ``(kind, path)`` files and parse each as it is read."""
    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import parse_file

    root, tz, lang, chunk = args
    infos: dict[str, os.stat_result] = {}
    raws, unreadable = read_all(root, [path for _, path in chunk], infos)
    stats, digests = array("q"), bytearray()
    results: list[ParsedRecord | None] = []
    for kind, path in chunk:
        raw = raws.get(path)
        info = infos.get(path)
        stats.extend(fields(info) if info is not None else UNTRUSTED)
        if raw is None:
            digests += NO_DIGEST
            results.append(None)
            continue
        digests += digest(raw)
        results.append(parse_file(KINDS_BY_NAME[kind].model, path, raw, tz=tz, lang=lang))
    return stats.tobytes(), bytes(digests), results, unreadable


def read_and_parse_all(
    root: Path,
    todo: list[tuple[str, str]],
    tz: str,
    lang: str,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[array[int], bytes, list[ParsedRecord | None], list[FileNote]]:
    """Read and parse every ``(kind, path)`` of ``todo`` in one pass, on ``jobs``
    processes (this one included) when there are enough files: each process reads the
    files it parses, so that no file's bytes travel between processes.

    Returns, in the order of ``todo``: each file's metadata (packed as a snapshot's, see
    :func:`~generator.files.snapshot.fields`; untrusted for a link or a file not read),
    its content digest, its parse result (``None`` when it could not be read); and the
    notes of the files that could not be read. ``progress`` hears how many files are
    done so far, from time to time."""
    if jobs <= 1 or len(todo) < PARALLEL_THRESHOLD:
        size, jobs = max(1, len(todo)), 1
    else:
        import generator.schema.parse  # noqa: F401  (loaded before fork, shared by the workers)

        size = max(50, len(todo) // (jobs * 32))
    chunks = [(root, tz, lang, todo[i : i + size]) for i in range(0, len(todo), size)]
    if progress is not None:
        progress(0)
    finished = None if progress is None else lambda done: progress(min(done * size, len(todo)))
    parts = shared_map(_read_parse_chunk, chunks, jobs, finished)
    stats = array("q")
    stats.frombytes(b"".join(part[0] for part in parts))
    results: list[ParsedRecord | None] = []
    unreadable: list[FileNote] = []
    for part in parts:
        results += part[2]
        unreadable += part[3]
    return stats, b"".join(part[1] for part in parts), results, unreadable


def read_and_parse(
    sources: Sources, tz: str, lang: str, jobs: int, progress: Progress | None = None
) -> dict[str, ParsedRecord]:
    """Read and parse every record file of a deferred reading (``read_sources(defer=True)``)
    in one pass (:func:`read_and_parse_all`), and settle ``sources`` with what was found:
    each file's metadata and digest, the files that could not be read. ``progress`` hears
    of the ``parse`` step."""
    todo = [(f.kind, f.path) for f in sources.files]
    heard = None if progress is None else lambda done: progress("parse", done, len(todo))
    stats, digests, results, unreadable = read_and_parse_all(
        sources.root, todo, tz, lang, jobs, heard
    )
    sources.settle(stats, digests, unreadable)
    return {
        path: parsed for (_, path), parsed in zip(todo, results, strict=True) if parsed is not None
    }
