"""The sealed « Projets privés » sections of the internal site's plain pages.

The projects list, each pipeline's board and list, the agenda and the dashboard show
a private project's lines only to its members: for each (page, private project) with
lines on that page, one **sealed fragment** (the lines as HTML, each linking into the
project's sealed area) encrypted with the project key by the area itself
(``Area.seal`` of :mod:`generator.extranet.private`, injected: the site never imports
the extranet), bound to the page (AES-GCM associated data
``carnet-private/section/<page>``). A page carries its fragments as opaque blobs in
one ``carnet-private`` element, in a fixed order that says nothing of the projects
(sorted by ciphertext); ``carnet-private.js`` decrypts those that the keys a member
unlocked open. Nothing else of the project reaches the page: no name, no count but
the number and sizes of the blobs.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cache, partial
from typing import Any

from generator import locale as fmt
from generator.book.book import Book
from generator.site import boards, views
from generator.site.urls import record_page, url_of
from generator.templating import render

PROJECTS = "projets/index.md"
CHANGES = "modifications.md"
RECENT_DAYS = 30
"""« Modifications récentes » shows the changes of the last 30 days (as the plain page)."""
Row = dict[str, Any]


def section_aad(page: str) -> bytes:
    """Associated data of a sealed fragment: the Markdown path of its page."""
    return f"carnet-private/section/{page}".encode()


def sealed_sections(
    book: Book, areas: Iterable[Any], kdf: str, lang: str = "fr", history: Any = None
) -> dict[str, str]:
    """The HTML to add to each plain page that has private lines: its sealed fragments
    (``areas``: the :class:`generator.extranet.private.Area` of each private project;
    ``book``: the whole Book; ``kdf``: ``salt:iterations`` of the members' own keys;
    ``history``: the whole git history, for « Modifications récentes »)."""
    areas = list(areas)
    by_project = {a.project: a for a in areas}
    fragments: dict[str, list[str]] = defaultdict(list)
    pages = _pages(book, set(by_project), lang)
    if history is not None:
        pages[CHANGES] = _recent_changes(book, set(by_project), history)
    for page, rows_of in pages.items():
        for project_id, rows in sorted(rows_of.items()):
            area = by_project[project_id]
            html = _fragment(book, page, area, rows, lang)
            blob = area.seal(html.encode(), section_aad(page))
            fragments[page].append(base64.b64encode(blob).decode("ascii"))
    root = {page: "../" * url_of(page).count("/") for page in fragments}
    return {
        page: (
            f'<div class="carnet-private" data-carnet-kdf="{kdf}" data-carnet-page="{page}" '
            f'data-carnet-root="{root[page]}" hidden>'
            + "".join(f'<div data-carnet-sealed="{blob}"></div>' for blob in sorted(blobs))
            + "</div>\n"
        )
        for page, blobs in fragments.items()
    }


def landing_block(kdf: str, root: str = "../") -> str:
    """The unlock control and private search of « Projets privés » (no fragment)."""
    return (
        f'<div class="carnet-private" data-carnet-kdf="{kdf}" data-carnet-page="" '
        f'data-carnet-root="{root}" data-carnet-search="1" hidden></div>\n'
    )


def _pages(book: Book, private: set[str], lang: str) -> dict[str, dict[str, list[Row]]]:
    """For each page, the private projects' entries it would show, by project."""
    pages: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))

    def add(page: str, entry: Any, **extra: Any) -> None:
        project = getattr(entry.record, "project", None)
        if project in private:
            pages[page][project].append({"entry": entry, **extra})

    for project_id in private:
        pages[PROJECTS][project_id].append({"entry": book.projects[project_id]})
    grouped = cache(partial(boards.by_pipeline, book))
    for kind in book.settings.pipelines:
        for entry in boards.interaction_list(book, kind, grouped)["rows"]:
            add(f"interactions/{kind}.md", entry)
        for _stage, cards in boards.board(book, kind, grouped)["columns"]:
            for entry in cards:
                add(f"pipelines/{kind}.md", entry)
    for week in views.agenda(book)["weeks"]:
        for day, items in week["days"]:
            for entry, moment in items:
                add("agenda.md", entry, day=day, moment=moment)
    for project_id in private:
        for key in book.interactions_by_project.get(project_id, ()):
            item = views.action(book, book.interactions[key], lang)
            if item is not None and item["day"] <= book.today + timedelta(days=views.WINDOW):
                add("index.md", item["entry"], day=item["day"], step=item["step"])
    return pages


def _recent_changes(book: Book, private: set[str], history: Any) -> dict[str, list[Row]]:
    """The changes of the last days to each private project's files (its own record and
    its interactions'), newest first, by project; a project without any is left out."""
    owner = {book.projects[p].path: (p, book.projects[p]) for p in private}
    for project_id in private:
        for key in book.interactions_by_project.get(project_id, ()):
            entry = book.interactions[key]
            owner[entry.path] = (project_id, entry)
    found: dict[str, list[Row]] = defaultdict(list)
    for change in history.since(book.today - timedelta(days=RECENT_DAYS)):
        project_id, entry = owner.get(change.path, (None, None))
        if project_id is not None and len(found[project_id]) < 300:
            found[project_id].append({"change": change, "entry": entry})
    return found


def _fragment(book: Book, page: str, area: Any, rows: list[Row], lang: str) -> str:
    """One project's lines on ``page``, as HTML linking into its area."""
    up = "../" * url_of(page).count("/") + area.folder + "/"
    inside = area.links

    def href(entry: Any) -> str:
        return up + inside.get(entry.id, "index.html")

    company: Callable[[str | None], str] = lambda key: (  # noqa: E731
        book.companies[key].record.name if key in book.companies else ""
    )
    users = book.settings.users
    return render(
        "private_section.html.j2",
        lang,
        "extranet",
        page=page.split("/")[0].removesuffix(".md"),
        project=book.projects[area.project].record,
        margin=book.project_margins.get(area.project),
        home=up + "index.html",
        today=book.today,
        rows=sorted(rows, key=lambda r: (r["day"], r["entry"].id)) if page == "index.md" else rows,
        href=href,
        company=company,
        company_href=lambda key: (
            "../" * url_of(page).count("/") + url_of(record_page("company", key))
            if key in book.companies
            else ""
        ),
        user=lambda key: users[key].name if key in users else (key or ""),
        money=lambda v: fmt.money(v, lang),
        short=lambda d: fmt.short_date(d, lang),
    )


def private_sections(sealer: Any, history: Any = None) -> dict[str, str]:
    """The sealed fragments to add to the plain pages, and the unlock control of
    « Projets privés », by Markdown path (``sealer``: the
    :class:`generator.extranet.private.PrivateSeal` of this build; ``history``: the
    whole git history, for the private projects' recent changes)."""
    from generator.site.private import LANDING

    kdf = sealer.kdf()
    found = sealed_sections(sealer.book, sealer.areas.values(), kdf, sealer.lang, history)
    found[LANDING] = landing_block(kdf)
    return found
