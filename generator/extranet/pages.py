"""The Markdown pages of one extranet, and their navigation.

A client reads: « Accueil » (the project, its people, what is under way), one page per
interaction kind of ``extranet.kinds`` labelled as its pipeline (« Projet »,
« Support »…) with every interaction as a card, « Documents » when files are shipped,
and « Nouveautés ». A kind with more than :data:`PAGE_LIMIT` interactions spread over
several years gets one page per year instead, newest first, so that no page grows
without bound. Every file name and anchor is opaque (:mod:`generator.extranet.names`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from generator.book.book import Book
from generator.book.records import Entry
from generator.documents.kinds import TITLES
from generator.extranet.attachments import Attachment
from generator.extranet.names import OpaqueNames, html_name
from generator.extranet.news import news
from generator.files.yamlio import atomic_write
from generator.templating import render

PAGE_LIMIT = 100
"""Above this many interactions of one kind over several years, one page per year."""
UNDER_WAY_LIMIT = 20
"""At most this many open interactions listed on the home page."""

Nav = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of interactions: one kind, or one kind in one year."""

    kind: str
    label: str
    title: str
    file: str
    entries: list[Entry]


def kind_label(book: Book, kind: str) -> str:
    """The pipeline's label of ``kind`` (« Support »), or the key itself."""
    pipeline = book.settings.pipelines.get(kind)
    return pipeline.label if pipeline is not None else kind


def nav_title(label: str) -> str:
    """A navigation title as MkDocs' theme expects it: HTML, so the label escaped (the
    theme writes nav titles into pages as they are)."""
    return str(escape(label))


def plan_listings(
    book: Book, kinds: list[str], names: OpaqueNames, limit: int = PAGE_LIMIT
) -> list[list[Listing]]:
    """The pages of each kind (newest interactions first), in ``kinds`` order.

    A kind with more than ``limit`` interactions over several years: one page a year.
    """
    planned: list[list[Listing]] = []
    for kind in kinds:
        label = kind_label(book, kind)
        entries = sorted(
            (e for e in book.interactions.values() if e.record.kind == kind),
            key=lambda e: (e.record.date, e.id),
            reverse=True,
        )
        years = sorted({e.record.date.year for e in entries}, reverse=True)
        if len(entries) <= limit or len(years) < 2:
            planned.append([Listing(kind, label, label, names.page(kind), entries)])
            continue
        planned.append(
            [
                Listing(
                    kind,
                    str(year),
                    f"{label} — {year}",
                    names.page(f"{kind}/{year}"),
                    [e for e in entries if e.record.date.year == year],
                )
                for year in years
            ]
        )
    return planned


def file_size(size: int) -> str:
    """``12 Ko``, ``1,4 Mo`` (French units)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} Ko"
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _kinds(book: Book, project_id: str) -> list[str]:
    project = book.projects[project_id].record
    return [k for k in (project.extranet.kinds if project.extranet else []) if k]


def _links(listings: list[list[Listing]], anchors: dict[str, str]) -> dict[str, str]:
    return {
        e.id: f"{html_name(page.file)}#{anchors[e.id]}"
        for pages in listings
        for page in pages
        for e in page.entries
    }


def record_links(book: Book, project_id: str, names: OpaqueNames) -> dict[str, str]:
    """Where :func:`write_pages` puts each interaction of the scoped ``book``
    (``p….html#e…``), for links from outside the extranet (``names`` derived from a
    secret, as the sealed areas of private projects have them)."""
    listings = plan_listings(book, _kinds(book, project_id), names)
    return _links(listings, {key: names.anchor(key) for key in book.interactions})


def write_pages(
    docs: Path,
    book: Book,
    project_id: str,
    files: dict[str, list[Attachment]],
    names: OpaqueNames,
    *,
    lang: str = "fr",
    history: Any = None,
    calendar: Attachment | None = None,
    proposals: dict[str, Any] | None = None,
) -> Nav:
    """Write every page of the scoped ``book`` into ``docs``; the MkDocs ``nav``
    (``calendar``: the project's sealed calendar feed, offered on the home page;
    ``proposals``: what people may propose, :func:`generator.extranet.proposals.proposal_form`)."""
    project = book.projects[project_id].record
    listings = plan_listings(book, _kinds(book, project_id), names)
    anchors = {key: names.anchor(key) for key in book.interactions}
    links = _links(listings, anchors)
    common: dict[str, Any] = {
        "book": book,
        "settings": book.settings,
        "size": file_size,
        "proposals": proposals,
    }

    def write(name: str, template: str, **context: Any) -> None:
        atomic_write(docs / name, render(template, lang, "extranet", **common, **context))

    nav: Nav = [{"Accueil": "index.md"}]
    for pages in listings:
        for page in pages:
            write(
                page.file,
                "kind.md.j2",
                page=page,
                anchors=anchors,
                files=files,
            )
        if len(pages) == 1:
            nav.append({nav_title(pages[0].label): pages[0].file})
        else:
            nav.append(
                {
                    nav_title(kind_label(book, pages[0].kind)): [
                        {nav_title(p.label): p.file} for p in pages
                    ]
                }
            )
    documents = None
    if files:
        documents = names.page("documents")
        shipped = sorted(
            (book.interactions[key] for key in files),
            key=lambda e: (e.record.date, e.id),
            reverse=True,
        )
        write(
            documents,
            "documents.md.j2",
            shipped=shipped,
            files=files,
            links=links,
            document_titles={k.value: fr for k, (fr, _en) in TITLES.items()},
        )
        nav.append({"Documents": documents})
    under_way = sorted(
        (e for e in book.interactions.values() if e.record.state != "done" and e.id in links),
        key=lambda e: (e.record.date, e.id),
    )
    write(
        "index.md",
        "index.md.j2",
        project=project,
        listings=listings,
        under_way=under_way[:UNDER_WAY_LIMIT],
        under_way_more=max(0, len(under_way) - UNDER_WAY_LIMIT),
        links=links,
        documents=html_name(documents) if documents else None,
        shipped=sum(len(v) for v in files.values()),
        html_name=html_name,
        calendar=calendar,
    )
    news_page = names.page("nouveautes")
    write(news_page, "news.md.j2", items=news(book, history))
    nav.append({"Nouveautés": news_page})
    return nav
