"""Resources (rooms, vehicles, equipment of ``settings.resources``) and per-user agendas.

A page per resource gives its bookings by week (the interactions that book it, each
occurrence of their recurrence) and its conflicts (two interactions booking it at
overlapping times, which ``carnet validate`` reports too); a list page gives them all.
The agenda is filtered by resource (its page) and by user (a page per user, with each
day's « Itinéraire du jour »).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from generator.book.book import Book
from generator.calendars.feeds import FOLDER, file_name
from generator.site.itineraries import day_legs, start_of
from generator.site.weeks import weeks_of

INDEX = "ressources/index.md"
AGENDAS = "agendas"
KIND_LABELS = {"room": "Salle", "vehicle": "Véhicule", "equipment": "Matériel"}
WEEKS_BEFORE, WEEKS_AFTER = 4, 8
"""The weeks a resource's or a user's agenda shows, around today's (as the agenda)."""


def resource_page(key: str) -> str:
    """The Markdown path of a resource's page."""
    return f"ressources/{file_name(key)}.md"


def user_agenda_page(user_id: str) -> str:
    """The Markdown path of a user's agenda."""
    return f"{AGENDAS}/{file_name(user_id)}.md"


@dataclass(slots=True)
class Booking:
    """One occurrence of an interaction that books a resource."""

    entry: Any
    start: datetime
    end: datetime
    conflicts: list[Any] = field(default_factory=list)
    """The other interactions booking the resource at overlapping times."""


def bookings(book: Book) -> dict[str, list[Booking]]:
    """Every resource's bookings in time order, each with its conflicts (an interaction
    with no ``end`` holds its resources for an hour, as the bookings check counts)."""
    found: dict[str, list[Booking]] = defaultdict(list)
    for entry in book.interactions.values():
        r = entry.record
        if r.start is None or not r.resources:
            continue
        duration = r.end - r.start if r.end is not None and r.end >= r.start else timedelta(hours=1)
        for begin in book.occurrences.get(entry.id, ()):
            try:
                end = begin + duration
            except OverflowError:
                continue
            for resource in dict.fromkeys(r.resources):
                found[resource].append(Booking(entry, begin, end))
    for rows in found.values():
        rows.sort(key=lambda b: (b.start, b.entry.id))
        active: list[Booking] = []
        for booking in rows:
            active = [a for a in active if a.end > booking.start]
            for other in active:
                if other.entry.id != booking.entry.id:
                    if other.entry not in booking.conflicts:
                        booking.conflicts.append(other.entry)
                    if booking.entry not in other.conflicts:
                        other.conflicts.append(booking.entry)
            active.append(booking)
    return found


def _window(today: date) -> tuple[date, date]:
    first = today - timedelta(days=today.weekday() + 7 * WEEKS_BEFORE)
    return first, first + timedelta(weeks=WEEKS_BEFORE + WEEKS_AFTER) - timedelta(days=1)


def _weeks(book: Book, items: dict[date, list[Any]], first: date) -> list[dict[str, Any]]:
    return weeks_of(book.today, first, WEEKS_BEFORE + WEEKS_AFTER, items)


def resource_list(book: Book, found: dict[str, list[Booking]] | None = None) -> dict[str, Any]:
    """Every resource with its kind, capacity, coming bookings and conflicts."""
    found = bookings(book) if found is None else found
    rows = []
    for key, resource in book.settings.resources.items():
        booked = found.get(key, [])
        rows.append(
            {
                "key": key,
                "resource": resource,
                "kind": KIND_LABELS.get(resource.kind, resource.kind),
                "page": resource_page(key),
                "coming": sum(1 for b in booked if b.end.date() >= book.today),
                "conflicts": sum(1 for b in booked if b.conflicts),
            }
        )
    return {"rows": rows}


def resource_view(
    book: Book, key: str, found: dict[str, list[Booking]] | None = None
) -> dict[str, Any]:
    """A resource's bookings by week around today, and all its conflicts."""
    found = bookings(book) if found is None else found
    booked = found.get(key, [])
    first, last = _window(book.today)
    items: dict[date, list[Booking]] = defaultdict(list)
    for booking in booked:
        if first <= booking.start.date() <= last:
            items[booking.start.date()].append(booking)
    resource = book.settings.resources[key]
    return {
        "key": key,
        "resource": resource,
        "kind": KIND_LABELS.get(resource.kind, resource.kind),
        "weeks": _weeks(book, items, first),
        "conflicts": [b for b in booked if b.conflicts],
        "feed": f"{FOLDER}/ressources/{file_name(key)}.ics",
    }


def user_agenda(book: Book, user_id: str, agenda: dict[str, Any]) -> dict[str, Any]:
    """The agenda (:func:`generator.site.views.agenda`) of one user, each day with its
    « Itinéraire du jour »."""
    weeks = []
    for week in agenda["weeks"]:
        days = []
        for day, items in week["days"]:
            mine = [(e, moment) for e, moment in items if e.record.user == user_id]
            if mine:
                days.append((day, mine, day_legs(book, user_id, mine)))
        weeks.append({**week, "days": days})
    user = book.settings.users[user_id]
    return {
        "user_id": user_id,
        "user": user,
        "start": start_of(book, user_id),
        "weeks": weeks,
        "feed": f"{FOLDER}/utilisateurs/{file_name(user_id)}.ics",
    }


def agenda_filters(book: Book) -> dict[str, list[tuple[str, str]]]:
    """The agenda's filters: (name, page) of each user's agenda and each resource's page."""
    return {
        "users": [(u.name, user_agenda_page(key)) for key, u in book.settings.users.items()],
        "resources": [(r.name, resource_page(key)) for key, r in book.settings.resources.items()],
    }
