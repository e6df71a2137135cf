"""ICS feeds of the agenda, built with the icalendar package (never by hand).

Every interaction with a ``start`` is one VEVENT: a stable UID (``<id>@<domain>``), its
times in the settings' timezone with that zone's VTIMEZONE (all-day when ``start`` is a
date, read as midnight), its recurrence kept as an RRULE (not expanded) with its
``except:`` dates as EXDATE, where it happens, its next step, its pipeline and stage as
categories, and its resources as attendees of type RESOURCE. DTSTAMP and LAST-MODIFIED
are the time of the record's last change in git, so that a feed is byte-identical as
long as nothing it shows changed (calendar apps poll it).

:func:`plan_feeds` says which feeds there are (everything, each user, each resource,
each project) and what each holds; :func:`render_feed` gives a feed's bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vRecur

from generator.book.agenda import is_all_day
from generator.book.book import Book
from generator.book.records import Entry
from generator.calendars.places import place_of
from generator.files.cache import add_files
from generator.files.layout import SETTINGS_PATH

FOLDER = "calendars"
"""Where the feeds live, in the internal site and in the extranets."""
PRODID = "-//Carnet//Agenda//FR"
FALLBACK_DOMAIN = "carnet.invalid"
"""The UIDs' domain when the firm has neither a website nor an e-mail address."""
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
_UTC_UNTIL = re.compile(r"(UNTIL=\d{8}(?:T\d{6})?)Z")

Link = Callable[[Entry], str | None]
"""The address of an interaction's page on the internal site, when it has one."""


@dataclass(frozen=True, slots=True)
class Feed:
    """One ICS file: where it goes (``calendars/…``), whose it is, what it holds."""

    path: str
    scope: str
    """``all``, ``user``, ``resource`` or ``project``."""
    key: str
    """The user, resource or project (``""`` for everything)."""
    name: str
    """Its name: the user's, the resource's, the project's title."""
    interactions: tuple[str, ...]
    firm: str = ""

    @property
    def title(self) -> str:
        """The calendar's name in calendar apps."""
        return f"{self.name} — {self.firm}" if self.firm else self.name


def file_name(key: str) -> str:
    """A safe file name for a user's or a resource's key (settings keys are free text):
    the key itself when it is a plain identifier, else a digest of it."""
    if _SAFE_NAME.fullmatch(key):
        return key
    return "x-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def plan_feeds(book: Book) -> list[Feed]:
    """Every feed of the internal site: everything, then one per user, per resource (of
    ``settings.resources``) and per project, each with its interactions by id (sorted),
    found in one pass over the timed interactions."""
    settings = book.settings
    firm = settings.firm.name
    timed: list[str] = []
    by_user: dict[str, list[str]] = defaultdict(list)
    by_resource: dict[str, list[str]] = defaultdict(list)
    by_project: dict[str, list[str]] = defaultdict(list)
    for entry in book.interactions.values():
        r = entry.record
        if r.start is None:
            continue
        timed.append(entry.id)
        by_user[r.user].append(entry.id)
        for resource in dict.fromkeys(r.resources):
            by_resource[resource].append(entry.id)
        if r.project is not None:
            by_project[r.project].append(entry.id)

    def ids(found: list[str] | None) -> tuple[str, ...]:
        return tuple(sorted(found or ()))

    feeds = [Feed(f"{FOLDER}/tout.ics", "all", "", "Agenda", ids(timed), firm)]
    for key, user in settings.users.items():
        path = f"{FOLDER}/utilisateurs/{file_name(key)}.ics"
        feeds.append(Feed(path, "user", key, user.name, ids(by_user.get(key)), firm))
    for key, resource in settings.resources.items():
        path = f"{FOLDER}/ressources/{file_name(key)}.ics"
        feeds.append(Feed(path, "resource", key, resource.name, ids(by_resource.get(key)), firm))
    for key, entry in book.projects.items():
        path = f"{FOLDER}/projets/{key}.ics"
        title = entry.record.title
        feeds.append(Feed(path, "project", key, title, ids(by_project.get(key)), firm))
    return feeds


def project_feed(
    book: Book,
    project_id: str,
    title: str,
    timed: Iterable[Entry] | None = None,
    firm: str = "",
) -> Feed:
    """The feed of one project (in the internal site, or in its extranet's scoped Book)."""
    found = timed if timed is not None else book.interactions.values()
    ids = sorted(
        e.id for e in found if e.record.start is not None and e.record.project == project_id
    )
    path = f"{FOLDER}/projets/{project_id}.ics"
    return Feed(path, "project", project_id, title, tuple(ids), firm)


