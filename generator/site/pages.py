"""The pages of the internal site: which Markdown files, from which template and data.

Everything a template shows is prepared here from the Book (and the git history); the
templates only lay it out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, partial
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup

from generator.book.book import Book
from generator.site import (
    attachments,
    boards,
    campaigns,
    compliance,
    documents,
    itineraries,
    renewals,
    resources,
    views,
)
from generator.site.depends import page_key, people_key
from generator.site.feeds import feed_links
from generator.site.kept import plain_row
from generator.site.urls import SECTIONS, asset, record_page, relative
from generator.templating import render

LIST_PAGES = {
    "company": ("societes/index.md", "Sociétés", "Companies"),
    "contact": ("contacts/index.md", "Contacts", "Contacts"),
    "project": ("projets/index.md", "Projets", "Projects"),
    "product": ("produits/index.md", "Produits", "Products"),
}


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to write: its Markdown path, template and context.

    ``context`` is computed only when the page is rendered; ``key``, for record pages,
    digests everything the page shows, so that an unchanged page is not rendered again.
    """

    path: str
    template: str
    title: str
    context: Callable[[], dict[str, Any]] = dict
    key: str | None = None


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

    def attachments(self, record: Any) -> list[tuple[str, str]]:
        """(file name, href) of each file attached to the interaction ``record``."""
        return [
            (PurePosixPath(rel).name, asset(self.page, attachments.site_path(rel)))
            for rel in record.attached
        ]

    def itinerary(self, record: Any) -> str:
        """Directions from the user's start address to where the interaction ``record``
        happens (empty without an address)."""
        return itineraries.interaction_itinerary(self.book, record) or ""

    def project_itineraries(self, record: Any) -> list[tuple[str, str]]:
        """(who starts, directions) to the address of the project ``record``."""
        return itineraries.project_itineraries(self.book, record)

    def document(self, record_id: str) -> str:
        """Href to a document's page."""
        return relative(self.page, documents.document_page(record_id))

    def pdf(self, record_id: str) -> str:
        """Href to a document's PDF, copied into the site."""
        return asset(
            self.page, f"{documents.PDF_FOLDER}/{documents.pdf_name(self.book, record_id)}"
        )


