"""The pages of the internal site: which Markdown files, from which template and data.

Everything a template shows is prepared here from the Book (and the git history); the
templates only lay it out.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from generator.book import Book
from generator.site import views
from generator.site.render import render
from generator.site.urls import SECTIONS, asset, record_page, relative

LIST_PAGES = {
    "company": ("societes/index.md", "Sociétés", "Companies"),
    "contact": ("contacts/index.md", "Contacts", "Contacts"),
    "project": ("projets/index.md", "Projets", "Projects"),
    "product": ("produits/index.md", "Produits", "Products"),
}


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to write: its Markdown path, template and context."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


class Links:
    """Relative links from one page, given to its template as ``links``."""

    def __init__(self, page: str, book: Book) -> None:
        self.page = page
        self.book = book

    def to(self, path: str, anchor: str = "") -> str:
        """Href to another page of the site."""
        return relative(self.page, path, anchor)

    def record(self, kind: str, record_id: str | None, anchor: str = "") -> str:
        """Href to a record's page (empty when the record has none)."""
        if not record_id or kind not in SECTIONS:
            return ""
        if record_id not in self.book.by_kind(kind):
            return ""
        return relative(self.page, record_page(kind, record_id), anchor)

    def asset(self, path: str) -> str:
        """Href to a static asset."""
        return asset(self.page, path)


def plan(book: Book, history: Any = None, lang: str = "fr") -> Iterator[PageSpec]:
    """Every page of the site, dashboard first."""
    en = lang.startswith("en")
    yield PageSpec(
        "index.md",
        "dashboard.md.j2",
        "Dashboard" if en else "Tableau de bord",
        views.dashboard(book, lang),
    )
    yield PageSpec(
        "pipelines/index.md", "pipelines.md.j2", "Pipelines", {"pipelines": views.pipelines(book)}
    )
    for key, pipeline in book.settings.pipelines.items():
        yield PageSpec(f"pipelines/{key}.md", "board.md.j2", pipeline.label, views.board(book, key))
        yield PageSpec(
            f"interactions/{key}.md",
            "interactions.md.j2",
            pipeline.label,
            views.interaction_list(book, key),
        )
    for kind, (path, fr, english) in LIST_PAGES.items():
        yield PageSpec(
            path, f"list_{kind}.md.j2", english if en else fr, views.record_list(book, kind)
        )
    for kind in LIST_PAGES:
        for record_id, entry in book.by_kind(kind).items():
            changes = history.changes_of(entry.path) if history is not None else None
            yield PageSpec(
                record_page(kind, record_id),
                f"{kind}.md.j2",
                views.title_of(kind, entry.record),
                views.record_page(book, kind, record_id, changes),
            )
    yield PageSpec("agenda.md", "agenda.md.j2", "Agenda", views.agenda(book))
    since = book.today - timedelta(days=30)
    recent = history.since(since) if history is not None else None
    yield PageSpec(
        "modifications.md",
        "changes.md.j2",
        "Recent changes" if en else "Modifications récentes",
        {
            "changes": views.changes(book, recent),
            "since": since,
            "has_history": history is not None,
        },
    )


def render_page(spec: PageSpec, book: Book, lang: str) -> str:
    """The Markdown text of one page."""
    return render(
        spec.template,
        lang,
        title=spec.title,
        book=book,
        settings=book.settings,
        links=Links(spec.path, book),
        today=book.today,
        **spec.context,
    )


def nav(book: Book, lang: str = "fr") -> list[Any]:
    """The navigation: sections and index pages only (record pages are reached by links).

    MkDocs' themes print navigation titles unescaped: labels from the data are escaped here.
    """
    en = lang.startswith("en")
    pipelines = {key: html.escape(p.label) for key, p in book.settings.pipelines.items()}
    return [
        {("Dashboard" if en else "Tableau de bord"): "index.md"},
        {"Pipelines": ["pipelines/index.md", *(f"pipelines/{k}.md" for k in pipelines)]},
        {"Interactions": [{label: f"interactions/{k}.md"} for k, label in pipelines.items()]},
        *({(english if en else fr): path} for path, fr, english in LIST_PAGES.values()),
        {"Agenda": "agenda.md"},
        {("Recent changes" if en else "Modifications récentes"): "modifications.md"},
    ]


def week_start(day: date) -> date:
    """Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())
