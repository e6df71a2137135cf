"""Agenda occurrences: the start times of every timed interaction, expanded once.

An interaction with a ``start`` happens at that time, or at each date of its
``recurrence`` (an RFC 5545 RRULE read by dateutil, bounded: at most
:data:`MAX_OCCURRENCES`, no later than :data:`HORIZON` past the start). The Book keeps
them (:func:`expand`) for the bookings check and the site's agenda alike; a rule that
cannot be read is kept aside with its reason, for the recurrence check to report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

MAX_OCCURRENCES = 1000
"""Occurrences expanded per recurring interaction when checking bookings."""

HORIZON = timedelta(days=366 * 5)
"""How far past its start a recurrence is expanded (a rule without end stops there)."""

SEARCH_HORIZON = timedelta(days=146_097 // 4)
"""How far past its start a rule must yield a date (100 years): Monday 29 February comes
back within 40 years at most (2044 after 2016; 2072 to 2112 across 2100)."""

_CYCLE = timedelta(days=146_097)
"""400 Gregorian years, a whole number of weeks: weekdays, leap years and ISO week numbers
repeat exactly, so a rule moved by whole cycles yields the same dates, moved."""


def occurrences(
    start: datetime,
    rule: str | None,
    limit: int = MAX_OCCURRENCES,
    horizon: timedelta = HORIZON,
) -> list[datetime]:
    """Start times of an interaction: ``start`` alone, or its recurrence.

    At most ``limit`` of them, none later than ``horizon`` past ``start``. Raises
    ValueError for a rule dateutil cannot read. dateutil stops at UNTIL only on a date
    that matches, so a rule that never matches would walk on to the year 9999 (seconds
    for a daily rule): the rule is moved by whole 400-year cycles until its end falls in
    the last cycle before 9999, where the walk past the end stays short, and the dates
    found are moved back.
    """
    if not rule:
        return [start]
    naive = start.replace(tzinfo=None)
    # An UNTIL in UTC ("…Z") is read as local time: dateutil refuses it with a naive start.
    rule = re.sub(r"(UNTIL=\d{8}(?:T\d{6})?)Z", r"\1", rule.strip())
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
    cycles = max(0, (datetime.max.year - end.year) // 400)
    shift = _CYCLE * cycles
    moved = parsed.replace(dtstart=naive + shift, until=end + shift, count=None)
    wanted = min(parsed._count, limit) if parsed._count is not None else limit
    try:
        return [(o - shift).replace(tzinfo=start.tzinfo) for o in islice(moved, wanted)]
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(str(exc)) from exc


_DAYS_PER_PERIOD = {DAILY: 1, WEEKLY: 7, MONTHLY: 31, YEARLY: 366}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

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
    that cannot match any date are refused outright, which bounds every expansion.
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
    months = parsed._bymonth or range(1, 13)
    days = [abs(d) for d in (*(parsed._bymonthday or ()), *(parsed._bynmonthday or ()))]
    if days and min(days) > max(_DAYS_IN_MONTH[m - 1] for m in months):
        raise ValueError("la règle ne tombe jamais (jour absent de ces mois)")
    per_day = (
        len(parsed._byhour or (0,)) * len(parsed._byminute or (0,)) * len(parsed._bysecond or (0,))
    )
    per_period = per_day * _DAYS_PER_PERIOD[parsed._freq]
    for position in parsed._bysetpos or ():
        if abs(position) > per_period:
            raise ValueError(f"BYSETPOS={position} : au plus {per_period} dates par période")


def expand(
    interactions: Iterable[Any],
) -> tuple[dict[str, tuple[datetime, ...]], dict[str, str]]:
    """Start times of every interaction that has a ``start`` (``Entry`` objects), and the
    reason each unreadable recurrence was set aside (its interaction keeps its ``start``
    alone)."""
    found: dict[str, tuple[datetime, ...]] = {}
    errors: dict[str, str] = {}
    for entry in interactions:
        r = entry.record
        if r.start is None:
            continue
        try:
            found[entry.id] = tuple(occurrences(r.start, r.recurrence))
        except (ValueError, OverflowError) as exc:
            errors[entry.id] = str(exc)
            found[entry.id] = (r.start,)
    return found, errors