def plan(
    book: Book,
    history: Any = None,
    lang: str = "fr",
    digests: Mapping[str, bytes] | None = None,
    global_key: str = "",
    *,
    site_url: str | None = None,
    card_inputs: dict[str, set[str]] | None = None,
) -> Iterator[PageSpec]:
    """Every page of the site, dashboard first (``site_url``: where the site is served,
    for the agenda's subscription links; ``card_inputs``: the inputs of interaction cards
    already known, by id, filled with the others as the record pages' keys need them)."""
    en = lang.startswith("en")
    yield PageSpec(
        "index.md",
        "dashboard.md.j2",
        "Dashboard" if en else "Tableau de bord",
        lambda: views.dashboard(book, lang),
    )
    yield PageSpec(
        "pipelines/index.md",
        "pipelines.md.j2",
        "Pipelines",
        lambda: {"pipelines": boards.pipelines(book)},
    )
    grouped = cache(partial(boards.by_pipeline, book))  # one pass for every board and list
    for key, pipeline in book.settings.pipelines.items():
        yield PageSpec(
            f"pipelines/{key}.md",
            "board.md.j2",
            pipeline.label,
            partial(boards.board, book, key, grouped),
        )
        yield PageSpec(
            f"interactions/{key}.md",
            "interactions.md.j2",
            pipeline.label,
            partial(boards.interaction_list, book, key, grouped),
        )
    people = people_key(book, digests, global_key) if digests else None
    cards = card_inputs if card_inputs is not None else {}  # a card is on up to three pages
    for kind, (path, fr, english) in LIST_PAGES.items():
        yield PageSpec(
            path,
            f"list_{kind}.md.j2",
            english if en else fr,
            partial(views.record_list, book, kind),
            people if kind == "contact" else None,
        )
    for kind in LIST_PAGES:
        dated = kind == "product" or (kind == "contact" and book.compliance.contacts)
        scope = f"{global_key}{book.today}" if dated else global_key
        for record_id, entry in book.by_kind(kind).items():
            changes = history.changes_of(entry.path) if history is not None else None
            context = partial(views.record_page, book, kind, record_id, changes)
            if kind == "contact":
                context = partial(_contact_page, book, record_id, history, changes)
            yield PageSpec(
                record_page(kind, record_id),
                f"{kind}.md.j2",
                views.title_of(kind, entry.record),
                context,
                page_key(book, kind, record_id, digests, scope, changes, cards)
                if digests
                else None,
            )
    yield PageSpec(
        documents.INVOICES_PAGE,
        "invoices.md.j2",
        "Invoices" if en else "Factures",
        lambda: documents.invoices(book, lang),
    )
    yield PageSpec(
        documents.OTHERS_PAGE,
        "documents.md.j2",
        "Quotes and orders" if en else "Devis et commandes",
        lambda: documents.other_documents(book, lang),
    )
    for path, title, context, key in documents.document_pages(book, lang, digests, global_key):
        yield PageSpec(path, "document.md.j2", title, context, key)
    yield PageSpec(
        "agenda.md",
        "agenda.md.j2",
        "Agenda",
        lambda: {
            **views.agenda(book),
            "feeds": feed_links(book, site_url),
            "filters": resources.agenda_filters(book),
        },
    )
    yield from _resource_pages(book, en)
    yield from campaigns.pages(book, lang, PageSpec, people)
    yield PageSpec(
        renewals.PAGE,
        "renewals.md.j2",
        "Renewals" if en else "Renouvellements",
        lambda: renewals.renewals_page(book, lang),
    )
    if book.settings.questionnaires:
        yield PageSpec(
            compliance.PAGE,
            "compliance.md.j2",
            "Compliance" if en else "Conformité",
            lambda: compliance.compliance_page(book),
        )
    since = book.today - timedelta(days=30)
    yield PageSpec(
        "modifications.md",
        "changes.md.j2",
        "Recent changes" if en else "Modifications récentes",
        lambda: {
            "changes": views.changes(book, history.since(since) if history is not None else None),
            "since": since,
            "has_history": history is not None,
        },
    )


def _contact_page(book: Book, record_id: str, history: Any, changes: Any) -> dict[str, Any]:
    """A contact's page: its record, timeline, and its client profile (advisers)."""
    return {
        **views.record_page(book, "contact", record_id, changes),
        **compliance.profile_view(book, record_id, history, changes),
    }


def _resource_pages(book: Book, en: bool) -> Iterator[PageSpec]:
    """The list of resources, a page per resource and an agenda per user."""
    booked = cache(lambda: resources.bookings(book))
    agenda = cache(lambda: views.agenda(book))
    yield PageSpec(
        resources.INDEX,
        "resources.md.j2",
        "Resources" if en else "Ressources",
        lambda: resources.resource_list(book, booked()),
    )
    for key, resource in book.settings.resources.items():
        yield PageSpec(
            resources.resource_page(key),
            "resource.md.j2",
            resource.name,
            lambda key=key: resources.resource_view(book, key, booked()),
        )
    for user_id, user in book.settings.users.items():
        yield PageSpec(
            resources.user_agenda_page(user_id),
            "user_agenda.md.j2",
            f"Agenda — {user.name}",
            lambda user_id=user_id: resources.user_agenda(book, user_id, agenda()),
        )


