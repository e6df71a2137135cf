"""A clean MkDocs build whose pages are rendered on every core.

MkDocs (``mkdocs.commands.build.build``) renders one page after another in one process
and holds every page's HTML until the last one is written. :func:`build_on_cores` runs
the same steps, in the same order, with MkDocs' own functions: the plugins' ``config``,
``pre_build``, ``files``, ``nav``, ``env`` and ``post_build`` events, the static files
and the theme's templates here; then the documentation pages are split into contiguous
slices, one per core, and each page goes through ``_populate_page`` and ``_build_page``
(its ``pre_page`` … ``post_page`` events) in the process that renders its slice: forked
workers render theirs while this process renders the last. A page's Markdown and HTML
are dropped once written, so no process holds more than the page at hand.

What comes back, in page order: the search entries (handed to the search plugin before
``post_build``, which writes the index as MkDocs would), the warnings, and the URLs of
the rendered pages. No page's HTML depends on another page's rendering except through
the navigation, whose pages are read here before the split (with MkDocs, every page is
read before any is written). Links to an anchor of a page another process rendered
are checked only at MkDocs' default level (``info``, which Carnet does not collect).

Used for clean builds of many pages whose plugins are the ones Carnet configures
(:data:`KNOWN_PLUGINS`); anything else goes through MkDocs' own ``build``.
"""

from __future__ import annotations

import gc
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from multiprocessing import get_context
from typing import Any

from generator.site.rawblocks import COMPILED
from generator.site.rawblocks import NAME as RAW_BLOCKS

KNOWN_PLUGINS = frozenset(
    {"search", "material/search", "carnet-built-pages", "carnet-kept-build", RAW_BLOCKS, COMPILED}
)
"""The plugins whose events are known to hold when pages are rendered in separate
processes (the search plugin's entries come back to this process)."""
MIN_PAGES = 100
"""Below this many pages, starting workers costs more than it saves."""
_STATE: dict[str, Any] = {}
"""What the forked workers inherit: the configuration, files, navigation and theme."""


def can_build_on_cores(config: Any, pages: int) -> bool:
    """Is a clean build of ``pages`` pages with ``config`` worth (and safe) sharing?"""
    return (os.cpu_count() or 1) > 1 and pages >= MIN_PAGES and set(config.plugins) <= KNOWN_PLUGINS


def build_on_cores(config: Any, collector: Any, jobs: int | None = None) -> set[str]:
    """Build the site of ``config`` clean, its pages rendered by ``jobs`` processes (the
    machine's cores by default); the URLs of the pages rendered. Warnings go to
    ``collector`` (a :class:`~generator.site.mkdocs_log.Collector` on MkDocs' logger) in
    page order; errors are raised as MkDocs' ``build`` raises them."""
    from mkdocs import utils
    from mkdocs.commands.build import (
        _build_extra_template,
        _build_theme_template,
        _populate_page,
    )
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    said_before = len(collector.messages)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        doc_files = files.documentation_pages()
        for file in doc_files:
            if file.page is None:
                Page(None, file, config)
        in_nav = [page for page in nav.pages if page.file in doc_files]
        for page in in_nav:  # the navigation every page shows needs their titles
            _populate_page(page, config, files)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files()
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        search = search_plugin(config)
        _STATE.update(
            config=config, files=files, nav=nav, env=env, doc_files=doc_files, search=search
        )
        _STATE["read"] = {id(page) for page in in_nav}
        entries, urls = _render_slices(len(doc_files), jobs or os.cpu_count() or 1, collector)
        if search is not None:
            search.search_index.entries = entries
        config.plugins.on_post_build(config=config)
        said = len(collector.messages) - said_before
        if config.strict and said:
            raise Abort(f"Aborted with {said} warnings in strict mode!")
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        if isinstance(exc, BuildError):
            logging.getLogger("mkdocs").error(str(exc))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        _STATE.clear()
    return urls


def _render_slices(count: int, jobs: int, collector: Any) -> tuple[list[Any], set[str]]:
    """Render pages ``[0, count)`` in ``jobs`` contiguous slices, the last one here; the
    search entries in page order, and the URLs rendered."""
    bounds = [count * n // jobs for n in range(jobs + 1)]
    slices = list(pairwise(bounds))
    gc.collect()
    gc.freeze()  # the workers share what exists now without copying it to collect it
    head = len(collector.messages)
    try:
        if len(slices) == 1:
            results, here = [], _render(*slices[0], collector=collector)
        else:
            with ProcessPoolExecutor(len(slices) - 1, mp_context=get_context("fork")) as pool:
                started = [pool.submit(_render, lo, hi) for lo, hi in slices[:-1]]
                here = _render(*slices[-1], collector=collector)
                results = [future.result() for future in started]
    finally:
        gc.unfreeze()
    del collector.messages[head:]  # this process's slice comes last, as its pages do
    entries: list[Any] = []
    urls: set[str] = set()
    for found, warnings, rendered in [*results, here]:
        entries.extend(found)
        collector.messages.extend(warnings)
        urls.update(rendered)
    return entries, urls


def _render(lo: int, hi: int, collector: Any = None) -> tuple[list[Any], list[str], list[str]]:
    """Populate and build pages ``[lo, hi)``; their search entries, the warnings logged
    meanwhile and their URLs. Each page's Markdown and HTML are dropped once written."""
    from mkdocs.commands.build import _build_page, _populate_page

    config, files, nav, env = _STATE["config"], _STATE["files"], _STATE["nav"], _STATE["env"]
    doc_files, search, read = _STATE["doc_files"], _STATE["search"], _STATE["read"]
    handler = collector or _collector()
    before = len(handler.messages)
    if search is not None:
        search.search_index.entries = []
    pages = [file.page for file in doc_files[lo:hi]]
    for page in pages:
        if id(page) not in read:
            _populate_page(page, config, files)
        excluded = page.file.inclusion.is_excluded()
        _build_page(page, config, doc_files, nav, env, excluded=excluded)
        page.markdown = page.content = None
        page.toc = []
    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    entries = search.search_index.entries if search is not None else []
    return entries, handler.messages[before:], [page.url for page in pages]


def _collector() -> Any:
    """The collector MkDocs' logger had when this worker was forked."""
    for handler in logging.getLogger("mkdocs").handlers:
        if hasattr(handler, "messages"):
            return handler
    raise RuntimeError("no collector on MkDocs' logger")


def search_plugin(config: Any) -> Any:
    """Material's (or MkDocs') search plugin of ``config``, if it has one."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return plugin
    return None
