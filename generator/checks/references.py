"""Every reference points at an existing record, user or resource."""

from __future__ import annotations

from collections.abc import Iterable

from generator.book.book import Book, Entry
from generator.checks.base import at, label
from generator.checks.memo import CheckMemo
from generator.problems import Loc, Problem, did_you_mean


def _candidates(book: Book, target: str) -> set[str] | None:
    """Known ids for ``target``; None when they cannot be known (settings unusable)."""
    settings = book.settings
    if target in ("user", "resource"):
        if settings is None:
            return None  # the settings' own problem is reported; no cascade
        return set(settings.users) if target == "user" else set(settings.resources)
    return book.ids.get(target, frozenset())


def _refs(entry: Entry) -> Iterable[tuple[Loc, str, str | None]]:
    """(loc, target kind, id) of every reference a record holds."""
    r = entry.record
    if entry.kind == "contact":
        yield ("company",), "company", r.company
    elif entry.kind == "project":
        for i, m in enumerate(r.members):
            yield ("members", i, "user"), "user", m.user
        for i, link in enumerate(r.companies):
            yield ("companies", i, "id"), "company", link.id
        for i, link in enumerate(r.contacts):
            yield ("contacts", i, "id"), "contact", link.id
    elif entry.kind == "interaction":
        yield ("user",), "user", r.user
        yield ("contact",), "contact", r.contact
        yield ("company",), "company", r.company
        yield ("project",), "project", r.project
        for i, res in enumerate(r.resources):
            yield ("resources", i), "resource", res
        doc = r.document
        if doc is not None:
            yield ("document", "from"), "interaction", doc.from_
            yield ("document", "order"), "interaction", doc.order
            yield ("document", "corrects"), "interaction", doc.corrects
            for i, line in enumerate(doc.lines):
                yield ("document", "lines", i, "product"), "product", line.product
    elif entry.kind == "product":
        yield ("supplier",), "company", r.supplier
    elif entry.kind == "movement":
        yield ("origin",), "interaction", r.origin
        for i, line in enumerate(r.lines):
            yield ("lines", i, "product"), "product", line.product


def check_references(book: Book, memo: CheckMemo | None = None) -> list[Problem]:
    """Unknown ids, users and resources, each with a did-you-mean hint (``memo``: see
    :mod:`generator.checks.memo`; a record's problems depend on it and on the ids known)."""
    cache: dict[str, set[str] | frozenset[str] | None] = {}

    def problems_of(entry: Entry) -> list[Problem]:
        problems: list[Problem] = []
        for loc, target, value in _refs(entry):
            if value is None:
                continue
            if target not in cache:
                cache[target] = _candidates(book, target)
            known = cache[target]
            if known is None or value in known:
                continue
            problems.append(
                at(
                    book,
                    entry.path,
                    loc,
                    "ref-unknown",
                    target=label(target, book.lang),
                    kind=target,
                    id=value,
                    suggestion=did_you_mean(value, known, book.lang),
                )
            )
        return problems

    kinds = ("contact", "project", "interaction", "product", "movement")
    entries = (entry for kind in kinds for entry in book.of(kind))
    if memo is None:
        return [problem for entry in entries for problem in problems_of(entry)]
    settings = book.settings
    context = (
        book.lang,
        dict(book.ids),
        None if settings is None else (frozenset(settings.users), frozenset(settings.resources)),
    )
    return memo.per_record("references", context, entries, problems_of)


def check_contact_company(book: Book) -> list[Problem]:
    """An interaction's contact works for the interaction's company (warning)."""
    problems: list[Problem] = []
    for entry in book.of("interaction"):
        r = entry.record
        if not (r.contact and r.company):
            continue
        contact = book.get("contact", r.contact)
        if contact is None or contact.company is None or contact.company == r.company:
            continue
        problems.append(
            at(
                book,
                entry.path,
                ("contact",),
                "contact-company-mismatch",
                contact=r.contact,
                contact_company=contact.company,
                company=r.company,
            )
        )
    return problems
