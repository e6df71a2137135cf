"""The pipeline: discover → parse (cached, parallel) → schema → checks → Book.

Modelled on Beancount's ``loader._load``: one short function, :func:`load`, shows the
whole path from files to a validated Book; every step returns problems as data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from generator.book import Book, build_book
from generator.cache import Cache, code_digest, digest
from generator.checks import Entry, Records, run_checks
from generator.parse import check_id, parse_record
from generator.problems import Problem, Severity, make_problem, sort_problems
from generator.schema import KINDS, KINDS_BY_NAME, SETTINGS_PATH, Settings
from generator.yamlio import parse_bytes, position_of

AUXILIARY_FOLDERS = ("data/assets", "data/templates", "data/documents", "data/imports")
"""Folders under ``data/`` that hold files other than records."""

PARALLEL_THRESHOLD = 400
"""Below this many files to parse, worker processes cost more than they save."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A record file found under ``data/``."""

    kind: str
    path: str
    id: str


@dataclass(slots=True)
class LoadResult:
    """What loading produced: problems always, a Book when asked for and possible."""

    problems: list[Problem]
    book: Book | None = None
    files: dict[str, int] = field(default_factory=dict)
    from_cache: bool = False

    @property
    def errors(self) -> int:
        """Number of errors."""
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)


def discover(repo: Path, lang: str = "fr") -> tuple[list[SourceFile], list[Problem]]:
    """Every record file under ``repo/data`` by kind, plus misplaced-file problems."""
    files: list[SourceFile] = []
    problems: list[Problem] = []
    data = repo / "data"
    folders = ", ".join(k.folder + "/" for k in KINDS)
    for rel in _walk(data, repo):
        if rel == SETTINGS_PATH or rel.startswith(AUXILIARY_FOLDERS):
            continue
        if rel.endswith(".yml"):
            problems.append(
                make_problem(
                    "file-yml-extension", rel, lang=lang, file=rel, suggestion=rel[:-4] + ".yaml"
                )
            )
            continue
        if not rel.endswith(".yaml"):
            continue
        kind = _kind_of(rel)
        if kind is None:
            problems.append(make_problem("file-unexpected", rel, lang=lang, folders=folders))
            continue
        stem = rel.rsplit("/", 1)[-1][: -len(".yaml")]
        files.append(SourceFile(kind, rel, stem))
    return files, problems


def _walk(folder: Path, repo: Path) -> Iterator[str]:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    prefix = folder.relative_to(repo).as_posix()
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(Path(entry.path), repo)
        else:
            yield f"{prefix}/{entry.name}"


def _kind_of(rel: str) -> str | None:
    for kind in KINDS:
        if rel.startswith(kind.folder + "/"):
            inside = rel[len(kind.folder) + 1 :]
            return kind.name if (kind.nested or "/" not in inside) else None
    return None


def load_settings(repo: Path, lang: str | None = None) -> tuple[Settings | None, list[Problem]]:
    """Parse and validate ``data/settings.yaml``."""
    path = repo / SETTINGS_PATH
    use_lang = lang or "fr"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [make_problem("settings-missing", SETTINGS_PATH, lang=use_lang)]
    settings, problems = parse_record(Settings, SETTINGS_PATH, raw, lang=use_lang)
    if lang is None and settings is not None and settings.lang != use_lang:
        return load_settings(repo, settings.lang)
    return settings, problems  # type: ignore[return-value]


def _parse_chunk(
    args: tuple[str, str, list[tuple[str, str, bytes]]],
) -> list[tuple[str, Any, list[Problem]]]:
    """Worker: parse a chunk of (kind, path, raw) into (path, record, problems)."""
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
    size = max(50, len(todo) // (jobs * 8))
    chunks = [(tz, lang, todo[i : i + size]) for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        return [result for part in pool.map(_parse_chunk, chunks) for result in part]


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
    settings, problems = load_settings(repo, lang)
    lang = lang or (settings.lang if settings else "fr")
    tz = settings.timezone if settings else "Europe/Paris"
    files, discovery_problems = discover(repo, lang)
    problems += discovery_problems
    cache = Cache(repo if use_cache else None)

    raws = {f.path: (repo / f.path).read_bytes() for f in files}
    digests = {path: digest(raw) for path, raw in raws.items()}
    settings_raw = (repo / SETTINGS_PATH).read_bytes() if settings is not None else b""
    run_key = digest(
        repr((code_digest(), lang, digest(settings_raw), sorted(digests.items()))).encode()
    )
    counts: dict[str, int] = {}
    for f in files:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    if not need_book:
        stored = cache.load("validate")
        if stored is not None and stored[0] == run_key:
            return LoadResult(stored[1], None, counts, from_cache=True)

    known = cache.load("records") or {}
    parsed: dict[str, tuple[Any, list[Problem]]] = {}
    todo: list[tuple[str, str, bytes]] = []
    for f in files:
        hit = known.get(f.path)
        if hit is not None and hit[0] == (digests[f.path], tz, lang):
            parsed[f.path] = (hit[1], hit[2])
        else:
            todo.append((f.kind, f.path, raws[f.path]))
    del raws
    for path, record, file_problems in _parse_all(todo, tz, lang, jobs or os.cpu_count() or 1):
        parsed[path] = (record, file_problems)

    records = Records(settings=settings, lang=lang)
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

    problems += locate(repo, run_checks(records), lang)
    problems += [
        make_problem("cache-unreadable", ".carnet-cache", lang=lang, detail=n)
        for n in cache.notices
    ]
    problems = sort_problems(problems)
    if todo:
        cache.store(
            "records",
            {f.path: ((digests[f.path], tz, lang), *parsed[f.path]) for f in files},
        )
    cache.store("validate", (run_key, problems))
    book = None
    if need_book and settings is not None and not any(p.is_error for p in problems):
        book = build_book(records, today or date.today())
    return LoadResult(problems, book, counts)


def locate(repo: Path, problems: list[Problem], lang: str) -> list[Problem]:
    """Give line and column to problems that only know their ``loc``."""
    roots: dict[str, Any] = {}
    located: list[Problem] = []
    for problem in problems:
        if problem.line or problem.loc is None:
            located.append(problem)
            continue
        if problem.path not in roots:
            try:
                roots[problem.path] = parse_bytes(
                    (repo / problem.path).read_bytes(), problem.path, lang
                ).root
            except OSError:
                roots[problem.path] = None
        line, column = position_of(roots[problem.path], problem.loc)
        located.append(replace(problem, line=line, column=column))
    return located
