"""What ``carnet serve`` keeps of the checks that look at one record at a time, so that
after an edit they look again only at the records that changed.

A check of that kind gives each record's problems as a function of the record, of a few
other records it names (its *dependencies*) and of a context the whole Book shares (the
ids that exist, the language…). :meth:`CheckMemo.per_record` keeps each record's
problems with the very objects they came from; they are reused only for the same record
object, the same dependency objects and an equal context, never by comparing values, so
the problems are those the check would find again. The memo holds those objects, so
their identities cannot be taken by others meanwhile. A check run in the forked process of
:mod:`generator.checks.parallel` leaves the memo as it was: the next run only looks at
more records again.
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
        self._checks: dict[str, tuple[Any, dict[str, tuple[Any, tuple[Any, ...], Any]]]] = {}

    def per_record(
        self,
        check: str,
        context: Any,
        entries: Iterable[Entry],
        problems_of: Callable[[Entry], list[Problem]],
        depends: Callable[[Entry], tuple[Any, ...]] = lambda entry: (),
    ) -> list[Problem]:
        """The problems ``problems_of`` finds on each of ``entries``: those kept for the
        same record, dependencies (``depends``) and ``context``, the others found now."""
        previous_context, previous = self._checks.get(check, (None, {}))
        usable = previous if previous_context == context else {}
        kept: dict[str, tuple[Any, tuple[Any, ...], Any]] = {}
        problems: list[Problem] = []
        for entry in entries:
            needs = depends(entry)
            hit = usable.get(entry.path)
            if (
                hit is not None
                and hit[0] is entry.record
                and len(hit[1]) == len(needs)
                and all(a is b for a, b in zip(hit[1], needs, strict=True))
            ):
                found = hit[2]
            else:
                found = tuple(problems_of(entry)) or NO_PROBLEM
            kept[entry.path] = (entry.record, needs, found)
            problems.extend(found)
        self._checks[check] = (context, kept)
        return problems
