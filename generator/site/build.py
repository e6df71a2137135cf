"""``carnet build``: Book → Markdown pages → MkDocs (Material) site.

The Markdown and the generated ``mkdocs.yml`` are staged under
``DIR/build/.carnet-site/<key>/``; only pages whose text changed are rewritten, so that
MkDocs (run dirty) re-renders only them. A change of configuration, templates or
Carnet itself triggers a clean build.

The staging folder and the site folder are Carnet's own output, never trusted when they
come with the repository: no link in them is followed (:mod:`generator.files.output`),
and when git tracks a file in either, the staging folder is wiped and the site built
clean.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator import Progress
from generator.book.book import Book
from generator.documents.batch import causes, site_pdfs
from generator.files.cache import code_digest
from generator.files.output import (
    BUILD,
    is_plain_file,
    read_state,
    remove,
    staging_folder,
)
from generator.files.yamlio import atomic_write
from generator.history.git import tracked_under
from generator.problems import Refused
from generator.site.attachments import sync_attachments
from generator.site.config import (
    SiteConfig,
    SiteConfigError,
    mkdocs_settings,
    read_site_config,
)
from generator.site.depends import keep_cards, kept_cards
from generator.site.documents import sync_pdfs
from generator.site.feeds import sync_feeds
from generator.site.kept import KeptRows, StageMemo, read_memo, write_memo
from generator.site.pages import EventCards, nav, plan, render_page
from generator.site.private import LANDING, landing_page
from generator.site.publish import (
    MARKER,
    SiteReport,
    StagedSite,
    publish_site,
    search_index_path,
)
from generator.site.resources import AGENDAS
from generator.site.urls import SECTIONS
from generator.templating import template_files, templates_dir

STATE_VERSION = 1
PAGE_FOLDERS = ("pipelines", "interactions", "documents", "factures", "ressources", "agendas")
"""Folders of pages besides the records'."""
STAGING = ".carnet-site"
"""The folder under ``build/`` where the Markdown of each site is kept between builds."""


def staging_dir(repo: Path, out: Path) -> Path:
    """Where the Markdown of the site built into ``out`` is kept between builds: a real
    folder, rid of every link it held (:func:`~generator.files.output.staging_folder`)."""
    key = hashlib.blake2b(str(out.resolve()).encode(), digest_size=6).hexdigest()
    return staging_folder(repo, STAGING, key)


def _brought_by_git(repo: Path, *folders: Path) -> bool:
    """Does git track a file in one of ``folders`` (those inside the repository)? Such
    a folder came with the repository: nothing in it is Carnet's own output."""
    tracked = tracked_under(repo, (BUILD,))
    if not tracked:
        return False
    root = os.path.realpath(repo)
    for folder in folders:
        rel = os.path.relpath(os.path.realpath(folder), root)
        if rel != ".." and not rel.startswith("../"):
            prefix = rel.replace(os.sep, "/") + "/"
            if any(path.startswith(prefix) for path in tracked):
                return True
    return False


def base_config(repo: Path) -> Path:
    """The repository's ``mkdocs.yml``, else the one shipped with Carnet."""
    own = repo / "mkdocs.yml"
    return own if own.is_file() else templates_dir() / "mkdocs.base.yml"


def build_site(
    repo: Path,
    book: Book,
    out: Path,
    *,
    history: Any = None,
    lang: str = "fr",
    strict: bool = False,
    force_clean: bool = False,
    digests: dict[str, bytes] | None = None,
    site_config: SiteConfig | None = None,
) -> SiteReport:
    """Write the internal site of ``book`` into ``out``."""
    staged = stage_site(
        repo,
        book,
        out,
        history=history,
        lang=lang,
        force_clean=force_clean,
        digests=digests,
        site_config=site_config,
    )
    return publish_site(staged, strict=strict)