class EventCards:
    """Interaction cards, rendered once per build and reused on every page listing them.

    Record pages all sit two levels deep (``societes/x/``, ``contacts/y/``…), so a card's
    relative links are the same on each of them.
    """

    DEPTH_TWO_PAGE = "societes/_.md"

    def __init__(self, book: Book, lang: str) -> None:
        self.book = book
        self.lang = lang
        self.links = Links(self.DEPTH_TWO_PAGE, book)
        self.rendered: dict[str, Markup] = {}

    def __call__(self, entry: Any) -> Markup:
        html = self.rendered.get(entry.id)
        if html is None:
            html = Markup(
                render(
                    "_event.html.j2",
                    self.lang,
                    e=entry,
                    book=self.book,
                    settings=self.book.settings,
                    links=self.links,
                    cards=self,
                )
            )
            self.rendered[entry.id] = html
        return html


def render_page(
    spec: PageSpec,
    book: Book,
    lang: str,
    cards: EventCards | None = None,
    kept_row: Callable[..., Markup] | None = None,
) -> str:
    """The Markdown text of one page (``kept_row``: the rows of interaction lists and
    boards as ``carnet serve`` keeps them, :class:`generator.site.kept.KeptRows`)."""
    text = render(
        spec.template,
        lang,
        title=spec.title,
        book=book,
        settings=book.settings,
        links=Links(spec.path, book),
        today=book.today,
        cards=cards or EventCards(book, lang),
        kept_row=kept_row or plain_row,
        **spec.context(),
    )
    return readable_text(text)


_CELL_BOUNDARY = re.compile(r"</(td|th)>(?=<t[dh][ >])")


def readable_text(text: str) -> str:
    """The page with what a search index or a screen reader needs to read it as text:
    a field list reads « Nature : client · SIRET : … » (separators hidden on screen),
    table cells are apart. Indexers drop tags and join their texts, which made
    « NatureclientSIRET… »; every ``</dt>``, ``</dd>`` and ``</td>`` here comes from
    Carnet's own templates (data is escaped), so the tags are safe to match."""
    text = text.replace("</dt>", '<span class="carnet-sep"> : </span></dt>')
    text = text.replace("</dd>", '<span class="carnet-sep"> · </span></dd>')
    return _CELL_BOUNDARY.sub(r"</\1> ", text)


def nav(book: Book, lang: str = "fr") -> list[Any]:
    """The navigation: sections and index pages only (record pages are reached by links).

    Every entry carries its title: MkDocs reads a page's own title only when it renders
    that page, so a dirty build (and the 404 page) would show "None" for untitled ones.
    MkDocs' themes print navigation titles unescaped: labels from the data are escaped here.
    """
    en = lang.startswith("en")
    pipelines = {key: html.escape(p.label) for key, p in book.settings.pipelines.items()}
    return [
        {("Dashboard" if en else "Tableau de bord"): "index.md"},
        {
            "Pipelines": [
                {("Overview" if en else "Vue d'ensemble"): "pipelines/index.md"},
                *({label: f"pipelines/{k}.md"} for k, label in pipelines.items()),
            ]
        },
        {"Interactions": [{label: f"interactions/{k}.md"} for k, label in pipelines.items()]},
        *({(english if en else fr): path} for path, fr, english in LIST_PAGES.values()),
        {("Invoices" if en else "Factures"): documents.INVOICES_PAGE},
        {("Quotes and orders" if en else "Devis et commandes"): documents.OTHERS_PAGE},
        {"Agenda": "agenda.md"},
        {
            ("Resources" if en else "Ressources"): [
                {("Overview" if en else "Vue d'ensemble"): resources.INDEX},
                *(
                    {html.escape(resource.name): resources.resource_page(key)}
                    for key, resource in book.settings.resources.items()
                ),
            ]
        },
        {("Renewals" if en else "Renouvellements"): renewals.PAGE},
        {("Interest centres" if en else "Centres d'intérêt"): campaigns.INTERESTS_PAGE},
        {("Campaigns" if en else "Campagnes"): campaigns.CAMPAIGNS_PAGE},
        *(
            [{("Compliance" if en else "Conformité"): compliance.PAGE}]
            if book.settings.questionnaires
            else []
        ),
        {("Recent changes" if en else "Modifications récentes"): "modifications.md"},
    ]


def week_start(day: date) -> date:
    """Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())
