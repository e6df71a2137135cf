"""Agenda: dates in order, readable recurrences, no double-booked resource."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from babel.dates import format_datetime
from dateutil.rrule import rrulestr

from generator.checks.base import Records, at
from generator.problems import Problem

MAX_OCCURRENCES = 1000
"""Occurrences expanded per recurring interaction when checking bookings."""


def occurrences(start: datetime, rule: str | None, limit: int = MAX_OCCURRENCES) -> list[datetime]:
    """Start times of an interaction: ``start`` alone, or its recurrence (raises ValueError)."""
    if not rule:
        return [start]
    naive = start.replace(tzinfo=None)
    recurrence = rrulestr(rule, dtstart=naive, forceset=True)
    result: list[datetime] = []
    for occurrence in recurrence:
        result.append(occurrence.replace(tzinfo=start.tzinfo))
        if len(result) >= limit:
            break
    return result


def check_dates_order(records: Records) -> list[Problem]:
    """``end`` is not before ``start`` (interactions and projects)."""
    problems: list[Problem] = []
    for kind in ("interaction", "project"):
        for entry in records.of(kind):
            r = entry.record
            if r.start is not None and r.end is not None and r.end < r.start:
                problems.append(
                    at(records, entry.path, ("end",), "dates-order", start=r.start, end=r.end)
                )
    return problems


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
            occurrences(r.start, r.recurrence, limit=1)
        except (ValueError, TypeError) as exc:
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
        except (ValueError, TypeError):
            continue
        for index, resource in enumerate(r.resources):
            for begin in starts:
                slots[resource].append((begin, begin + duration, entry.id, entry.path, index))
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
