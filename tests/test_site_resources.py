"""Resources pages, per-user agendas and itineraries on the internal site."""

from __future__ import annotations

import re
from pathlib import Path

from generator.book.records import Entry
from generator.book.variants import with_entry
from generator.site.itineraries import day_legs, directions, interaction_itinerary
from generator.site.resources import bookings
from generator.testing import MINIMAL_SETTINGS, book_from_yaml

ROOM = "kind: project\ntype: Projet - 1 - À faire\nuser: {user}\nsubject: {subject}\n"
ROOM += "date: 2026-06-01\nstate: open\n"


def _booking(subject: str, start: str, end: str, user: str = "benoit", **more: str) -> str:
    text = ROOM.format(user=user, subject=subject) + f"start: {start}\nend: {end}\n"
    return text + "".join(f"{k}: {v}\n" for k, v in more.items())


def test_bookings_by_resource_with_their_conflicts() -> None:
    book = book_from_yaml(
        {
            "data/interactions/cours.yaml": _booking(
                "Cours",
                "2026-06-01T09:00",
                "2026-06-01T12:00",
                recurrence='"FREQ=WEEKLY;COUNT=3"',
                resources="[local-321]",
                **{"except": "[2026-06-08]"},
            ),
            "data/interactions/reunion.yaml": _booking(
                "Réunion", "2026-06-15T11:00", "2026-06-15T13:00"
            ),
            "data/interactions/apres.yaml": _booking(
                "Après", "2026-06-15T13:00", "2026-06-15T14:00", resources="[local-321]"
            ),
        }
    )
    # a conflict is a validate error, so no Book holds one: the room is booked afterwards
    reunion = book.interactions["reunion"]
    booked = reunion.record.model_copy(update={"resources": ["local-321"]})
    book = with_entry(book, Entry(reunion.kind, reunion.id, reunion.path, booked))
    rows = bookings(book)["local-321"]
    assert [(b.entry.id, b.start.day) for b in rows] == [
        ("cours", 1),
        ("cours", 15),
        ("reunion", 15),
        ("apres", 15),
    ]
    assert [[c.id for c in b.conflicts] for b in rows] == [[], ["reunion"], ["cours"], []]


def test_directions_links() -> None:
    assert directions("12 rue des Lilas, 69003 Lyon", "5 place Bellecour & co, Lyon") == (
        "https://www.openstreetmap.org/directions?"
        "from=12%20rue%20des%20Lilas%2C%2069003%20Lyon&to=5%20place%20Bellecour%20%26%20co%2C%20Lyon"
    )
    settings = MINIMAL_SETTINGS.replace(
        "claire: {name: Claire Roux}",
        'claire: {name: Claire Roux, start_address: "3 rue Neuve\\n69001 Lyon"}',
    )
    company = "name: Client\nkind: client\naddress: {street: 9 quai Perrache, postcode: '69002', city: Lyon}\n"
    book = book_from_yaml(
        {
            "data/companies/client.yaml": company,
            "data/interactions/visite.yaml": _booking(
                "Visite", "2026-06-02T09:00", "2026-06-02T10:00", "claire", company="client"
            ),
            "data/interactions/salon.yaml": _booking(
                "Salon",
                "2026-06-02T14:00",
                "2026-06-02T18:00",
                "claire",
                location="Eurexpo, 69680 Chassieu",
            ),
            "data/interactions/appel.yaml": _booking(
                "Appel", "2026-06-02T11:00", "2026-06-02T11:30", "claire"
            ),
            "data/interactions/autre.yaml": _booking(
                "Autre", "2026-06-02T12:00", "2026-06-02T13:00", company="client"
            ),
        },
        settings=settings,
    )
    visit = book.interactions["visite"].record
    assert interaction_itinerary(book, visit) == directions(
        "3 rue Neuve, 69001 Lyon", "9 quai Perrache, 69002 Lyon"
    )
    assert interaction_itinerary(book, book.interactions["appel"].record) is None
    # Benoît has no start address: he starts from the firm's
    assert interaction_itinerary(book, book.interactions["autre"].record) == directions(
        "1 rue de la Paix, 75002 Paris", "9 quai Perrache, 69002 Lyon"
    )
    day = [(book.interactions[k], book.occurrences[k][0]) for k in book.interactions]
    legs = day_legs(book, "claire", day)
    assert [leg["url"] for leg in legs] == [
        directions("3 rue Neuve, 69001 Lyon", "9 quai Perrache, 69002 Lyon"),
        directions("9 quai Perrache, 69002 Lyon", "Eurexpo, 69680 Chassieu"),
    ]


def test_resources_pages_on_the_example_site(site: Path) -> None:
    listing = (site / "ressources" / "index.html").read_text(encoding="utf-8")
    for name in ("Local 321", "Salle de réunion Fourvière", "Utilitaire Kangoo"):
        assert name in listing
    room = (site / "ressources" / "local-321" / "index.html").read_text(encoding="utf-8")
    assert "Formation WordPress / Séances du mardi et du jeudi" in room
    assert "Aucun conflit" in room
    assert "mardi 1er décembre 2026" in room and "mardi 8 décembre 2026" not in room  # except:
    assert "jeudi 10 décembre 2026" in room  # UNTIL=20261210 includes its day
    agenda = (site / "agenda" / "index.html").read_text(encoding="utf-8")
    assert 'href="../agendas/karim/"' in agenda and 'href="../ressources/utilitaire/"' in agenda


def test_itineraries_on_the_example_site(site: Path) -> None:
    karim = "from=8%20rue%20Francis%20de%20Pressens%C3%A9%2C%2069100%20Villeurbanne"
    garage = "to=58%20boulevard%20des%20Brotteaux%2C%2069006%20Lyon"
    card = (site / "societes" / "garage-des-brotteaux" / "index.html").read_text(encoding="utf-8")
    assert f"https://www.openstreetmap.org/directions?{karim}&amp;{garage}" in card
    project = (site / "projets" / "site-garage-brotteaux" / "index.html").read_text(
        encoding="utf-8"
    )
    assert f"{karim}&amp;{garage}" in project  # Karim starts from elsewhere than the firm
    agenda = (site / "agendas" / "karim" / "index.html").read_text(encoding="utf-8")
    day = agenda.split("vendredi 4 décembre 2026", 1)[1].split("<h4", 1)[0]
    assert "Itinéraire du jour" in day and f"{karim}&amp;{garage}" in day
    # links only: no map, tile or script is loaded from OpenStreetMap
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for found in re.finditer(r"openstreetmap", text):
            assert text[: found.start()].rstrip().endswith('href="https://www.'), page
