"""Running MkDocs on a staged site: clean, dirty, or (``carnet serve``) page by page
(:mod:`generator.site.live`), and the state the next build starts from.

MkDocs writes into a site folder Carnet claims first: emptied for a clean build, rid of
links otherwise, marked as Carnet's (:data:`MARKER`), the pages that disappeared deleted.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from generator import Progress
from generator.files.output import clear_links, empty_folder, is_plain_file
from generator.files.yamlio import atomic_write
from generator.problems import Refused
from generator.site.config import SiteConfig, SiteConfigError
from generator.site.incremental import (
    BuiltPages,
    DropDirtyWarning,
    KeptBuild,
    merge_search_index,
    set_aside_index,
)
from generator.site.mkdocs_log import Collector, refusals
from generator.site.rawblocks import add_to as add_speedups
from generator.site.render import build_on_cores, can_build_on_cores
from generator.site.urls import url_of

MARKER = ".carnet-site"
"""A file Carnet leaves in every site folder it writes, so that it never wipes another."""


@dataclass(frozen=True, slots=True)
class SiteReport:
    """What a build did."""

    out: Path
    pages: int
    written: int
    removed: int
    clean: bool
    warnings: tuple[str, ...]
    missing_pdfs: tuple[str, ...] = ()
    pdf_failures: tuple[tuple[Refused, int], ...] = ()
    """Why documents have no PDF: each cause once, with how many documents it stopped."""


@dataclass(frozen=True, slots=True)
class StagedSite:
    """Markdown and ``mkdocs.yml`` written, ready for MkDocs (the Book is not needed)."""

    out: Path
    stage: Path
    config_path: Path
    key: str
    pages: tuple[str, ...]
    page_keys: dict[str, str]
    written: int
    removed: tuple[str, ...]
    clean: bool
    missing_pdfs: tuple[str, ...] = ()
    site_config: SiteConfig = field(default_factory=SiteConfig)
    pdf_failures: tuple[tuple[Refused, int], ...] = ()
    changed: tuple[str, ...] = ()
    """The pages whose Markdown this run wrote (or wrote again)."""


def publish_site(
    staged: StagedSite,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    keep: KeptBuild | None = None,
) -> SiteReport:
    """Run MkDocs on a staged site (dirty unless a clean build is due), then finish it.

    ``keep`` (``carnet serve``) holds on to MkDocs' configuration, files, navigation and
    the search entries by page once it has run; otherwise they are freed at once.
    """
    if progress is not None:
        progress("mkdocs", 0, None)
    urls = set(map(url_of, staged.pages))
    warnings, built = _run_mkdocs(staged, strict, keep)
    if keep is None:
        gc.collect()  # MkDocs' pages are gone: room for the search index
    search = merge_search_index(
        staged.out, staged.stage, built, urls, staged.clean, keep=keep is not None
    )
    if keep is not None:
        keep.search = search
    write_state(staged)
    return site_report(staged, warnings)


def write_state(staged: StagedSite) -> None:
    """Note what the site folder now holds: the next build starts from it."""
    state = {
        "key": staged.key,
        "pages": sorted(staged.pages),
        "page_keys": staged.page_keys,
        "indexed": is_plain_file(search_index_path(staged.out)),
    }
    atomic_write(staged.stage / "state.json", json.dumps(state))


def search_index_path(out: Path) -> Path:
    """Where Material's search plugin writes the index of the site built into ``out``."""
    return out / "search" / "search_index.json"


def site_report(staged: StagedSite, warnings: list[str]) -> SiteReport:
    """What the build of ``staged`` did."""
    return SiteReport(
        staged.out,
        len(staged.pages),
        staged.written,
        len(staged.removed),
        staged.clean,
        tuple(warnings),
        staged.missing_pdfs,
        staged.pdf_failures,
    )


def _remove_outputs(out: Path, removed: list[str]) -> None:
    """Delete the HTML of pages that disappeared (a dirty build would leave it)."""
    for rel in removed:
        folder = out / url_of(rel)
        target = folder / "index.html"
        target.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def _claim(staged: StagedSite) -> None:
    """Ready the site folder for MkDocs: emptied for a clean build, marked as Carnet's and
    the previous state forgotten before anything is written, so that a build killed
    half-way leaves a folder the next build recognises and rebuilds clean."""
    (staged.stage / "state.json").unlink(missing_ok=True)
    if staged.clean and staged.out.is_dir():
        empty_folder(staged.out)
    staged.out.mkdir(parents=True, exist_ok=True)
    if not staged.clean:
        clear_links(staged.out)  # MkDocs writes pages in place: never through a link
    (staged.out / MARKER).write_text("Site écrit par carnet build : ce dossier peut être effacé.\n")
    if not staged.clean:
        _remove_outputs(staged.out, list(staged.removed))


def _run_mkdocs(
    staged: StagedSite, strict: bool, keep: KeptBuild | None = None
) -> tuple[list[str], set[str]]:
    """Build with MkDocs, a clean build of many pages on every core
    (:mod:`generator.site.render`); its warnings and the URLs it rendered (``keep``: a
    plugin that holds on to what MkDocs built with).

    A configuration MkDocs refuses raises :class:`SiteConfigError` before the folder is
    touched, located at the setting of the repository's ``mkdocs.yml`` MkDocs names.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    logger = logging.getLogger("mkdocs")
    collector = Collector()
    dirty_filter = DropDirtyWarning()
    logger.addHandler(collector)
    build_logger = logging.getLogger("mkdocs.commands.build")
    build_logger.addFilter(dirty_filter)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    built = BuiltPages()
    try:
        try:
            config = load_config(str(staged.config_path), strict=strict)
        except (ConfigurationError, Abort) as exc:
            problems = refusals(collector.messages, str(exc), staged.site_config)
            raise SiteConfigError(problems) from None
        _claim(staged)
        if not staged.clean:
            set_aside_index(staged.out, staged.stage)
        built.load_config({})
        config.plugins["carnet-built-pages"] = built
        add_speedups(config)
        if keep is not None:
            keep.load_config({})
            config.plugins["carnet-kept-build"] = keep
        if staged.clean and can_build_on_cores(config, len(staged.pages)):
            built.urls = build_on_cores(config, collector)
        else:
            build(config, dirty=not staged.clean)
        del config
    finally:
        logger.removeHandler(collector)
        build_logger.removeFilter(dirty_filter)
        logger.setLevel(previous_level)
    return collector.messages, built.urls
