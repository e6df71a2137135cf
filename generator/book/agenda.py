"""Agenda occurrences: the start times of every timed interaction, expanded once.

An interaction with a ``start`` happens at that time, or at each date of its
``recurrence`` (an RFC 5545 RRULE read by dateutil, bounded: at most
:data:`MAX_OCCURRENCES`, no later than :data:`HORIZON` past the start, the work of each
walk proportional to its horizon and that of the long searches bounded per run). The Book keeps
them (:func:`expand`) for the bookings check and the site's agenda alike; a rule that
cannot be read is kept aside with its reason, for the recurrence check to report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

MAX_OCCURRENCES = 1000
"""Occurrences expanded per recurring interaction when checking bookings."""

HORIZON = timedelta(days=366 * 5)
"""How far past its start a recurrence is expanded (a rule without end stops there)."""

SEARCH_HORIZON = timedelta(days=146_097 // 4)
"""How far past its start a rule must yield a date (100 years): Monday 29 February comes
back within 40 years at most (2044 after 2016; 2072 to 2112 across 2100)."""


def occurrences(
    start: datetime,
    rule: str | None,
    limit: int = MAX_OCCURRENCES,
    horizon: timedelta = HORIZON,
    budget: SearchBudget | None = None,
) -> list[datetime]:
    """Start times of an interaction: ``start`` alone, or its recurrence.

    At most ``limit`` of them, none later than ``horizon`` past ``start``. Raises
    ValueError for a rule dateutil cannot read or one that can never match (refused up
    front, :func:`_check_parts`). dateutil stops at UNTIL only on a date that matches, so
    a rule that never matches would walk on to the year 9999: each walk is metered
    (:class:`_Meter`) and ends once it has looked at every day up to ``horizon``, so that
    its work stays proportional to the horizon whatever the rule.

    With a ``budget`` (the recurrence check searching, a hundred years on, the rules
    :func:`expand` found no date for), every search shares it: :data:`SEARCH_BUDGET`
    days in all (once spent, such a search raises ValueError); identical searches are
    done once.
    """
    if not rule:
        return [start]
    run = budget
    if run is None:
        return _walk(start, rule, limit, horizon, None)
    key = (start, rule, limit, horizon)
    if key not in run.searched:
        try:
            run.searched[key] = _walk(start, rule, limit, horizon, run)
        except ValueError as exc:
            run.searched[key] = str(exc)
    found = run.searched[key]
    if isinstance(found, str):
        raise ValueError(found)
    return list(found)


def _walk(
    start: datetime, rule: str, limit: int, horizon: timedelta, run: SearchBudget | None
) -> list[datetime]:
    """The dates of :func:`occurrences`, the work charged to ``run`` when given."""
    naive = start.replace(tzinfo=None)
    # An UNTIL in UTC ("…Z") is read as local time: dateutil refuses it with a naive start.
    rule = re.sub(r"(UNTIL=\d{8}(?:T\d{6})?)Z", r"\1", rule.strip())
    # A date alone (UNTIL=20261210) includes that day, as calendar apps read it.
    rule = re.sub(r"(UNTIL=\d{8})(?!T)", r"\1T235959", rule)
    try:
        parsed = rrulestr(rule, dtstart=naive)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(parsed, rrule):
        raise ValueError("une seule règle RRULE est attendue")
    _check_parts(parsed)
    try:
        end = naive + horizon
    except OverflowError:
        end = datetime.max
    if parsed._until is not None:
        end = min(end, parsed._until)
    walk = parsed.replace(until=end, count=None)
    wanted = min(parsed._count, limit) if parsed._count is not None else limit
    meter = _Meter.install(walk, max((end - naive).days, 0), run)
    found: list[datetime] = []
    try:
        for moment in walk:
            found.append(moment.replace(tzinfo=start.tzinfo))
            if len(found) >= wanted:
                break
    except _WalkDone:
        pass  # every day up to the horizon was looked at
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(str(exc)) from exc
    meter.settle()
    return found


SEARCH_BUDGET = 600_000
"""Days a run may look at in searches past :data:`HORIZON` (for the rules with no date
in their first years), all rules together: about a second. A rule searched once the
budget is spent is refused (a repository full of such rules is a hostile one)."""


@dataclass(slots=True)
class SearchBudget:
    """What the searches of one check share: the days left to look at, and the searches
    already done (identical rules are searched once)."""

    left: int = SEARCH_BUDGET
    searched: dict[tuple[datetime, str, int, timedelta], list[datetime] | str] = field(
        default_factory=dict
    )


class _WalkDone(Exception):
    """The walk has looked at every day up to its horizon."""


class _Meter:
    """Counts the days dateutil looks at while it walks one rule, and stops the walk once
    it has seen them all up to the horizon (:class:`_WalkDone`).

    dateutil tests each day of a period against the rule's parts in a fixed order;
    the first part it tests is replaced by an equal tuple whose truth value counts
    (:class:`_Counted`): BYMONTH or BYWEEKNO when set, else BYDAY (every weekday when
    the rule has none, which changes nothing). BYSETPOS, tested once per period, counts
    the period's days for each position.
    """

    def __init__(self, allowance: int, run: SearchBudget | None) -> None:
        self.allowance = allowance
        self.run = run
        self.used = 0

    @classmethod
    def install(cls, walk: rrule, days: int, run: SearchBudget | None) -> _Meter:
        """Meter ``walk`` (a rule about to be iterated) over ``days`` days, within what is
        left of ``run``'s budget when given."""
        period = _DAYS_PER_PERIOD[walk._freq]
        positions = len(walk._bysetpos or ())
        periods = days // _SHORTEST_PERIOD[walk._freq] + 3
        # every day up to the horizon and the periods around it, each period's BYSETPOS
        # pass, and the parts tested again when a month or a year begins
        allowance = days + 2 * period + 14 + periods * (1 + positions * period)
        if run is not None:
            if run.left <= 0:
                raise ValueError(
                    "recherche abandonnée : trop de règles sans date dans leurs premières "
                    "années dans ce dépôt"
                )
            allowance = min(allowance, run.left)
        meter = cls(allowance, run)
        for name in ("_bymonth", "_byweekno"):
            if getattr(walk, name):
                setattr(walk, name, _Counted(getattr(walk, name), meter, 1))
                break
        else:
            walk._byweekday = _Counted(walk._byweekday or range(7), meter, 1)
        if positions:
            walk._bysetpos = _Counted(walk._bysetpos, meter, positions * period)
        return meter

    def spend(self, units: int) -> None:
        """Count ``units``; the walk ends past the allowance."""
        self.used += units
        if self.used > self.allowance:
            raise _WalkDone

    def settle(self) -> None:
        """Charge a search's work to its run's budget."""
        if self.run is not None:
            self.run.left -= self.used


