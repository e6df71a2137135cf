"""The pipeline: discover → parse → schema → Book → checks, the cache wrapped around it.

Modelled on Beancount's ``loader._load``: :func:`_load` shows the whole path from the
files to a checked Book, every step returning problems as data; :func:`load` wraps the
caches around it (a run whose files, code and git state are unchanged answers from the
cache without parsing anything), reads git once, and travels in time (``at``). It imports
only light modules at start-up: a cached run never pays for the models.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import Progress
from generator.files.cache import CACHE_DIR, Cache, code_digest, digest
from generator.files.collector import collections_paused
from generator.files.layout import SETTINGS_PATH
from generator.files.reading import Sources, locate, note_problem, read_sources
from generator.files.sources import (
    MISSING,
    FileNote,
    read_mappings,
    read_settings,
)
from generator.problems import Problem, Severity, make_problem, sort_problems

if TYPE_CHECKING:
    from generator.book.book import Book
    from generator.book.records import Records
    from generator.checks.early import EarlyChecks
    from generator.history.git import Git, Status, WorkTree
    from generator.history.reader import GitState
    from generator.history.trail import History
    from generator.schema import Settings
    from generator.schema.batch import ParseMemo


@dataclass(slots=True)
class LoadResult:
    """What loading produced: problems always; the Book when there is no error (and it was
    asked for); the git history when it was asked for or a check needed it."""

    problems: list[Problem]
    book: Book | None = None
    history: History | None = None
    files: dict[str, int] = field(default_factory=dict)
    from_cache: bool = False
    digests: dict[str, bytes] = field(default_factory=dict)
    """Content digest of every file read (records and ``data/settings.yaml``)."""

    @property
    def errors(self) -> int:
        """Number of errors."""
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)


@collections_paused()
def load(
    repo: Path,
    *,
    today: date | None = None,
    lang: str | None = None,
    use_cache: bool = True,
    need_book: bool = True,
    with_history: bool = False,
    at: str | None = None,
    jobs: int | None = None,
    check_jobs: int | None = None,
    progress: Progress | None = None,
    memo: ParseMemo | None = None,
) -> LoadResult:
    """Load and check the repository at ``repo`` (its data as of revision ``at``, a commit,
    tag, branch or date, when given); the Book when there is no error.

    Git is read once: one ``git status`` (HEAD, uncommitted files, whether git tracks the
    cache), and the history (``git log`` and ``git cat-file``) only when ``with_history``
    or when the check of issued documents needs it. ``use_cache=False`` reads and writes
    no cache at all. Raises :class:`~generator.problems.Refused` for an unknown or
    impossible ``at``. ``progress`` hears of each step (:data:`generator.Progress`).
    ``jobs``: the processes that read and parse (the cores); ``check_jobs``: those that
    check (``jobs``; one keeps the Book in one process, for ``build``'s memory).
    ``memo``: the parse results of the previous run of this process (``carnet serve``),
    reused for the files whose content did not change.
    """
    git = open_git(repo)
    cache = Cache(repo if use_cache else None, tracked=git is not None and git.cache_tracked())
    travel = nullcontext((repo, None))
    if at is not None:
        from generator.history.timetravel import data_at

        travel = data_at(repo, at)
    with travel as (root, commit):
        cores, served = jobs or os.cpu_count() or 1, memo is not None  # serve: stat alone
        sources = read_sources(
            root, cache if commit is None else None, jobs=cores, defer=True, stat_alone=served
        )
        mappings = read_mappings(root)
        # deferred (no file table): files read as parsed, no stored answer vouched for before
        stored = cache.load("validate") if commit is None and not sources.pending else None
        fingerprint = git.fingerprint() if git is not None else None
        if not need_book and not with_history and isinstance(stored, dict):
            # the git files unchanged since the stored run: its status still holds
            same_git = fingerprint is not None and stored.get("git") == fingerprint
            if fingerprint is None or same_git:
                key = _run_key(
                    sources, lang, stored.get("git_state") if same_git else None, mappings
                )
                known = _stored_problems(stored, key.hex(), root)
                if known is not None:
                    return LoadResult(known, files=sources.counts, from_cache=True)
        found = git.found() if git is not None else None
        git_state = _git_state(found, commit)
        key = None if sources.pending else _run_key(sources, lang, git_state, mappings).hex()
        known = None if key is None else _stored_problems(stored, key, root)
        if known is not None and isinstance(stored, dict) and stored.get("git") != fingerprint:
            # git's files moved, its answer did not (git gc, a refresh of the index)
            cache.store("validate", {**stored, "git": fingerprint, "git_state": git_state})
        if known is not None and not need_book and not with_history:
            return LoadResult(known, files=sources.counts, from_cache=True)

        def history_of(book: Book | None) -> History | None:
            from generator.checks.frozen import needs_history
            from generator.history.reader import load_history

            if found is None or not (with_history or (book is not None and needs_history(book))):
                return None
            if progress is not None:
                progress("history", 0, None)
            history = load_history(repo, cache, found=found)
            return history.until(commit) if history is not None and commit else history

        problems, book, history = _load(
            sources,
            cache,
            today=today or date.today(),
            lang=lang,
            jobs=jobs,
            check_jobs=check_jobs,
            history_of=history_of,
            known=known,
            write_cache=need_book and commit is None,
            progress=progress,
            memo=memo if commit is None else None,
            mappings=mappings,
        )
        problems = sort_problems(
            problems
            + [
                make_problem(c, CACHE_DIR, lang=_lang(lang, book), detail=d)
                for c, d in cache.notices
            ]
        )
        if commit is None and known is None:
            cache.store(
                "validate",
                {
                    "key": key or _run_key(sources, lang, git_state, mappings).hex(),
                    "problems": [p.to_data() for p in problems],
                    "watched": _watched(root, book),
                    "git": fingerprint,
                    "git_state": git_state,
                },
            )
    digests = dict(sources.digests)
    if sources.settings_raw is not None:
        digests[SETTINGS_PATH] = digest(sources.settings_raw)
    ok = not any(p.is_error for p in problems)
    return LoadResult(problems, book if ok else None, history, sources.counts, digests=digests)


def _load(
    sources: Sources,
    cache: Cache,
    *,
    today: date,
    lang: str | None,
    jobs: int | None,
    check_jobs: int | None = None,
    history_of: Callable[[Book | None], History | None],
    known: list[Problem] | None = None,
    write_cache: bool = False,
    progress: Progress | None = None,
    memo: ParseMemo | None = None,
    mappings: tuple[list[tuple[str, bytes]], list[FileNote]] = ([], []),
) -> tuple[list[Problem], Book | None, History | None]:
    """discover → parse → schema → Book → checks: every problem, the Book, the history
    (and the problems of the saved import ``mappings``, validated as records are).

    ``known``: the problems a previous run found for the very same files, git state and
    code; when nothing had to be parsed again they are the answer, and no check runs.
    """
    from generator.book.intake import parse_records
    from generator.schema.imports import mapping_problems

    settings, problems = parse_settings(sources.root, sources.settings_raw, lang)
    lang = lang or (settings.lang if settings else "fr")
    fresh = None
    if sources.pending:  # no file table: each file read where it is parsed
        from generator.schema.batch import read_and_parse

        tz = settings.timezone if settings else "Europe/Paris"
        fresh = read_and_parse(sources, tz, lang, jobs or os.cpu_count() or 1, progress)
    problems += [note_problem(n, lang) for n in sources.notes]
    records, file_problems, parsed_now = parse_records(
        sources,
        cache,
        settings,
        lang,
        jobs,
        write_cache=write_cache,
        progress=progress,
        memo=memo,
        fresh=fresh,
    )
    problems += file_problems
    problems += [note_problem(n, lang) for n in mappings[1]]
    problems += mapping_problems(mappings[0], lang)
    if settings is None:
        return problems, None, None
    early = None
    check_jobs = check_jobs or jobs or os.cpu_count() or 1
    if memo is None and (known is None or parsed_now):
        from generator.checks.early import start_early_checks

        early = start_early_checks(records, today, jobs=check_jobs)
    try:
        return _check(
            sources,
            records,
            problems,
            today=today,
            lang=lang,
            jobs=check_jobs,
            history_of=history_of,
            known=known if not parsed_now else None,
            progress=progress,
            memo=memo,
            early=early,
        )
    finally:
        if early is not None:
            early.close()


def _check(
    sources: Sources,
    records: Records,
    problems: list[Problem],
    *,
    today: date,
    lang: str,
    jobs: int | None,
    history_of: Callable[[Book | None], History | None],
    known: list[Problem] | None,
    progress: Progress | None,
    memo: ParseMemo | None,
    early: EarlyChecks | None,
) -> tuple[list[Problem], Book | None, History | None]:
    """The Book, the history, and every problem: ``problems`` and the checks' (``known``:
    the answer, when nothing was parsed again; ``early``: the child running the checks of
    the records alone meanwhile, :mod:`generator.checks.early`)."""
    from generator.book.book import build_book
    from generator.checks import run_checks
    from generator.checks.frozen import has_frozen_records
    from generator.history.reader import history_notice

    book = build_book(records, today)
    history = history_of(book)
    if known is not None:
        return known, book, history
    if history is None and has_frozen_records(book):
        notice = history_notice(sources.root, lang)
        problems += [notice] if notice is not None else []
    if progress is not None:
        progress("checks", 0, None)
    kept = None
    if memo is not None:  # carnet serve: the checks look again at what changed only
        from generator.checks.memo import CheckMemo

        kept = memo.checks = memo.checks or CheckMemo()
    # with the early child, the other checks stay here: a second child forked from this
    # larger process would hold as much memory again, for little time saved
    checked = run_checks(
        book,
        history,
        sources.root,
        jobs=1 if early is not None else jobs or os.cpu_count() or 1,
        memo=kept,
        early=early.problems() if early is not None else None,
    )
    problems += locate(sources.root, checked, lang, memo.trees if memo is not None else None)
    return problems, book, history


def _lang(lang: str | None, book: Book | None) -> str:
    return lang or (book.lang if book is not None else "fr")


def _git_state(found: tuple[WorkTree, Git, Status] | None, commit: str | None) -> list[Any] | None:
    """What the frozen checks read of git, as JSON data: HEAD, the revision asked for and
    the uncommitted files (``None`` outside git)."""
    if found is None:
        return None
    status = found[2]
    return [status.head, commit, sorted(e.path for e in status.entries)]


def open_git(repo: Path) -> GitState | None:
    """The git side of a command on ``repo`` (``None`` outside a work tree: then the
    history's reader and the YAML parser it brings are not imported)."""
    from generator.history.git import find_work_tree

    tree = find_work_tree(repo)
    if tree is None:
        return None
    from generator.history.reader import GitState

    return GitState(repo, tree)


def _run_key(
    sources: Sources,
    lang: str | None,
    git_state: list[Any] | None,
    mappings: tuple[list[tuple[str, bytes]], list[FileNote]],
) -> bytes:
    """What the problems of a run depend on: the files, the saved import mappings, the
    code, the language, git's HEAD and uncommitted files (the frozen checks), and the real
    date (issued-in-future)."""
    return digest(
        repr(
            (
                code_digest(),
                lang,
                sources.settings_raw,
                sources.content_key(),
                mappings,
                sources.notes,
                git_state,
                date.today(),
            )
        ).encode()
    )


def _stored_problems(stored: Any, key: str, root: Path) -> list[Problem] | None:
    """The problems a previous run stored for the same key, while the files outside the
    records it looked at (logo, attachments, templates) are unchanged."""
    from generator.files.sources import fingerprint

    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    try:
        watched = stored["watched"]
        if fingerprint(root, list(watched["paths"])) != watched["state"]:
            return None
        return [Problem.from_data(p) for p in stored["problems"]]
    except (KeyError, TypeError, ValueError):
        return None


def _watched(root: Path, book: Book | None) -> dict[str, Any]:
    """The files outside the records that the checks' answer depends on, and their state."""
    from generator.checks.paths import watched_paths
    from generator.files.sources import fingerprint

    paths = watched_paths(book) if book is not None else []
    return {"paths": paths, "state": fingerprint(root, paths)}


def load_settings(repo: Path, lang: str | None = None) -> tuple[Settings | None, list[Problem]]:
    """Parse and validate ``data/settings.yaml`` (messages in its own locale by default)."""
    raw, _ = read_settings(repo)
    return parse_settings(repo, raw, lang)


def parse_settings(
    root: Path, raw: bytes | None, lang: str | None = None
) -> tuple[Settings | None, list[Problem]]:
    """Validate the settings' bytes ``raw`` (``None``: they could not be read, and why is
    asked again); messages in the settings' own locale unless ``lang``."""
    from generator.schema import Settings
    from generator.schema.parse import parse_record

    use_lang = lang or "fr"
    if raw is None:
        _, note = read_settings(root)
        if note is not None and note.reason == MISSING and not (root / SETTINGS_PATH).is_symlink():
            return None, [make_problem("settings-missing", SETTINGS_PATH, lang=use_lang)]
        return None, [note_problem(note or FileNote("file-unreadable", SETTINGS_PATH), use_lang)]
    settings, problems = parse_record(Settings, SETTINGS_PATH, raw, lang=use_lang)
    if lang is None and settings is not None and settings.lang != use_lang:
        return parse_settings(root, raw, settings.lang)
    return settings, problems  # type: ignore[return-value]
