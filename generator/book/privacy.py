"""Private projects: what of the Book everyone may read, and what only members may.

A project with ``public: false`` belongs to its members. :func:`without_private` is the
Book the plain internal site is built from: those projects and their interactions left
out (a stock movement or a renewal pointing at one of them loses that link), so that no
page, list, board, agenda, feed, search entry or dashboard names them. Pipeline totals
stay those of the whole business when ``settings.private_totals`` is true; otherwise
they are computed without the private amounts (the pages say « hors projets privés »).
:func:`members_view` is the Book one user may read: the public one and the private
projects they are a member of (``carnet build --as USER``).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.book.book import KINDS, Book, build_book
from generator.book.records import Entry, Records


def private_projects(book: Book) -> tuple[str, ...]:
    """The ids of the non-public projects, sorted."""
    return tuple(sorted(key for key, e in book.projects.items() if not e.record.public))


def members_of(book: Book, project_id: str) -> tuple[str, ...]:
    """The users who are members of ``project_id`` (known users only)."""
    users = book.settings.users
    project = book.projects[project_id].record
    return tuple(dict.fromkeys(m.user for m in project.members if m.user in users))


def projects_of(book: Book, user: str) -> tuple[str, ...]:
    """The private projects ``user`` is a member of."""
    return tuple(p for p in private_projects(book) if user in members_of(book, p))


def hidden_paths(book: Book, keep: Iterable[str] = ()) -> frozenset[str]:
    """The files of the private projects (but ``keep``) and of their interactions."""
    hidden = set(private_projects(book)) - set(keep)
    paths = {book.projects[p].path for p in hidden}
    for project_id in hidden:
        paths.update(
            book.interactions[i].path for i in book.interactions_by_project.get(project_id, ())
        )
    return frozenset(paths)


def without_private(book: Book, keep: Iterable[str] = ()) -> Book:
    """The Book without the non-public projects (but those of ``keep``) and their
    interactions; the Book itself when there is nothing to leave out."""
    records = public_records(book, keep)
    if records is None:
        return book
    totals = book.pipeline_totals if book.settings.private_totals else None
    return build_book(records, book.today, base=book, pipeline_totals=totals)


def public_records(book: Book, keep: Iterable[str] = ()) -> Records | None:
    """The records of :func:`without_private` (``None`` when nothing is left out)."""
    hidden_projects = set(private_projects(book)) - set(keep)
    if not hidden_projects:
        return None
    hidden = {i for p in hidden_projects for i in book.interactions_by_project.get(p, ())}
    records = Records(settings=book.settings, lang=book.lang)
    for kind in KINDS:
        kept: dict[str, Entry] = {}
        for key, entry in book.by_kind(kind).items():
            if kind == "project" and key in hidden_projects:
                continue
            if kind == "interaction" and key in hidden:
                continue
            kept[key] = _unlinked(entry, hidden)
        records.by_kind[kind] = kept
        records.ids[kind] = set(kept)
        records.paths.update(e.path for e in kept.values())
    return records


def members_view(book: Book, user: str) -> Book:
    """The Book ``user`` may read: public projects and the private ones they belong to."""
    return without_private(book, keep=projects_of(book, user))


def _unlinked(entry: Entry, hidden: set[str]) -> Entry:
    """``entry`` without its links to left-out interactions."""
    r = entry.record
    update: dict[str, object] = {}
    if entry.kind == "movement" and getattr(r, "origin", None) in hidden:
        update["origin"] = None
    if entry.kind == "interaction" and getattr(r, "renews", None) in hidden:
        update["renews"] = None
    if not update:
        return entry
    return Entry(entry.kind, entry.id, entry.path, r.model_copy(update=update), entry.faulty)
