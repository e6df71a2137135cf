"""``carnet build``: Book → Markdown pages → MkDocs (Material) site.

The Markdown and the generated ``mkdocs.yml`` are staged under
``DIR/build/.carnet-site/<key>/``; only pages whose text changed are rewritten, so that
MkDocs (run dirty) re-renders only them. A change of configuration, templates or
Carnet itself triggers a clean build.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.book import Book
from generator.cache import code_digest
from generator.site.incremental import DropDirtyWarning, SearchCachePlugin
from generator.site.pages import EventCards, nav, plan, render_page
from generator.site.render import template_files
from generator.site.urls import SECTIONS, url_of
from generator.templates import templates_dir
from generator.yamlio import atomic_write

STATE_VERSION = 1
MARKER = ".carnet-site"
"""A file Carnet leaves in every site folder it writes, so that it never wipes another."""


class SiteError(Exception):
    """The site cannot be written where asked."""


@dataclass(frozen=True, slots=True)
class SiteReport:
    """What a build did."""

    out: Path
    pages: int
    written: int
    removed: int
    clean: bool
    warnings: tuple[str, ...]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def staging_dir(repo: Path, out: Path) -> Path:
    """Where the Markdown of the site built into ``out`` is kept between builds."""
    key = hashlib.blake2b(str(out.resolve()).encode(), digest_size=6).hexdigest()
    return repo / "build" / ".carnet-site" / key


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
) -> SiteReport:
    """Write the internal site of ``book`` into ``out``."""
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(
            f"{out} n'est pas vide et n'a pas été écrit par Carnet : choisissez un autre --out"
        )
    stage = staging_dir(repo, out)
    docs = stage / "docs"
    config_path = stage / "mkdocs.yml"
    config_text = _config_text(repo, book, out, docs, lang)
    state_path = stage / "state.json"
    key = _site_key(config_text, repo, digests or {})
    previous = _read_state(state_path)
    known_keys: dict[str, str] = previous.get("page_keys", {}) if previous.get("key") == key else {}
    cards = EventCards(book, lang)
    pages: dict[str, str | None] = {}
    page_keys: dict[str, str] = {}
    for spec in plan(book, history, lang, digests, key):
        if spec.key is not None:
            page_keys[spec.path] = spec.key
            if known_keys.get(spec.path) == spec.key and (docs / spec.path).is_file():
                pages[spec.path] = None  # unchanged: its Markdown stays as written
                continue
        pages[spec.path] = render_page(spec, book, lang, cards)
    written = _sync_pages(docs, pages)
    _sync_assets(docs)
    clean = force_clean or previous.get("key") != key or not out.is_dir()
    removed = [p for p in previous.get("pages", []) if p not in pages]
    if not clean:
        _remove_outputs(out, removed)
    atomic_write(config_path, config_text)
    warnings = _run_mkdocs(config_path, stage, set(map(url_of, pages)), clean, strict)
    (out / MARKER).write_text("Site écrit par carnet build : ce dossier peut être effacé.\n")
    state = {"key": key, "pages": sorted(pages), "page_keys": page_keys}
    atomic_write(state_path, json.dumps(state))
    return SiteReport(out, len(pages), written, len(removed), clean, tuple(warnings))


def _sync_pages(docs: Path, pages: dict[str, str | None]) -> int:
    """Write pages whose text changed (None: known unchanged); delete those gone."""
    written = 0
    for rel, text in pages.items():
        if text is None:
            continue
        path = docs / rel
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except FileNotFoundError:
            pass
        atomic_write(path, data)
        written += 1
    for folder in ("", *SECTIONS.values(), "pipelines", "interactions"):
        base = docs / folder
        if not base.is_dir():
            continue
        for path in base.glob("*.md"):
            rel = path.relative_to(docs).as_posix()
            if rel not in pages:
                path.unlink()
    return written


def _sync_assets(docs: Path) -> None:
    source = templates_dir() / "site" / "assets"
    for path in source.iterdir():
        target = docs / "assets" / path.name
        data = path.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            atomic_write(target, data)


def _remove_outputs(out: Path, removed: list[str]) -> None:
    """Delete the HTML of pages that disappeared (a dirty build would leave it)."""
    for rel in removed:
        folder = out / url_of(rel)
        target = folder / "index.html"
        target.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def _config_text(repo: Path, book: Book, out: Path, docs: Path, lang: str) -> str:
    """The generated ``mkdocs.yml`` (JSON is valid YAML)."""
    config = {
        "INHERIT": str(base_config(repo).resolve()),
        # MkDocs' themes print site_name and titles unescaped: data is escaped here
        "site_name": html.escape(f"{book.settings.firm.name} — Carnet"),
        "docs_dir": str(docs.resolve()),
        "site_dir": str(out.resolve()),
        "use_directory_urls": True,
        "nav": nav(book, lang),
        "not_in_nav": "\n".join(f"/{folder}/*.md" for folder in SECTIONS.values()),
        "extra_css": ["assets/carnet.css"],
        "extra_javascript": ["assets/carnet.js"],
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


def _read_state(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _run_mkdocs(
    config_path: Path, stage: Path, urls: set[str], clean: bool, strict: bool
) -> list[str]:
    """Build with MkDocs in this process; returns its warnings."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    collector = _Collector()
    dirty_filter = DropDirtyWarning()
    logger.addHandler(collector)
    build_logger = logging.getLogger("mkdocs.commands.build")
    build_logger.addFilter(dirty_filter)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(str(config_path), strict=strict)
        plugin = SearchCachePlugin(stage / "search-cache.pickle", urls)
        plugin.load_config({})
        config.plugins["carnet-search-cache"] = plugin
        if clean:
            (stage / "search-cache.pickle").unlink(missing_ok=True)
            out = Path(config.site_dir)
            if out.is_dir():
                shutil.rmtree(out)
        os.makedirs(config.site_dir, exist_ok=True)
        build(config, dirty=not clean)
    finally:
        logger.removeHandler(collector)
        build_logger.removeFilter(dirty_filter)
        logger.setLevel(previous_level)
    return collector.messages
