"""``carnet serve`` keeps MkDocs in memory: after an edit, only the pages whose Markdown
changed go through MkDocs' own page pipeline.

The first build (and any build that changes the configuration, the set of pages or the
files beside them, such as a new record or a new PDF) is an ordinary MkDocs build whose
configuration, files, navigation and theme environment are kept (:class:`KeptBuild`).
After that, each page the staging step wrote again is read and rendered as MkDocs
renders it (``_populate_page`` then ``_build_page``: the plugins' page events fire as
in a build), the static files that changed are copied, and the entries of the rendered
pages replace theirs in Material's search index, kept by page. That index (70 MB at
reference scale) is not written after each edit: the server answers it from memory
(:meth:`LiveSite.search_index`) and writes it once the edits pause
(:meth:`LiveSite.write_search_index`).
"""

from __future__ import annotations

import gc
import logging
import os
import stat
from pathlib import Path

from generator import Progress
from generator.files.yamlio import atomic_write
from generator.site.incremental import KeptBuild, SearchEntries
from generator.site.kept import StageMemo
from generator.site.mkdocs_log import Collector
from generator.site.publish import (
    SiteReport,
    StagedSite,
    publish_site,
    search_index_path,
    site_report,
    write_state,
)
from generator.site.render import search_plugin


class LiveSite:
    """What ``carnet serve`` keeps of MkDocs between two builds of its site.

    Not thread-safe: the server calls it under one lock (a rebuild, a request for the
    search index and the work done at rest never overlap)."""

    def __init__(self) -> None:
        self._kept: KeptBuild | None = None
        self._key = ""
        self._sources: frozenset[str] = frozenset()
        self.memo = StageMemo()
        """What the staging of the previous build made (:mod:`generator.site.kept`)."""
        self.rendered: tuple[str, ...] | None = None
        """The pages the last build rendered one by one (None: it was a MkDocs build)."""
        self._index_behind: Path | None = None  # the site whose index file is behind
        self._index_text: bytes | None = None

    @property
    def keeps_build(self) -> bool:
        """Whether MkDocs' last build is kept (the next may render changed pages only)."""
        return self._kept is not None

    @property
    def index_held(self) -> bool:
        """Whether the search index is held here, its file not written since."""
        return self._index_behind is not None

    def search_index(self) -> bytes | None:
        """Material's search index as the last build made it, while its file is behind
        (``None``: the file is up to date, serve it)."""
        if self._index_behind is None or self._kept is None or self._kept.search is None:
            return None
        if self._index_text is None:
            self._index_text = self._kept.search.text().encode("utf-8")
        return self._index_text

    def write_search_index(self) -> None:
        """Write the search index file if the edits since the last build left it behind
        (the server calls this once they pause, and when it stops)."""
        site, text = self._index_behind, self.search_index()
        if site is None or text is None:
            return
        index = search_index_path(site)
        _no_link_on_the_way(site, index)
        atomic_write(index, text)
        self._index_behind = self._index_text = None

    def publish(self, staged: StagedSite, *, progress: Progress | None = None) -> SiteReport:
        """Bring the site folder up to date with ``staged``: its changed pages only when
        what MkDocs kept still holds, a MkDocs build otherwise."""
        sources = _sources(staged.stage / "docs")
        kept = self._kept
        if (
            kept is not None
            and kept.files is not None
            and (kept.search is not None or search_plugin(kept.config) is None)
            and not staged.clean
            and staged.key == self._key
            and sources == self._sources
        ):
            report, self.rendered = _render_changed(kept, staged)
            if kept.search is not None:
                self._index_behind, self._index_text = staged.out, None
                # nothing serves the previous index file: the server answers from memory
                index = search_index_path(staged.out)
                _no_link_on_the_way(staged.out, index)
                index.unlink(missing_ok=True)
            return report
        self.rendered = None
        self.write_search_index()  # a MkDocs pass merges the pages it renders into it
        self._kept = None  # MkDocs needs the memory more than the old build
        gc.unfreeze()  # the old build's cycles (frozen by serve) may be collected again,
        gc.enable()  # and MkDocs' own as it goes (a rebuild pauses the collector)
        kept = KeptBuild()
        report = publish_site(staged, progress=progress, keep=kept)
        _forget_contents(kept)
        self._kept, self._key, self._sources = kept, staged.key, sources
        return report


def _sources(docs: Path) -> frozenset[str]:
    """Every file of the staged pages' folder (pages, assets, PDFs, feeds), by path."""
    found = []
    for root, _, names in os.walk(docs):
        rel = os.path.relpath(root, docs)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in names)
    return frozenset(found)


def _forget_contents(kept: KeptBuild) -> None:
    """Drop each page's Markdown and HTML once built: other pages need only its title,
    URL and metadata (the navigation), and the memory is better left to the server."""
    if kept.files is None:
        return
    for file in kept.files.documentation_pages():
        page = file.page
        if page is not None:
            page.markdown = None
            page.content = None
            page.toc = []


def _render_changed(kept: KeptBuild, staged: StagedSite) -> tuple[SiteReport, tuple[str, ...]]:
    """Render the pages ``staged`` wrote (and any whose HTML is missing) with the kept
    configuration, files, navigation and environment; copy the static files that
    changed; write the search index again. The report, and the pages rendered."""
    from mkdocs.commands.build import _build_page, _populate_page

    config, files, nav, env = kept.config, kept.files, kept.nav, kept.env
    (staged.stage / "state.json").unlink(missing_ok=True)  # a build killed now starts clean
    wanted = set(staged.changed)
    pages = []
    for file in files.documentation_pages():
        if file.src_uri in wanted or not os.path.isfile(file.abs_dest_path):
            pages.append(file.page)
    logger = logging.getLogger("mkdocs")
    collector = Collector()
    logger.addHandler(collector)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    search = search_plugin(config)
    try:
        if search is not None:
            search.search_index = type(search.search_index)(**search.config)
        for page in pages:
            _populate_page(page, config, files)
        doc_files = files.documentation_pages()
        for page in pages:
            _no_link_on_the_way(staged.out, Path(page.file.abs_dest_path))
            _build_page(page, config, doc_files, nav, env)
        for page in pages:
            page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        files.copy_static_files(dirty=True)
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
    if search is not None and kept.search is not None:  # the index file: LiveSite's
        fresh = SearchEntries.from_entries({}, search.search_index.entries)
        search.search_index.entries = []
        urls = {page.url for page in pages}
        kept.search.replace(fresh.by_page, urls, {f.page.url for f in doc_files})
    for page in pages:
        page.markdown = page.content = None
        page.toc = []  # type: ignore[assignment]
    write_state(staged)
    return site_report(staged, collector.messages), tuple(p.file.src_uri for p in pages)


def _no_link_on_the_way(site: Path, target: Path) -> None:
    """Remove any symbolic link between the site folder and ``target`` (MkDocs writes in
    place: never through a link), as the claim of the site folder does for a build."""
    try:
        parts = target.relative_to(site).parts
    except ValueError:
        return
    path = site
    for part in parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            path.unlink()
            return