def stage_site(
    repo: Path,
    book: Book,
    out: Path,
    *,
    history: Any = None,
    lang: str = "fr",
    force_clean: bool = False,
    digests: dict[str, bytes] | None = None,
    site_config: SiteConfig | None = None,
    past: bool = False,
    progress: Progress | None = None,
    private_areas: tuple[str, ...] | None = None,
    private_sections: Mapping[str, str] | None = None,
    memo: StageMemo | None = None,
    index_held: bool = False,
) -> StagedSite:
    """Render the pages that changed into the staging folder, one at a time, and have the
    documents module make the PDFs the pages link (missing or stale ones only).

    ``site_config`` is the checked ``mkdocs.yml`` (read here when not given); a
    configuration with problems raises :class:`SiteConfigError` before anything is written.
    ``past``: the Book is the data at another revision (``--at``): its PDFs are kept in
    the staging folder, never mixed with ``build/documents/``. ``progress`` hears of the
    pages rendered and of the PDFs (:data:`generator.Progress`). ``private_areas``: the
    folders of the sealed areas of private projects, listed on the « Projets privés »
    page (:mod:`generator.site.private`); None: no such page. ``private_sections``: the
    HTML (sealed fragments) added at the end of some pages, by Markdown path. ``memo``
    (``carnet serve``): what the previous staging made, reused where its inputs are
    unchanged (:mod:`generator.site.kept`); ``index_held``: it also holds the search
    index, not written since (its missing file is not a loss to build again).
    """
    sections = private_sections or {}
    if site_config is None:
        site_config = read_site_config(repo, lang=lang)
    if site_config.problems:
        raise SiteConfigError(list(site_config.problems))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise Refused("site-out-not-carnet", file=out)
    stage = staging_dir(repo, out)
    if _brought_by_git(repo, stage, out):
        remove(stage)
        stage = staging_dir(repo, out)
        force_clean = True
    kept_here = memo is None and digests is not None and not past
    if kept_here:  # a one-shot build: what the previous one kept in the staging folder
        memo = read_memo(stage)
    docs = stage / "docs"
    config_path = stage / "mkdocs.yml"
    config_text = _config_text(site_config, book, out, docs, lang, private_areas is not None)
    key = _site_key(config_text, repo, digests or {})
    previous = read_state(stage / "state.json")
    known_keys: dict[str, str] = previous.get("page_keys", {}) if previous.get("key") == key else {}
    cards = EventCards(book, lang)
    used_rows: set[tuple[str, str, str]] = set()
    row_inputs: dict[str, str] = {}
    pages: list[str] = []
    page_keys: dict[str, str] = {}
    changed: list[str] = []
    site_url = site_config.settings.get("site_url")
    known_cards = kept_cards(book, memo.cards) if memo is not None else {}
    specs = list(
        plan(book, history, lang, digests, key, site_url=site_url, card_inputs=known_cards)
    )
    if memo is not None:
        keep_cards(book, memo.cards, known_cards)
    for done, spec in enumerate(specs):
        if progress is not None and done % 16 == 0:
            progress("pages", done, len(specs))
        pages.append(spec.path)
        if spec.key is not None:
            page_keys[spec.path] = spec.key
            if known_keys.get(spec.path) == spec.key and (docs / spec.path).is_file():
                continue  # unchanged: its Markdown stays as written
        rows = None
        if memo is not None and digests is not None:
            rows = KeptRows(book, spec.path, digests, lang, memo.rows, key)
            rows.used, rows.inputs = used_rows, row_inputs
        text = render_page(spec, book, lang, cards, rows)
        if spec.path in sections:
            text += "\n" + sections[spec.path]
        if _write_page(docs / spec.path, text):
            changed.append(spec.path)
    if private_areas is not None:
        pages.append(LANDING)
        landing = landing_page(private_areas, lang)
        if LANDING in sections:
            landing += "\n" + sections[LANDING]
        if _write_page(docs / LANDING, landing):
            changed.append(LANDING)
    planned = set(pages)
    if memo is None or memo.pages != planned:  # else the previous staging left none
        _remove_stale_pages(docs, planned)
    if memo is not None:
        memo.pages = planned
        for gone in memo.rows.keys() - used_rows:
            del memo.rows[gone]
    _sync_assets(docs)
    sync_feeds(
        book,
        docs,
        out,
        history,
        site_url,
        digests=digests if memo is not None else None,
        memo=memo.events if memo is not None else None,
    )
    if progress is not None:
        progress("pdfs", 0, None)
    pdfs, failed = site_pdfs(
        repo,
        book,
        out=stage / "documents" if past else None,
        memo=memo.documents if memo is not None else None,
        digests=digests if memo is not None else None,
    )
    missing_pdfs = sync_pdfs(book, pdfs, docs)
    if kept_here:
        assert memo is not None
        write_memo(stage, memo)
    sync_attachments(book, repo, docs, out)
    atomic_write(config_path, config_text)
    lost_index = (
        previous.get("indexed") and not index_held and not is_plain_file(search_index_path(out))
    )
    clean = force_clean or previous.get("key") != key or not out.is_dir() or bool(lost_index)
    known = set(pages)
    removed = tuple(p for p in previous.get("pages", []) if p not in known)
    return StagedSite(
        out,
        stage,
        config_path,
        key,
        tuple(pages),
        page_keys,
        len(changed),
        removed,
        clean,
        tuple(missing_pdfs),
        site_config,
        tuple(causes(failed)),
        tuple(changed),
    )