class _Counted(tuple[int, ...]):
    """A rule part whose every truth test (one per day dateutil looks at) is counted."""

    def __new__(cls, values: Iterable[int], meter: _Meter, weight: int) -> _Counted:
        counted = super().__new__(cls, values)
        counted.meter = meter  # type: ignore[attr-defined]
        counted.weight = weight  # type: ignore[attr-defined]
        return counted

    def __bool__(self) -> bool:
        self.meter.spend(self.weight)  # type: ignore[attr-defined]
        return len(self) > 0


_DAYS_PER_PERIOD = {DAILY: 1, WEEKLY: 7, MONTHLY: 31, YEARLY: 366}
_SHORTEST_PERIOD = {DAILY: 1, WEEKLY: 7, MONTHLY: 28, YEARLY: 365}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MAX_POSITIONS = 31
"""BYSETPOS values a rule may list (each costs a pass over every period)."""

_RANGES = {
    "_bymonth": (1, 12),
    "_bymonthday": (-31, 31),
    "_byyearday": (-366, 366),
    "_byweekno": (-53, 53),
    "_bysetpos": (-366, 366),
    "_byhour": (0, 23),
    "_byminute": (0, 59),
    "_bysecond": (0, 59),
}


def _check_parts(parsed: rrule) -> None:
    """Refuse what RFC 5545 forbids and dateutil lets through.

    dateutil only stops at UNTIL when a date matches: a rule that never matches spins
    until the year 9999. Sub-daily rules are refused (an agenda needs none), and rules
    that cannot match any date are refused outright (:func:`_days_of_year`), which keeps
    most such walks from starting at all.
    """
    if parsed._freq not in (DAILY, WEEKLY, MONTHLY, YEARLY):
        raise ValueError("FREQ doit valoir DAILY, WEEKLY, MONTHLY ou YEARLY")
    if parsed._byeaster is not None:  # dateutil's own: Easter has no 400-year cycle
        raise ValueError("BYEASTER n'est pas une règle RFC 5545")
    if not 1 <= parsed._interval <= 10_000:
        raise ValueError("INTERVAL doit être compris entre 1 et 10000")
    if parsed._count is not None and parsed._count < 1:
        raise ValueError("COUNT doit valoir au moins 1")
    for attribute, (low, high) in _RANGES.items():
        for value in getattr(parsed, attribute) or ():
            if not low <= value <= high or (value == 0 and low < 0):
                name = attribute.removeprefix("_").upper()
                raise ValueError(f"{name}={value} hors des bornes ({low}..{high})")
    widest = 5 if parsed._freq == MONTHLY else 53
    for _weekday, ordinal in parsed._bynweekday or ():
        if not -widest <= ordinal <= widest or ordinal == 0:
            raise ValueError(f"BYDAY : rang {ordinal} hors des bornes (±{widest})")
    if not any(_days_of_year(parsed, leap) for leap in (False, True)):
        raise ValueError("la règle ne tombe jamais (ces jours, mois et semaines s'excluent)")
    per_day = (
        len(parsed._byhour or (0,)) * len(parsed._byminute or (0,)) * len(parsed._bysecond or (0,))
    )
    per_period = per_day * _DAYS_PER_PERIOD[parsed._freq]
    if len(parsed._bysetpos or ()) > MAX_POSITIONS:
        raise ValueError(f"BYSETPOS : au plus {MAX_POSITIONS} positions")
    for position in parsed._bysetpos or ():
        if abs(position) > per_period:
            raise ValueError(f"BYSETPOS={position} : au plus {per_period} dates par période")


