"""The pipeline: discover → parse (cached, parallel) → schema → checks → Book.

Modelled on Beancount's ``loader._load``: :func:`load` shows the whole path from files
to a validated Book; every step returns problems as data. This module imports only
light modules at start-up, so that a run whose answer is cached (nothing changed)
never pays for the models.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.files.cache import CACHE_DIR, Cache, code_digest, digest
from generator.files.layout import SETTINGS_PATH
from generator.files.sources import (
    REASONS,
    FileNote,
    SourceFile,
    discover,
    expected_folders,
    read_all,
    read_settings,
)
from generator.problems import Problem, Severity, make_problem, sort_problems

if TYPE_CHECKING:
    from generator.book.book import Book
    from generator.book.records import Records
    from generator.schema import Settings

PARALLEL_THRESHOLD = 400
"""Below this many files to parse, worker processes cost more than they save."""


@dataclass(slots=True)
class LoadResult:
    """What loading produced: problems always, a Book when asked for and possible."""

    problems: list[Problem]
    book: Book | None = None
    files: dict[str, int] = field(default_factory=dict)
    from_cache: bool = False
    digests: dict[str, bytes] = field(default_factory=dict)
    """Content digest of every file read (records and ``data/settings.yaml``)."""

    @property
    def errors(self) -> int:
        """Number of errors."""
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)


def load(
    repo: Path,
    *,
    today: date | None = None,
    lang: str | None = None,
    use_cache: bool = True,
    need_book: bool = True,
    jobs: int | None = None,
) -> LoadResult:
    """Load and validate the repository at ``repo``; build the Book if asked and valid."""
    files, notes = discover(repo)
    raws, unreadable = read_all(repo, [f.path for f in files])
    if unreadable:
        notes += unreadable
        files = [f for f in files if f.path in raws]
    counts: dict[str, int] = {}
    for f in files:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    digests = {path: digest(raw) for path, raw in raws.items()}
    settings_raw, _ = read_settings(repo)
    cache = Cache(repo if use_cache else None)
    from generator.checks.frozen import git_state

    run_key = digest(
        repr(
            (
                code_digest(),
                lang,
                settings_raw,
                sorted(digests.items()),
                notes,
                git_state(repo),
                date.today(),  # the real date: document-issued-in-future depends on it
            )
        ).encode()
    )
    stored = cache.load("validate")
    known_result = (
        [Problem.from_data(p) for p in stored["problems"]]
        if isinstance(stored, dict) and stored.get("key") == run_key.hex()
        else None
    )
    if known_result is not None and not need_book:
        return LoadResult(known_result, None, counts, from_cache=True)

    settings, problems = load_settings(repo, lang)
    lang = lang or (settings.lang if settings else "fr")
    problems += [note_problem(n, lang) for n in notes]
    records, file_problems, parsed_now = _parse_records(
        files, raws, digests, cache, settings, lang, jobs, write_cache=need_book
    )
    del raws
    if known_result is not None and not parsed_now:
        problems = known_result  # same files, same code: the checks would say the same
    else:
        from generator.checks import run_checks
        from generator.checks.frozen import check_frozen

        problems += file_problems
        problems += locate(repo, run_checks(records) + check_frozen(repo, records, cache), lang)
        problems += [
            make_problem(code, CACHE_DIR, lang=lang, detail=detail)
            for code, detail in cache.notices
        ]
        problems = sort_problems(problems)
        cache.store("validate", {"key": run_key.hex(), "problems": [p.to_data() for p in problems]})
    book = None
    if need_book and settings is not None and not any(p.is_error for p in problems):
        from generator.book.book import build_book

        book = build_book(records, today or date.today())
    if settings_raw is not None:
        digests[SETTINGS_PATH] = digest(settings_raw)
    return LoadResult(problems, book, counts, digests=digests)


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


def load_settings(repo: Path, lang: str | None = None) -> tuple[Settings | None, list[Problem]]:
    """Parse and validate ``data/settings.yaml`` (messages in its own locale by default)."""
    from generator.files.sources import MISSING
    from generator.schema import Settings
    from generator.schema.parse import parse_record

    use_lang = lang or "fr"
    raw, note = read_settings(repo)
    if note is not None and note.reason == MISSING and not (repo / SETTINGS_PATH).is_symlink():
        return None, [make_problem("settings-missing", SETTINGS_PATH, lang=use_lang)]
    if raw is None:
        return None, [note_problem(note or FileNote("file-unreadable", SETTINGS_PATH), use_lang)]
    settings, problems = parse_record(Settings, SETTINGS_PATH, raw, lang=use_lang)
    if lang is None and settings is not None and settings.lang != use_lang:
        return load_settings(repo, settings.lang)
    return settings, problems  # type: ignore[return-value]


def _parse_records(
    files: list[SourceFile],
    raws: dict[str, bytes],
    digests: dict[str, bytes],
    cache: Cache,
    settings: Settings | None,
    lang: str,
    jobs: int | None,
    *,
    write_cache: bool,
) -> tuple[Records, list[Problem], int]:
    """Parse every record file (reusing cached results) into ``Records``.

    Also returns how many files had to be parsed (not found in the cache).
    """
    from generator.book.records import Entry, Records
    from generator.schema.parse import check_id

    tz = settings.timezone if settings else "Europe/Paris"
    known = cache.load("records")
    parsed = _cached_records(files, digests, known, tz, lang) if isinstance(known, dict) else {}
    del known
    todo = [(f.kind, f.path, raws[f.path]) for f in files if f.path not in parsed]
    for path, record, file_problems in _parse_all(todo, tz, lang, jobs or os.cpu_count() or 1):
        parsed[path] = (record, file_problems)
    if todo and write_cache:
        cache.store("records", _records_data(files, digests, parsed, tz, lang))

    records = Records(settings=settings, lang=lang)
    problems: list[Problem] = []
    first_path: dict[tuple[str, str], str] = {}
    for f in files:
        record, file_problems = parsed[f.path]
        problems += file_problems
        problems += check_id(f.id, f.path, lang)
        other = first_path.setdefault((f.kind, f.id), f.path)
        if other != f.path:
            problems.append(make_problem("id-duplicate", f.path, lang=lang, id=f.id, other=other))
            continue
        records.ids.setdefault(f.kind, set()).add(f.id)
        if record is not None:
            records.by_kind.setdefault(f.kind, {})[f.id] = Entry(f.kind, f.id, f.path, record)
    return records, problems, len(todo)


def _cached_records(
    files: list[SourceFile],
    digests: dict[str, bytes],
    known: dict[str, Any],
    tz: str,
    lang: str,
) -> dict[str, tuple[Any, list[Problem]]]:
    """The parse results of the cache that still hold: same content, timezone, language."""
    from pydantic import ValidationError

    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import record_from_json

    found: dict[str, tuple[Any, list[Problem]]] = {}
    for f in files:
        hit = known.get(f.path)
        if not isinstance(hit, list) or hit[:3] != [digests[f.path].hex(), tz, lang]:
            continue
        try:
            text, problems = hit[3], [Problem.from_data(p) for p in hit[4]]
            record = (
                None if text is None else record_from_json(KINDS_BY_NAME[f.kind].model, text, tz)
            )
        except (ValidationError, ValueError, TypeError, KeyError):
            continue  # a foreign or damaged entry: parse the file again
        found[f.path] = (record, problems)
    return found


def _records_data(
    files: list[SourceFile],
    digests: dict[str, bytes],
    parsed: dict[str, tuple[Any, list[Problem]]],
    tz: str,
    lang: str,
) -> dict[str, list[Any]]:
    """The per-file cache: content digest, timezone, language, record JSON, problems."""
    from generator.schema.parse import record_to_json

    data: dict[str, list[Any]] = {}
    for f in files:
        record, problems = parsed[f.path]
        text = None if record is None else record_to_json(record, tz)
        if record is not None and text is None:
            continue  # would not read back the same: parsed again next time
        data[f.path] = [digests[f.path].hex(), tz, lang, text, [p.to_data() for p in problems]]
    return data


def _parse_chunk(
    args: tuple[str, str, list[tuple[str, str, bytes]]],
) -> list[tuple[str, Any, list[Problem]]]:
    """Worker: parse a chunk of (kind, path, raw) into (path, record, problems)."""
    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import parse_record

    tz, lang, chunk = args
    results = []
    for kind, path, raw in chunk:
        record, problems = parse_record(KINDS_BY_NAME[kind].model, path, raw, tz=tz, lang=lang)
        results.append((path, record, problems))
    return results


def _parse_all(
    todo: list[tuple[str, str, bytes]], tz: str, lang: str, jobs: int
) -> list[tuple[str, Any, list[Problem]]]:
    if jobs <= 1 or len(todo) < PARALLEL_THRESHOLD:
        return _parse_chunk((tz, lang, todo))
    import generator.schema.parse  # noqa: F401  (loaded before fork, shared by the workers)

    size = max(50, len(todo) // (jobs * 8))
    chunks = [(tz, lang, todo[i : i + size]) for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        return [result for part in pool.map(_parse_chunk, chunks) for result in part]


def locate(repo: Path, problems: list[Problem], lang: str) -> list[Problem]:
    """Give line and column to problems that only know their ``loc``."""
    from generator.files.yamlio import parse_bytes, position_of

    roots: dict[str, Any] = {}
    located: list[Problem] = []
    for problem in problems:
        if problem.line or problem.loc is None:
            located.append(problem)
            continue
        if problem.path not in roots:
            raws, _ = read_all(repo, [problem.path])
            raw = raws.get(problem.path)
            roots[problem.path] = None if raw is None else parse_bytes(raw, problem.path, lang).root
        line, column = position_of(roots[problem.path], problem.loc)
        located.append(replace(problem, line=line, column=column))
    return located
