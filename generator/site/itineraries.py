"""Itineraries: directions links from a user's start address to where things happen.

The seed: « affichage de vos déplacements … point de départ … chaque utilisateur peut
préciser une autre adresse ». Each user starts from ``users.<id>.start_address``, else
from the firm's address; an interaction happens at its ``location:``, else at the address
of its company or contact (:func:`generator.calendars.places.place_of`). A link opens
OpenStreetMap's directions between the two addresses: no API key, nothing fetched at
build time, no map loaded by the site itself. A record without an address gets none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from generator.book.book import Book
from generator.calendars.places import one_line, place_of

DIRECTIONS = "https://www.openstreetmap.org/directions"


def directions(origin: str, destination: str) -> str:
    """The OpenStreetMap directions URL from ``origin`` to ``destination`` (addresses on
    one line, URL-encoded)."""
    query = urlencode({"from": origin, "to": destination}, quote_via=quote)
    return f"{DIRECTIONS}?{query}"


def firm_address(book: Book) -> str | None:
    """The firm's address on one line."""
    return book.settings.firm.address.one_line() or None


def start_of(book: Book, user_id: str) -> str | None:
    """Where ``user_id`` starts from: their ``start_address``, else the firm's address."""
    user = book.settings.users.get(user_id)
    if user is not None and user.start_address and one_line(user.start_address):
        return one_line(user.start_address)
    return firm_address(book)


def interaction_itinerary(book: Book, record: Any) -> str | None:
    """The directions link of an interaction: from its user's start address to its
    place; ``None`` without an address."""
    place = place_of(book, record)
    origin = start_of(book, record.user)
    if not place or not origin or place == origin:
        return None
    return directions(origin, place)


def project_place(book: Book, project: Any) -> str | None:
    """A project's address: that of its first company with one."""
    for link in project.companies:
        company = book.get("company", link.id)
        if company is not None and company.address is not None and company.address.one_line():
            return company.address.one_line()
    return None


def project_itineraries(book: Book, project: Any) -> list[tuple[str, str]]:
    """(who starts, directions link) to a project's address: from the firm, then from
    each member whose start address is another; empty without an address."""
    place = project_place(book, project)
    if not place:
        return []
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    firm = firm_address(book)
    if firm and firm != place:
        found.append((book.settings.firm.name, directions(firm, place)))
        seen.add(firm)
    for member in project.members:
        user = book.settings.users.get(member.user)
        origin = start_of(book, member.user)
        if user is None or not origin or origin in seen or origin == place:
            continue
        seen.add(origin)
        found.append((user.name, directions(origin, place)))
    return found


def day_legs(book: Book, user_id: str, items: list[tuple[Any, datetime | None]]) -> list[Any]:
    """The « Itinéraire du jour » of ``user_id``: one leg per move, in time order, from
    their start address to the first appointment with an address and on; each leg is
    ``{"to": entry, "time": start, "url": link}``. ``items`` are the day's (entry, start)
    pairs of the agenda; those without a start time or an address are left out."""
    origin = start_of(book, user_id)
    legs: list[dict[str, Any]] = []
    timed = sorted(
        ((moment, entry) for entry, moment in items if moment is not None),
        key=lambda pair: (pair[0], pair[1].id),
    )
    for moment, entry in timed:
        if entry.record.user != user_id:
            continue
        place = place_of(book, entry.record)
        if not place or place == origin:
            continue
        if origin:
            legs.append({"to": entry, "time": moment, "url": directions(origin, place)})
        origin = place
    return legs
