"""Renewals: ``renews:`` names an existing interaction.

When a renewal is due is a view of the Book (:mod:`generator.book.renewals`), never a
problem: a date passing must not make ``validate --strict`` fail.
"""

from __future__ import annotations

from generator.book.book import Book
from generator.checks.base import at, label
from generator.problems import Problem, did_you_mean


def check_renewal_links(book: Book) -> list[Problem]:
    """Each ``renews:`` points at an interaction (did-you-mean hint otherwise)."""
    known = book.ids.get("interaction", frozenset())
    problems: list[Problem] = []
    for entry in book.of("interaction"):
        target = entry.record.renews
        if target is None or target in known:
            continue
        problems.append(
            at(
                book,
                entry.path,
                ("renews",),
                "ref-unknown",
                target=label("interaction", book.lang),
                id=target,
                suggestion=did_you_mean(target, known, book.lang),
            )
        )
    return problems