def uid_domain(book: Book) -> str:
    """The domain of the UIDs: the firm's website, else its e-mail address, else
    ``carnet.invalid``."""
    firm = book.settings.firm
    candidates = []
    if firm.website:
        site = firm.website.strip()
        candidates.append(urlsplit(site if "://" in site else f"//{site}").hostname or "")
    if firm.email and "@" in firm.email:
        candidates.append(firm.email.rsplit("@", 1)[1].strip().lower())
    for host in candidates:
        host = host.removeprefix("www.") if host.count(".") > 1 else host
        if _HOST.fullmatch(host) and "." in host:
            return host
    return FALLBACK_DOMAIN


def last_changes(book: Book, history: Any) -> dict[str, datetime]:
    """When each timed interaction last changed (its newest change in the history, the
    work tree's first); none without a history."""
    if history is None:
        return {}
    found: dict[str, datetime] = {}
    for entry in book.interactions.values():
        if entry.record.start is None:
            continue
        changes = history.changes_of(entry.path)
        if changes:
            found[entry.id] = changes[0].when
    return found


EventMemo = dict[str, tuple[str, bytes | None, bool]]
"""Interaction id → (key of what its VEVENT shows, the VEVENT's bytes or ``None``, whether
its start names a time zone): the events of the previous renders, for ``carnet serve``."""
END = b"END:VCALENDAR\r\n"


