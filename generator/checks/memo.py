"""What ``carnet serve`` keeps of the checks that look at one record at a time, so that
after an edit they look again only at the records that changed.

A check of that kind gives each record's problems as a function of the record and of a
context the whole Book shares (the ids that exist, the language…).
:meth:`CheckMemo.per_record` keeps each record's problems with the record they came
from; they are reused only for the same record object and an equal context, never by
comparing records' values, so the problems are those the check would find again. The
memo holds those records, so their identities cannot be taken by others meanwhile. A
check run in the forked process of :mod:`generator.checks.parallel` leaves the memo as
it was: the next run only looks at more records again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generator.book.records import Entry
from generator.problems import Problem

NO_PROBLEM: tuple[Problem, ...] = ()


class CheckMemo:
    """Per check, the context of its last run and each record's problems then."""

    def __init__(self) -> None:
        self._checks: dict[str, tuple[Any, dict[str, tuple[Any, tuple[Problem, ...]]]]] = {}

    def per_record(
        self,
        check: str,
        context: Any,
        entries: Iterable[Entry],
        problems_of: Callable[[Entry], list[Problem]],
    ) -> list[Problem]:
        """The problems ``problems_of`` finds on each of ``entries``: those kept for the
        same record object and an equal ``context``, the others found now."""
        previous_context, previous = self._checks.get(check, (None, {}))
        usable = previous if previous_context == context else {}
        kept: dict[str, tuple[Any, tuple[Problem, ...]]] = {}
        problems: list[Problem] = []
        for entry in entries:
            record = entry.record
            hit = usable.get(entry.path)
            if hit is not None and hit[0] is record:
                found = hit[1]
            else:
                found = tuple(problems_of(entry)) or NO_PROBLEM
            kept[entry.path] = (record, found)
            if found:
                problems.extend(found)
        self._checks[check] = (context, kept)
        return problems
