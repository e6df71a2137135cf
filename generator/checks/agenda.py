"""Agenda: dates in order, readable recurrences, no double-booked resource."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import islice

from babel.dates import format_datetime
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from generator.book.records import Records
from generator.checks.base import at
from generator.problems import Problem

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


_NEVER = (
    "la règle ne produit aucune date dans les 100 ans qui suivent le début (UNTIL avant le début ?)",
    "the rule yields no date within 100 years of the start (UNTIL before the start?)",
)

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


def check_dates_order(records: Records) -> list[Problem]:
    """``end`` is not before ``start`` (interactions and projects)."""
    problems: list[Problem] = []
    for kind in ("interaction", "project"):
        for entry in records.of(kind):
            r = entry.record
            if r.start is not None and r.end is not None and r.end < r.start:
                problems.append(
                    at(
                        records,
                        entry.path,
                        ("end",),
                        "dates-order",
                        start=_when(r.start, records.lang),
                        end=_when(r.end, records.lang),
                    )
                )
    return problems


def _when(value: date | datetime, lang: str) -> str:
    from generator.locale import date_time, long_date

    return date_time(value, lang) if isinstance(value, datetime) else long_date(value, lang)


def check_recurrences(records: Records) -> list[Problem]:
    """Recurrence rules parse and have a start time."""
    problems: list[Problem] = []
    for entry in records.of("interaction"):
        r = entry.record
        if not r.recurrence:
            continue
        if r.start is None:
            problems.append(at(records, entry.path, ("recurrence",), "recurrence-without-start"))
            continue
        try:
            if not occurrences(r.start, r.recurrence, limit=1, horizon=SEARCH_HORIZON):
                raise ValueError(_NEVER[records.lang.startswith("en")])
        except ValueError as exc:
            problems.append(
                at(records, entry.path, ("recurrence",), "recurrence-invalid", detail=str(exc))
            )
    return problems


def check_bookings(records: Records) -> list[Problem]:
    """A resource is never booked twice at overlapping times."""
    settings = records.settings
    if settings is None:
        return []
    slots: dict[str, list[tuple[datetime, datetime, str, str, int]]] = defaultdict(list)
    for entry in records.of("interaction"):
        r = entry.record
        if not r.resources or r.start is None:
            continue
        duration = (r.end - r.start) if r.end is not None else timedelta(hours=1)
        try:
            starts = occurrences(r.start, r.recurrence)
            spans = [(begin, begin + duration) for begin in starts]
        except (ValueError, OverflowError):
            continue  # unreadable rules are reported by check_recurrences; year 9999 has no room
        for index, resource in enumerate(r.resources):
            for begin, end in spans:
                slots[resource].append((begin, end, entry.id, entry.path, index))
    problems: list[Problem] = []
    reported: set[tuple[str, str, str]] = set()
    locale = "en" if records.lang.startswith("en") else "fr_FR"
    for resource, booked in slots.items():
        booked.sort()
        latest_end, latest_id = None, None
        for begin, end, record_id, path, index in booked:
            if latest_end is not None and begin < latest_end and record_id != latest_id:
                key = (resource, *sorted((record_id, latest_id)))
                if key not in reported:
                    reported.add(key)
                    name = (
                        settings.resources[resource].name
                        if resource in settings.resources
                        else resource
                    )
                    problems.append(
                        at(
                            records,
                            path,
                            ("resources", index),
                            "resource-conflict",
                            resource=name,
                            other=latest_id,
                            when=format_datetime(begin, "EEEE d MMMM y HH:mm", locale=locale),
                        )
                    )
            if latest_end is None or end > latest_end:
                latest_end, latest_id = end, record_id
    return problems