class FeedWriter:
    """Renders feeds of one Book, each event built once and shared by every feed.

    With ``digests`` (each record file's content digest) and a ``memo`` kept from the
    previous Book, an event whose inputs did not change (its interaction's file, those
    of its company and contact, the settings, its time stamp and link) is reused as the
    bytes it was, never built again: ``carnet serve`` rewrites the feeds after an edit
    in time proportional to the events that changed.
    """

    def __init__(
        self,
        book: Book,
        stamps: Mapping[str, datetime],
        link: Link | None = None,
        *,
        digests: Mapping[str, bytes] | None = None,
        memo: EventMemo | None = None,
    ) -> None:
        self.book = book
        self.stamps = stamps
        self.link = link
        self.domain = uid_domain(book)
        self.zone = book.settings.timezone
        self.digests = digests
        self.memo: EventMemo = memo if memo is not None and digests is not None else {}
        self._events: dict[str, Event | None] = {}
        self._timezone: Timezone | None = None
        self._timezone_ical: bytes | None = None

    def render(self, feed: Feed) -> bytes:
        """The ICS bytes of ``feed``: the calendar's own lines, the VTIMEZONE when an
        event's start names a zone, then every event's lines (as
        ``Calendar.to_ical`` writes a calendar holding them, line for line)."""
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", feed.title)
        calendar.add("x-wr-timezone", self.zone)
        calendar.add("x-published-ttl", "PT1H")
        head = calendar.to_ical()
        events = [self.event_ical(key) for key in feed.interactions]
        parts = [head.removesuffix(END)]
        if any(zoned for _, zoned in events):
            if self._timezone_ical is None:
                self._timezone_ical = self.timezone().to_ical()
            parts.append(self._timezone_ical)
        parts.extend(ical for ical, _ in events if ical is not None)
        parts.append(END)
        return b"".join(parts)

    def event_ical(self, key: str) -> tuple[bytes | None, bool]:
        """The bytes of the VEVENT of the interaction ``key`` (``None``: nothing to show)
        and whether its start names a time zone; from the memo when its inputs are those
        of the event kept there."""
        inputs = self._inputs(key)
        kept = self.memo.get(key)
        if kept is not None and kept[0] == inputs:
            return kept[1], kept[2]
        event = self.event(key)
        ical = event.to_ical() if event is not None else None
        zoned = event is not None and "TZID" in event["DTSTART"].params
        if self.digests is not None:
            self.memo[key] = (inputs, ical, zoned)
        return ical, zoned

    def _inputs(self, key: str) -> str:
        """The digest of everything the VEVENT of ``key`` shows (empty without digests)."""
        if self.digests is None:
            return ""
        entry = self.book.interactions[key]
        r = entry.record
        h = hashlib.blake2b(digest_size=16)
        paths = [SETTINGS_PATH, entry.path]
        for kind, other in (("company", r.company), ("contact", r.contact)):
            found = self.book.by_kind(kind).get(other) if other else None
            paths.append(found.path if found is not None else f"{kind}:-")
        add_files(h, paths, self.digests)
        link = self.link(entry) if self.link is not None else None
        stamp = self.stamps.get(entry.id)
        known_error = entry.id in self.book.recurrence_errors
        h.update(repr((stamp, link, known_error, self.domain, self.zone)).encode())
        return h.hexdigest()

    def timezone(self) -> Timezone:
        """The VTIMEZONE of the settings' timezone, over the years the agenda spans."""
        if self._timezone is None:
            years = [
                moment.year
                for starts in self.book.occurrences.values()
                for moment in (starts[:1] + starts[-1:])
            ] or [self.book.today.year]
            first = date(min(years) - 1, 1, 1)
            last = date(max(years) + 2, 1, 1)
            self._timezone = Timezone.from_tzid(self.zone, first_date=first, last_date=last)
        return self._timezone

    def event(self, key: str) -> Event | None:
        """The VEVENT of the interaction ``key`` (``None``: nothing left to show)."""
        if key not in self._events:
            self._events[key] = self._build(self.book.interactions[key])
        return self._events[key]

    def _build(self, entry: Entry) -> Event | None:
        r = entry.record
        all_day = is_all_day(r.start, r.end)
        rule = self._rule(entry, all_day)
        skipped = sorted(set(r.except_))
        if rule is None and r.start.date() in skipped:
            return None
        event = Event()
        event.add("uid", f"{entry.id}@{self.domain}")
        stamp = self.stamps.get(entry.id) or datetime.combine(r.date, time(), UTC)
        stamp = stamp.astimezone(UTC).replace(microsecond=0)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        if all_day:
            first = r.start.date()
            last = r.end.date() if r.end is not None and r.end.date() > first else first
            event.add("dtstart", first)
            event.add("dtend", last + timedelta(days=1))
        else:
            event.add("dtstart", r.start)
            if r.end is not None and r.end >= r.start:
                event.add("dtend", r.end)
        if rule is not None:
            event.add("rrule", rule)
            if skipped:
                event.add(
                    "exdate",
                    skipped
                    if all_day
                    else [datetime.combine(d, r.start.time(), r.start.tzinfo) for d in skipped],
                )
        event.add("summary", r.subject)
        place = place_of(self.book, r)
        if place:
            event.add("location", place)
        description = self._description(entry)
        if description:
            event.add("description", description)
        pipeline = self.book.settings.pipelines.get(r.kind)
        event.add("categories", [pipeline.label if pipeline else r.kind, r.type])
        for resource in r.resources:
            known = self.book.settings.resources.get(resource)
            attendee = vCalAddress(f"urn:x-carnet:resource:{quote(resource, safe='')}")
            attendee.params["CUTYPE"] = "RESOURCE"
            attendee.params["CN"] = known.name if known else resource
            attendee.params["ROLE"] = "NON-PARTICIPANT"
            event.add("attendee", attendee, encode=False)
        return event

    def _rule(self, entry: Entry, all_day: bool) -> vRecur | None:
        """The interaction's recurrence as the Book reads it (:mod:`generator.book.agenda`):
        a local UNTIL, a date alone meaning the end of that day; as RFC 5545 wants it,
        UNTIL is a date for an all-day event, else that local time in UTC."""
        r = entry.record
        if not r.recurrence or entry.id in self.book.recurrence_errors:
            return None
        try:
            rule = vRecur.from_ical(_UTC_UNTIL.sub(r"\1", r.recurrence.strip()))
        except ValueError:
            return None
        untils = rule.get("UNTIL")
        if untils:
            until = untils[0]
            end_of_day = time(23, 59, 59)  # a date alone includes that day
            local = until if isinstance(until, datetime) else datetime.combine(until, end_of_day)
            if all_day:
                rule["UNTIL"] = [local.date()]
            else:
                aware = local.replace(tzinfo=ZoneInfo(self.zone))
                rule["UNTIL"] = [aware.astimezone(UTC)]
        return rule

    def _description(self, entry: Entry) -> str:
        lines = [(entry.record.next_step or "").strip()]
        href = self.link(entry) if self.link is not None else None
        if href:
            lines.append(href)
        return "\n\n".join(line for line in lines if line)
