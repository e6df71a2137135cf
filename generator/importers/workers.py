"""The import's heavy work on every core, its results in the file's order.

Reading a row (splitting names, checking e-mail addresses and phone numbers…) needs only
the row and the mapping; writing a would-be file needs only its data. Both run in the
same worker processes (:class:`Workers`), forked from the command once, at the first
rows (fork: the mapping and the settings are there already, as for
:func:`generator.schema.batch.parse_all`), a window of chunks at a time, so a file of
100,000 rows still streams; what they send back is plain data (a draft object or a
parsed record costs more to send between processes than to make). What depends on the
rows before it (duplicates, file names) and the validation of the records stay in the
command, in order, while the workers go on. Below :data:`PARALLEL_THRESHOLD` items, or on
one core, everything runs in the command's process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.files.edits import write_new
from generator.files.newfile import reads_back, record_bytes
from generator.schema.parse import ParsedRecord, parse_file

if TYPE_CHECKING:
    from generator.importers.drafts import Draft, RowReader
    from generator.importers.reading import Row
    from generator.problems import Problem

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


class Workers:
    """The worker processes of one import, forked once, at the first chunk of rows:
    the command is still small then (a process forked later, holding thousands of
    drafts, costs more to fork, and the command then pays for every page it writes
    that the workers still share). The rows are read and the files written by the same
    workers; :meth:`close` stops them."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def in_order(self, work: Callable[[list[T]], list[R]], items: Iterable[T]) -> Iterator[R]:
        """``work`` applied to every item, chunk by chunk, in the worker processes; the
        results in the order of ``items`` (in this process below
        :data:`PARALLEL_THRESHOLD` items, or on one core)."""
        feed = iter(items)
        head = list(islice(feed, PARALLEL_THRESHOLD))
        if self.jobs <= 1 or len(head) < PARALLEL_THRESHOLD:
            yield from work([*head, *feed])
            return
        if self._pool is None:
            from multiprocessing import get_context

            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=get_context("fork"))
        pending: deque[Future[list[R]]] = deque()
        for chunk in _chunks(chain(head, feed), CHUNK):
            pending.append(self._pool.submit(work, chunk))
            if len(pending) >= self.jobs * 4:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def close(self) -> None:
        """Stop the worker processes (a no-op when none was started)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


RowResult = tuple["Draft | None", "Draft | None", "list[Problem]"]
_Packed = tuple[str, int, dict[str, Any], dict[str, int], set[str]]


def read_rows(reader: RowReader, rows: Iterable[Row], workers: Workers) -> Iterator[RowResult]:
    """Each row's (company, contact) drafts and the problems of its values, in order."""
    from dataclasses import replace

    _STATE["reader"] = replace(reader, problems=[])  # before the workers are forked
    for company, contact, linked, problems in workers.in_order(_read_chunk, rows):
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


def new_records(
    files: list[tuple[str, str, dict[str, Any], str | None]],
    tz: str,
    lang: str,
    workers: Workers,
    *,
    write: bool = True,
) -> Iterator[tuple[bytes | None, ParsedRecord]]:
    """For each new record ``(kind, path, data, staged)``, in order: its file's bytes,
    and that file parsed exactly as ``carnet validate`` parses a typed one.

    With ``write``, the bytes are made in the workers, which write them to ``staged``
    when it is given (a new file in a hidden staging folder, swapped in by the change set
    only once everything is valid, removed otherwise) and read them back: when they read
    back as the data itself, the record is validated here from the data, which is what
    :func:`~generator.schema.parse.parse_file` does with those bytes (a parsed record
    costs more to send between processes than to validate); any other file is parsed
    here. Without ``write`` (a dry run), no bytes are made for a record whose data
    :func:`~generator.files.newfile.reads_back` as itself (``None`` bytes)."""
    from generator.schema import KINDS_BY_NAME

    models = {kind: KINDS_BY_NAME[kind].model for kind in {f[0] for f in files}}
    checked: Iterable[tuple[bytes | None, bool]] = (
        workers.in_order(_write_chunk, files)
        if write
        else ((None, reads_back(data)) for _, _, data, _ in files)
    )
    for (kind, path, data, _), (payload, same) in zip(files, checked, strict=True):
        record = _validated(models[kind], data, tz) if same else None
        if record is not None:
            yield payload, ParsedRecord(record, [])
            continue
        payload = record_bytes(data) if payload is None else payload
        yield payload, parse_file(models[kind], path, payload, tz=tz, lang=lang)


def _validated(model: type[BaseModel], data: dict[str, Any], tz: str) -> BaseModel | None:
    try:
        return model.model_validate(_plain(data), context={"tz": tz})
    except ValidationError:
        return None  # parsed the long way, which locates each problem


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The data of a record as its file holds it (``None`` values left out)."""
    return {key: value for key, value in data.items() if value is not None}


def _write_chunk(
    files: list[tuple[str, str, dict[str, Any], str | None]],
) -> list[tuple[bytes, bool]]:
    from generator.files.yamlstream import plain_mapping

    done = []
    for _, _, data, staged in files:
        payload = record_bytes(data)
        if staged is not None:
            write_new(staged, payload)
        plain = _plain(data)
        done.append((payload, reads_back(plain) and plain_mapping(payload) == plain))
    return done
