"""Calendar feeds (ICS): parsed back with icalendar, expanded with recurring-ical-events."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import recurring_ical_events
from conftest import ROOT, TODAY
from cryptography.exceptions import InvalidTag
from icalendar import Calendar

from generator.calendars.feeds import FeedWriter, last_changes, plan_feeds, uid_domain
from generator.load import load
from generator.site.feeds import feed_links
from generator.testing import book_from_yaml

PARIS = ZoneInfo("Europe/Paris")


def _feed(book, path: str, stamps=None, link=None) -> Calendar:
    feed = next(f for f in plan_feeds(book) if f.path == path)
    data = FeedWriter(book, stamps or {}, link).render(feed)
    return Calendar.from_ical(data)


def _session(subject: str, **fields: str) -> dict[str, str]:
    lines = [
        "kind: project",
        'type: "Projet - 1 - À faire"',
        "user: benoit",
        f"subject: {subject}",
        "date: 2026-03-25",
        "state: open",
        *(f"{key}: {value}" for key, value in fields.items()),
    ]
    return {"data/interactions/session.yaml": "\n".join(lines) + "\n"}


def test_the_example_training_gives_exactly_its_sessions(site: Path) -> None:
    """The built site's project feed, expanded between the project's start and end."""
    data = (site / "calendars" / "projets" / "formation-html-2026.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    sessions = recurring_ical_events.of(calendar).between(date(2026, 6, 1), date(2026, 7, 1))
    starts = sorted(e["DTSTART"].dt for e in sessions)
    expected = [
        datetime(2026, 6, day, 9, 0, tzinfo=PARIS) for day in (1, 3, 8, 10, 15, 17, 22, 24, 29)
    ]
    assert starts == expected
    assert {e["DTEND"].dt - e["DTSTART"].dt for e in sessions} == {timedelta(hours=3.5)}
    (event,) = calendar.walk("VEVENT")
    assert "RRULE" in event and event["UID"] == "formation-html-seances@atelier-dupont.fr"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [t["TZID"] for t in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    attendee = event["ATTENDEE"]
    assert attendee.params["CUTYPE"] == "RESOURCE" and attendee.params["CN"] == "Local 321"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Projet", "Projet - 4 - Livré"]
    # UNTIL=20261210 includes the last Thursday; except: [2026-12-08] skips a Tuesday
    wordpress = Calendar.from_ical(
        (site / "calendars" / "projets" / "formation-wordpress-2026.ics").read_bytes()
    )
    sessions = recurring_ical_events.of(wordpress).between(date(2026, 11, 17), date(2026, 12, 11))
    assert sorted(e["DTSTART"].dt.date() for e in sessions) == [
        date(2026, 11, d) for d in (17, 19, 24, 26)
    ] + [date(2026, 12, d) for d in (1, 3, 10)]
    # The whole agenda and each user's hold it too; the site's agenda links them.
    everything = Calendar.from_ical((site / "calendars" / "tout.ics").read_bytes())
    assert "formation-html-seances@atelier-dupont.fr" in {
        str(e["UID"]) for e in everything.walk("VEVENT")
    }
    claire = Calendar.from_ical((site / "calendars" / "utilisateurs" / "claire.ics").read_bytes())
    assert all(
        str(e["UID"]) != "projet-brotteaux-formation-back-office@atelier-dupont.fr"
        for e in claire.walk("VEVENT")
    )
    agenda = (site / "agenda" / "index.html").read_text(encoding="utf-8")
    assert 'href="../calendars/tout.ics" download' in agenda
    assert 'href="../calendars/ressources/local-321.ics" download' in agenda


def test_stamps_come_from_the_last_commit_and_feeds_do_not_change(tmp_path: Path) -> None:
    from test_site_build import _git, make_repo

    repo = make_repo(tmp_path / "repo")
    path = repo / "data" / "interactions" / "2026" / "formation-html-seances.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("9 demi", "Neuf demi"), "utf-8")
    _git(repo, "commit", "-qam", "Note", when="2026-11-20T10:00:00+01:00")
    result = load(repo, today=TODAY, use_cache=False, with_history=True)
    stamps = last_changes(result.book, result.history)
    feed = next(f for f in plan_feeds(result.book) if f.key == "formation-html-2026")
    first = FeedWriter(result.book, stamps).render(feed)
    event = Calendar.from_ical(first).walk("VEVENT")[0]
    assert event["DTSTAMP"].dt == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert event["LAST-MODIFIED"].dt == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    again = load(repo, today=TODAY, use_cache=False, with_history=True)
    later = FeedWriter(again.book, last_changes(again.book, again.history)).render(feed)
    assert later == first  # byte-identical: calendar apps poll it


def test_local_times_hold_across_the_change_to_summer_time() -> None:
    book = book_from_yaml(
        _session(
            "Permanence",
            start="2026-03-26T10:00",
            end="2026-03-26T11:00",
            recurrence='"FREQ=DAILY;UNTIL=20260402"',
        )
    )
    calendar = _feed(book, "calendars/tout.ics")
    found = recurring_ical_events.of(calendar).between(date(2026, 3, 26), date(2026, 4, 3))
    starts = sorted(e["DTSTART"].dt for e in found)
    # UNTIL=20260402 includes 2 April, in the feed as in the Book
    assert [s.date() for s in starts] == [date(2026, 3, 26) + timedelta(days=n) for n in range(8)]
    assert {(s.hour, s.minute) for s in starts} == {(10, 0)}
    assert starts[0].utcoffset() == timedelta(hours=1)  # before 29 March: winter time
    assert starts[-1].utcoffset() == timedelta(hours=2)
    assert starts[-1].astimezone(UTC).hour == 8
    assert list(book.occurrences["session"]) == starts  # the site's agenda agrees


def test_special_characters_round_trip() -> None:
    subject = "Réunion; budget, planning 🎄 \\ fin"
    book = book_from_yaml(
        _session(
            f"'{subject}'",
            start="2026-03-26T10:00",
            next_step='"Rappeler ; puis écrire,\\nà Jeanne 📞"',
            location='"Salle 2; bâtiment B, 3e étage"',
        )
    )
    (event,) = _feed(book, "calendars/tout.ics").walk("VEVENT")
    assert str(event["SUMMARY"]) == subject
    assert str(event["DESCRIPTION"]) == "Rappeler ; puis écrire,\nà Jeanne 📞"
    assert str(event["LOCATION"]) == "Salle 2; bâtiment B, 3e étage"


def test_except_dates_are_exdates_and_all_day_events_are_dates() -> None:
    files = _session(
        "Cours du lundi",
        start="2026-06-01T09:00",
        end="2026-06-01T12:00",
        recurrence='"FREQ=WEEKLY;BYDAY=MO;COUNT=4"',
        **{"except": "[2026-06-15]"},
    )
    files["data/interactions/salon.yaml"] = (
        "kind: sale\ntype: Vente - 1 - Prise de contact\nuser: claire\nsubject: Salon\n"
        "date: 2026-09-10\nstate: open\nstart: 2026-09-10\nend: 2026-09-12\n"
    )
    book = book_from_yaml(files)
    calendar = _feed(book, "calendars/tout.ics")
    found = recurring_ical_events.of(calendar).between(date(2026, 6, 1), date(2026, 7, 1))
    lessons = sorted(e["DTSTART"].dt.date() for e in found)
    assert lessons == [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 22)]
    assert [m.date() for m in book.occurrences["session"]] == lessons
    salon = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Salon")
    assert salon["DTSTART"].dt == date(2026, 9, 10) and salon["DTEND"].dt == date(2026, 9, 13)
    assert uid_domain(book) == "carnet.invalid"  # no website, no e-mail in the settings


def test_location_and_links_to_the_internal_site() -> None:
    from generator.site.feeds import page_link

    book = load(ROOT, today=TODAY, use_cache=False).book
    link = page_link("https://intranet.example.fr/carnet/")
    calendar = _feed(book, "calendars/utilisateurs/karim.ics", link=link)
    event = next(e for e in calendar.walk("VEVENT") if "formation-back-office" in str(e["UID"]))
    assert str(event["LOCATION"]) == "58 boulevard des Brotteaux, 69006 Lyon"
    assert str(event["DESCRIPTION"]) == (
        "Apporter le guide d'utilisation imprimé\n\nhttps://intranet.example.fr/carnet/"
        "societes/garage-des-brotteaux/#i-projet-brotteaux-formation-back-office"
    )
    links = feed_links(book, "https://intranet.example.fr/carnet/")
    assert links[0]["feeds"][0]["webcal"] == (
        "webcal://intranet.example.fr/carnet/calendars/tout.ics"
    )


def test_a_hostile_settings_key_never_names_a_path() -> None:
    from generator.testing import MINIMAL_SETTINGS

    settings = MINIMAL_SETTINGS.replace(
        "resources: {local-321:", 'resources: {"../../../etc/x": {name: X}, local-321:'
    )
    book = book_from_yaml({}, settings=settings)
    paths = [f.path for f in plan_feeds(book)]
    assert all(".." not in p for p in paths)
    assert "calendars/ressources/local-321.ics" in paths


def test_the_extranet_ships_its_project_feed_sealed(tmp_path: Path) -> None:
    from test_extranet_build import PASSWORDS, build_of, run, site_key

    from generator.extranet.attachments import unpack
    from generator.extranet.crypto import file_aad

    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = run(tmp_path, "site-garage-brotteaux")
    assert result.exit_code == 0, result.output
    site = tmp_path / "build" / "extranet" / "site-garage-brotteaux"
    assert not list(site.rglob("*.ics"))
    key = site_key(site, PASSWORDS["CARNET_EXTRANET_BROTTEAUX"])
    feeds = []
    for blob in (site / "c").iterdir():
        rel = blob.relative_to(site).as_posix()
        try:
            header, data = unpack(key.decrypt(blob.read_bytes(), file_aad(build_of(site), rel)))
        except InvalidTag:
            continue  # a page or the search index, sealed otherwise
        if header["name"].endswith(".ics"):
            feeds.append(data)
    (data,) = feeds
    calendar = Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between(date(2026, 12, 1), date(2027, 1, 1))
    assert sorted(e["DTSTART"].dt for e in found) == [
        datetime(2026, 12, 4, 9, 30, tzinfo=PARIS),
        datetime(2026, 12, 11, 9, 30, tzinfo=PARIS),
    ]
    assert b"ATTENDEE" not in data and b"intranet" not in data


def test_a_rebuild_keeps_unchanged_feeds_and_removes_stale_ones(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from test_site_build import build, make_repo

    repo = make_repo(tmp_path / "repo")
    (repo / "data" / "projects" / "vide.yaml").write_text("title: Projet vide\n", "utf-8")
    assert build(CliRunner(), repo).exit_code == 0
    site = repo / "build" / "site" / "calendars"
    assert (site / "projets" / "vide.ics").is_file()
    everything = (site / "tout.ics").read_bytes()
    (repo / "data" / "projects" / "vide.yaml").unlink()
    assert build(CliRunner(), repo).exit_code == 0
    assert not (site / "projets" / "vide.ics").exists()
    assert (site / "tout.ics").read_bytes() == everything


def test_feeds_are_written_as_icalendar_writes_a_calendar_of_their_events() -> None:
    """Each event is kept as its bytes and a feed is their concatenation under the
    calendar's own lines: byte for byte what icalendar writes for the whole calendar."""
    result = load(ROOT, today=TODAY, use_cache=False)
    book = result.book
    memo: dict = {}
    for writer in (
        FeedWriter(book, {}),
        FeedWriter(book, {}, digests=result.digests, memo=memo),
        FeedWriter(book, {}, digests=result.digests, memo=memo),  # every event from the memo
    ):
        for feed in plan_feeds(book):
            calendar = Calendar()
            for name, value in (
                ("prodid", "-//Carnet//Agenda//FR"),
                ("version", "2.0"),
                ("calscale", "GREGORIAN"),
                ("method", "PUBLISH"),
                ("x-wr-calname", feed.title),
                ("x-wr-timezone", book.settings.timezone),
                ("x-published-ttl", "PT1H"),
            ):
                calendar.add(name, value)
            events = [writer.event(key) for key in feed.interactions]
            if any(e is not None and "TZID" in e["DTSTART"].params for e in events):
                calendar.add_component(writer.timezone())
            for event in events:
                if event is not None:
                    calendar.add_component(event)
            assert writer.render(feed) == calendar.to_ical(), feed.path
    assert memo and all(ical is not None for _, ical, _ in memo.values())
