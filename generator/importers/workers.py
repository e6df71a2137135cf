"""The import's heavy work on every core, its results in the file's order.

Reading a row (splitting names, checking e-mail addresses and phone numbers…) needs only
the row and the mapping; writing a would-be file needs only its data. Both run in worker
processes forked from the command (fork: the mapping and the settings are there already,
as for :func:`generator.schema.batch.parse_all`), a window of chunks at a time, so a
file of 100,000 rows still streams; what they send back is plain data (a draft object or
a parsed record costs more to send between processes than to make). What depends on the
rows before it (duplicates, file names) and the parsing of the written files stay in the
command, in order, while the workers go on. Below :data:`PARALLEL_THRESHOLD` items, or on
one core, everything runs in the command's process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TypeVar

from generator.files.edits import write_new
from generator.files.newfile import record_bytes

if TYPE_CHECKING:
    from generator.importers.drafts import Draft, RowReader
    from generator.importers.reading import Row
    from generator.problems import Problem
    from generator.schema.parse import ParsedRecord

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_THRESHOLD = 400
"""Below this many items, worker processes cost more than they save."""
CHUNK = 250
_STATE: dict[str, Any] = {}
"""What the forked workers inherit: the row reader, the timezone and language."""


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def in_order(
    work: Callable[[list[T]], list[R]], items: Iterable[T], jobs: int | None = None
) -> Iterator[R]:
    """``work`` applied to every item, chunk by chunk, in ``jobs`` worker processes (the
    machine's cores by default); the results in the order of ``items``."""
    jobs = jobs or os.cpu_count() or 1
    feed = iter(items)
    head = list(islice(feed, PARALLEL_THRESHOLD))
    if jobs <= 1 or len(head) < PARALLEL_THRESHOLD:
        yield from work([*head, *feed])
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        pending: deque[Future[list[R]]] = deque()
        for chunk in _chunks(chain(head, feed), CHUNK):
            pending.append(pool.submit(work, chunk))
            if len(pending) >= jobs * 4:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


RowResult = tuple["Draft | None", "Draft | None", "list[Problem]"]
_Packed = tuple[str, int, dict[str, Any], dict[str, int], set[str]]


def read_rows(reader: RowReader, rows: Iterable[Row]) -> Iterator[RowResult]:
    """Each row's (company, contact) drafts and the problems of its values, in order."""
    from dataclasses import replace

    _STATE["reader"] = replace(reader, problems=[])
    for company, contact, linked, problems in in_order(_read_chunk, rows):
        firm = None if company is None else _unpack(company)
        person = None if contact is None else _unpack(contact)
        if person is not None and linked:
            person.company = firm
        yield firm, person, problems


def _pack(draft: Draft) -> _Packed:
    """What a row's draft holds, as plain data: a draft object costs ten times more to
    send between processes."""
    return draft.kind, draft.line, draft.data, draft.columns, draft.phones


def _unpack(packed: _Packed) -> Draft:
    from generator.importers.drafts import Draft

    kind, line, data, columns, phones = packed
    return Draft(kind, line, data, columns, phones)


def _read_chunk(rows: list[Row]) -> list[tuple[Any, Any, bool, list[Problem]]]:
    reader = _STATE["reader"]
    results = []
    for row in rows:
        reader.problems = []
        company, contact = reader.read(row)
        results.append(
            (
                None if company is None else _pack(company),
                None if contact is None else _pack(contact),
                contact is not None and contact.company is not None,
                reader.problems,
            )
        )
    reader.problems = []
    return results


def write_new_files(
    files: list[tuple[str, str, dict[str, Any], str | None]], tz: str, lang: str
) -> Iterator[tuple[bytes, ParsedRecord]]:
    """For each new record ``(kind, path, data, staged)``, in order: its file's bytes
    (written in the workers, and also to ``staged`` when it is given: a new file in a
    hidden staging folder, swapped in by the change set only once everything is valid,
    removed otherwise), and that file parsed exactly as ``carnet validate`` parses a
    typed one (here, while the workers write the next ones: a parsed record costs more
    to send between processes than to parse)."""
    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import parse_file

    models = {kind: KINDS_BY_NAME[kind].model for kind in {f[0] for f in files}}
    payloads = in_order(_write_chunk, files)
    for (kind, path, _, _), payload in zip(files, payloads, strict=True):
        yield payload, parse_file(models[kind], path, payload, tz=tz, lang=lang)


def _write_chunk(files: list[tuple[str, str, dict[str, Any], str | None]]) -> list[bytes]:
    done = []
    for _, _, data, staged in files:
        payload = record_bytes(data)
        if staged is not None:
            write_new(staged, payload)
        done.append(payload)
    return done