def _write_page(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it; whether it was written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


def _remove_stale_pages(docs: Path, pages: set[str]) -> None:
    """Delete the Markdown of pages that no longer exist."""
    for folder in ("", *SECTIONS.values(), *PAGE_FOLDERS):
        base = docs / folder
        if base.is_dir():
            for path in base.glob("*.md"):
                if path.relative_to(docs).as_posix() not in pages:
                    path.unlink()


def _sync_assets(docs: Path) -> None:
    source = templates_dir() / "site" / "assets"
    for path in source.iterdir():
        target = docs / "assets" / path.name
        data = path.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            atomic_write(target, data)


def _config_text(
    site_config: SiteConfig, book: Book, out: Path, docs: Path, lang: str, private: bool = False
) -> str:
    """The generated ``mkdocs.yml`` (JSON is valid YAML): the checked settings of the
    repository's file (or, trusted, that file itself) and the build's pages and paths
    (``private``: with the « Projets privés » page)."""
    private_nav = [{("Private projects" if lang.startswith("en") else "Projets privés"): LANDING}]
    config = {
        **mkdocs_settings(site_config),
        # MkDocs' themes print site_name and titles unescaped: data is escaped here
        "site_name": html.escape(f"{book.settings.firm.name} — Carnet"),
        # relative to the generated file (beside docs/): MkDocs and Zensical read them so
        "docs_dir": docs.name,
        "site_dir": os.path.relpath(out.resolve(), docs.resolve().parent),
        "use_directory_urls": True,
        "nav": nav(book, lang) + (private_nav if private else []),
        "not_in_nav": "\n".join(f"/{folder}/*.md" for folder in (*SECTIONS.values(), AGENDAS)),
        "extra_css": ["assets/carnet.css"],
        "extra_javascript": ["assets/carnet.js", "assets/carnet-record.js"]
        + (["assets/carnet-private.js"] if private else []),
    }
    return json.dumps(config, ensure_ascii=False, indent=1) + "\n"


def _site_key(config_text: str, repo: Path, digests: dict[str, bytes]) -> str:
    """What every page depends on: config, settings, templates, Carnet, MkDocs."""
    import material
    import mkdocs

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{STATE_VERSION}{mkdocs.__version__}{material.__version__}{code_digest()}".encode())
    h.update(config_text.encode())
    h.update(base_config(repo).read_bytes())
    h.update(digests.get("data/settings.yaml", b""))
    for path in template_files():
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()
