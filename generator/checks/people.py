"""Who opens an extranet, and who proposes changes: ``extranet.people`` and
``extranet.proposals``.

Each person is a known contact (or a name), listed once: their id names their secret
(``<project>/<person>``) and signs their proposals. Proposals need people: a proposal
is signed by one person with their own key.
"""

from __future__ import annotations

from generator.book.book import Book
from generator.checks.base import at, label
from generator.problems import Problem, did_you_mean


def check_extranet_people(book: Book) -> list[Problem]:
    """Unknown contacts, people listed twice, proposals without people."""
    problems: list[Problem] = []
    contacts = book.ids.get("contact", frozenset())
    for entry in book.of("project"):
        extranet = entry.record.extranet
        if extranet is None:
            continue
        seen: set[str] = set()
        for i, person in enumerate(extranet.people):
            if person.contact and person.contact not in contacts:
                problems.append(
                    at(
                        book,
                        entry.path,
                        ("extranet", "people", i, "contact"),
                        "ref-unknown",
                        target=label("contact", book.lang),
                        kind="contact",
                        id=person.contact,
                        suggestion=did_you_mean(person.contact, contacts, book.lang),
                    )
                )
            if person.key in seen:
                problems.append(
                    at(
                        book,
                        entry.path,
                        ("extranet", "people", i),
                        "extranet-person-duplicate",
                        person=person.key,
                    )
                )
            seen.add(person.key)
        if extranet.proposals and not extranet.people:
            problems.append(
                at(book, entry.path, ("extranet", "proposals"), "extranet-proposals-without-people")
            )
    return problems
