"""From the record files to the ``Records`` a Book is built from: each file's parse
result (from the cache, the memory of ``carnet serve``, or parsed now on every core),
its problems, duplicate and malformed ids, the firm's own fields left to their check.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from generator import Progress
from generator.files.cache import Cache
from generator.files.reading import Sources, note_problem
from generator.files.sources import MISSING, FileNote
from generator.problems import Problem, make_problem

if TYPE_CHECKING:
    from generator.book.records import Records
    from generator.schema import Settings
    from generator.schema.batch import ParseMemo
    from generator.schema.parse import ParsedRecord


def parse_records(
    sources: Sources,
    cache: Cache,
    settings: Settings | None,
    lang: str,
    jobs: int | None,
    *,
    write_cache: bool,
    progress: Progress | None = None,
    memo: ParseMemo | None = None,
    fresh: dict[str, ParsedRecord] | None = None,
) -> tuple[Records, list[Problem], int]:
    """Parse every record file (reusing cached results) into ``Records``.

    Also returns how many files had to be parsed (not found in the cache). ``memo``
    keeps the results in memory for the next run of the same process. ``fresh``: every
    file already parsed as it was read (:func:`~generator.schema.batch.read_and_parse`).
    """
    from generator.book.records import Entry, Records
    from generator.schema.batch import cached_records, parse_all, records_data
    from generator.schema.parse import ID_PATTERN, check_id

    files, digests = sources.files, sources.digests
    tz = settings.timezone if settings else "Europe/Paris"
    parsed: dict[str, ParsedRecord] = {}
    if fresh is not None:
        parsed, known = fresh, {}
    elif memo is not None and memo.parsed:
        parsed = memo.still_valid(files, digests, tz, lang)
        known = memo.stored
    else:
        known = cache.load("records")
        known = known if isinstance(known, dict) else {}
        parsed = cached_records(files, digests, known, tz, lang)
    raws = sources.read([f.path for f in files if f.path not in parsed])
    todo = [(f.kind, f.path, raws[f.path]) for f in files if f.path in raws]
    for done, (path, result) in enumerate(parse_all(todo, tz, lang, jobs or os.cpu_count() or 1)):
        parsed[path] = result
        if progress is not None and done % 64 == 0:
            progress("parse", done, len(todo))
    if progress is not None and todo:
        progress("parse", len(todo), len(todo))
    parsed_now = {path for _, path, _ in todo} if fresh is None else set(fresh)
    if memo is not None and memo.stored and write_cache:
        if parsed_now:  # carnet serve after an edit: written when it rests or stops
            memo.defer(cache, parsed_now)
    elif (parsed_now and write_cache) or (memo is not None and not memo.stored):
        known = records_data(files, digests, parsed, tz, lang, known, parsed_now)
        if parsed_now and write_cache:
            cache.store("records", known)
    if memo is not None:
        memo.keep(files, digests, tz, lang, parsed, known)

    records = Records(settings=settings, lang=lang)
    problems: list[Problem] = []
    first_path: dict[tuple[str, str], str] = {}
    declared = {k: set(v) for k, v in settings.custom_fields.items()} if settings else {}
    by_kind, ids = records.by_kind, records.ids
    found = parsed.get
    for f in files:
        kind, path, id_ = f
        result = found(path)
        if result is None:  # gone between its discovery and its reading
            problems.append(note_problem(FileNote("file-unreadable", path, MISSING), lang))
            continue
        record, file_problems, faulty = result
        if file_problems:
            problems += undeclared(file_problems, declared.get(kind))
        if not ID_PATTERN.match(id_):
            problems += check_id(id_, path, lang)
        other = first_path.setdefault((kind, id_), path)
        if other != path:
            problems.append(make_problem("id-duplicate", path, lang=lang, id=id_, other=other))
            continue
        if kind in ids:
            ids[kind].add(id_)
        else:
            ids[kind] = {id_}
        if record is not None:
            if kind not in by_kind:
                by_kind[kind] = {}
            by_kind[kind][id_] = Entry(kind, id_, path, record, faulty)
    records.paths.update(path for _, path, _ in files if path in parsed)
    return records, problems, len(parsed_now)


def undeclared(problems: list[Problem], declared: set[str] | None) -> list[Problem]:
    """``problems`` less the unknown-key warnings on the firm's own fields
    (``settings.custom_fields``), which :mod:`generator.checks.custom_fields` checks."""
    if not declared:
        return problems
    return [
        p
        for p in problems
        if not (p.code == "field-unknown" and p.loc and len(p.loc) == 1 and p.loc[0] in declared)
    ]
