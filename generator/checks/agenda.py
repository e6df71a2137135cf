"""Agenda: dates in order, readable recurrences, no double-booked resource."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from babel.dates import format_datetime

from generator.book.agenda import SEARCH_HORIZON, SearchBudget, occurrences
from generator.book.book import Book
from generator.checks.base import at
from generator.problems import Problem

_NEVER = (
    "la règle ne produit aucune date dans les 100 ans qui suivent le début (UNTIL avant le début ?)",
    "the rule yields no date within 100 years of the start (UNTIL before the start?)",
)


def check_dates_order(book: Book) -> list[Problem]:
    """``end`` is not before ``start`` (interactions and projects)."""
    problems: list[Problem] = []
    for kind in ("interaction", "project"):
        for entry in book.of(kind):
            r = entry.record
            if r.start is not None and r.end is not None and r.end < r.start:
                problems.append(
                    at(
                        book,
                        entry.path,
                        ("end",),
                        "dates-order",
                        start=_when(r.start, book.lang),
                        end=_when(r.end, book.lang),
                    )
                )
    return problems


def _when(value: date | datetime, lang: str) -> str:
    from generator.locale import date_time, long_date

    return date_time(value, lang) if isinstance(value, datetime) else long_date(value, lang)


def check_recurrences(book: Book) -> list[Problem]:
    """Recurrence rules parse, have a start time, and yield a date.

    The Book expanded every rule once (:mod:`generator.book.agenda`); only a rule that
    yields nothing within its usual horizon is searched further, a hundred years on.
    """
    problems: list[Problem] = []
    budget = SearchBudget()  # the searches of every rule without a near date share it
    for entry in book.of("interaction"):
        r = entry.record
        if not r.recurrence:
            continue
        if r.start is None:
            problems.append(at(book, entry.path, ("recurrence",), "recurrence-without-start"))
            continue
        reason = book.recurrence_errors.get(entry.id)
        if reason is None and not book.occurrences.get(entry.id):
            try:
                found = occurrences(
                    r.start, r.recurrence, limit=1, horizon=SEARCH_HORIZON, budget=budget
                )
                if not found:
                    reason = _NEVER[book.lang.startswith("en")]
            except (ValueError, OverflowError) as exc:
                reason = str(exc)
        if reason is not None:
            problems.append(
                at(book, entry.path, ("recurrence",), "recurrence-invalid", detail=reason)
            )
    return problems


def check_bookings(book: Book) -> list[Problem]:
    """A resource is never booked twice at overlapping times."""
    settings = book.settings
    slots: dict[str, list[tuple[datetime, datetime, str, str, int]]] = defaultdict(list)
    for entry in book.of("interaction"):
        r = entry.record
        if not r.resources or r.start is None:
            continue
        if entry.id in book.recurrence_errors:
            continue  # an unreadable rule is reported by check_recurrences
        duration = (r.end - r.start) if r.end is not None else timedelta(hours=1)
        try:
            spans = [(begin, begin + duration) for begin in book.occurrences[entry.id]]
        except OverflowError:
            continue  # year 9999 has no room
        for index, resource in enumerate(r.resources):
            for begin, end in spans:
                slots[resource].append((begin, end, entry.id, entry.path, index))
    problems: list[Problem] = []
    reported: set[tuple[str, str, str]] = set()
    locale = "en" if book.lang.startswith("en") else "fr_FR"
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
                            book,
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