def _days_of_year(parsed: rrule, leap: bool) -> set[int]:
    """The days of a year (1 to 365 or 366) that BYMONTH, BYMONTHDAY, BYYEARDAY and
    BYWEEKNO together may let through; more than they do for BYWEEKNO (a week's days
    depend on the weekday the year starts on), never fewer. Empty for both kinds of
    year: the rule never matches."""
    length = 365 + leap
    lengths = [*_DAYS_IN_MONTH[:1], 29 if leap else 28, *_DAYS_IN_MONTH[2:]]
    firsts = [1 + sum(lengths[:index]) for index in range(12)]
    months = parsed._bymonth or range(1, 13)
    days = {firsts[m - 1] + d for m in months for d in range(lengths[m - 1])}
    monthdays = [*(parsed._bymonthday or ()), *(parsed._bynmonthday or ())]
    if monthdays:
        days &= {
            firsts[m] + (d - 1 if d > 0 else lengths[m] + d)
            for m in range(12)
            for d in monthdays
            if abs(d) <= lengths[m]
        }
    if parsed._byyearday:
        days &= {y if y > 0 else length + 1 + y for y in parsed._byyearday if abs(y) <= length}
    if parsed._byweekno:
        weeks: set[int] = set()
        for number in parsed._byweekno:
            for week in (number,) if number > 0 else (53 + 1 + number, 52 + 1 + number):
                weeks.update(range(max(1, 7 * week - 10), min(length, 7 * week + 4) + 1))
                if week >= 52 or (number >= -2 and number < 0):
                    weeks.update(range(1, 8))  # the first days may end the year before's
                if week == 1:
                    weeks.update(range(length - 6, length + 1))  # the last, start the next
        days &= weeks
    return days


def is_all_day(start: datetime | None, end: datetime | None) -> bool:
    """An all-day interaction: its ``start`` was typed as a date (read as midnight), and
    so was its ``end`` when it has one."""
    if start is None:
        return False
    return all(
        moment.time() == datetime.min.time() for moment in (start, end) if moment is not None
    )


def expand(
    interactions: Iterable[Any],
) -> tuple[dict[str, tuple[datetime, ...]], dict[str, str]]:
    """Start times of every interaction that has a ``start`` (``Entry`` objects), but on
    the dates of its ``except:`` list, and the reason each unreadable recurrence was set
    aside (its interaction keeps its ``start`` alone)."""
    found: dict[str, tuple[datetime, ...]] = {}
    errors: dict[str, str] = {}
    for entry in interactions:
        r = entry.record
        if r.start is None:
            continue
        try:
            starts = occurrences(r.start, r.recurrence)
        except (ValueError, OverflowError) as exc:
            errors[entry.id] = str(exc)
            starts = [r.start]
        skipped = set(r.except_)
        found[entry.id] = tuple(s for s in starts if s.date() not in skipped)
    return found, errors
