"""A clean MkDocs build whose pages are rendered on every core.

MkDocs (``mkdocs.commands.build.build``) renders one page after another in one process
and holds every page's HTML until the last one is written. :func:`build_on_cores` runs
the same steps, in the same order, with MkDocs' own functions: the plugins' ``config``,
``pre_build``, ``files``, ``nav``, ``env`` and ``post_build`` events, the static files
and the theme's templates here; then the documentation pages are split into contiguous
slices, one per core, and each page goes through ``_populate_page`` and ``_build_page``
(its ``pre_page`` … ``post_page`` events) in the process that renders its slice: helper
processes render theirs while this process renders the last. A page's Markdown and HTML
are dropped once written, so no process holds more than the page at hand.

The helpers are fresh interpreters (:class:`Helper`), started as soon as the site
folder is cleaned: each reads the configuration, files and navigation itself, as this
process does meanwhile, then renders its slice and sends it back through a pipe. A
process forked from this one would count again every page this process holds (the Book
it staged the pages from, when it is still there): a fresh one holds only MkDocs and its
slice, whatever the command that builds the site holds.

What comes back, in page order: the search entries, already as the JSON text Material's
search plugin writes (:func:`write_search_index` streams them into its index after
``post_build``, without the whole index ever held as one object), the warnings, and the
URLs of the rendered pages. No page's HTML depends on another page's rendering except
through the navigation, whose pages are read in every process before its slice (with
MkDocs, every page is read before any is written). Links to an anchor of a page another
process rendered are checked only at MkDocs' default level (``info``, which Carnet does
not collect).

Used for clean builds of many pages whose plugins are the ones Carnet configures
(:data:`KNOWN_PLUGINS`, with Material's search); anything else goes through MkDocs' own
``build``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from generator.site.mkdocs_log import Collector
from generator.site.rawblocks import COMPILED
from generator.site.rawblocks import NAME as RAW_BLOCKS
from generator.site.rawblocks import add_to as add_speedups

KNOWN_PLUGINS = frozenset(
    {"search", "material/search", "carnet-built-pages", "carnet-kept-build", RAW_BLOCKS, COMPILED}
)
"""The plugins whose events are known to hold when pages are rendered in separate
processes (the search plugin's entries come back to this process)."""
MIN_PAGES = 100
"""Below this many pages, starting helpers costs more than it saves."""
SEARCH_MODULE = "material.plugins.search"
"""The search plugin whose index :func:`write_search_index` knows how to write."""


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """Where a helper reads the site from: the configuration file and the settings this
    process loaded it with."""

    config_file: str
    docs_dir: str
    site_dir: str
    strict: bool


@dataclass(slots=True)
class Slice:
    """What rendering a slice of the pages gives: the search entries of each page as
    JSON text (``""`` for a page with none), the warnings, the URLs, in page order."""

    entries: list[str]
    warnings: list[str]
    urls: list[str]


def can_build_on_cores(config: Any, pages: int) -> bool:
    """Is a clean build of ``pages`` pages with ``config`` worth (and safe) sharing?"""
    plugins = config.plugins
    searches = [p for name, p in plugins.items() if name in {"search", "material/search"}]
    return (
        (os.cpu_count() or 1) > 1
        and pages >= MIN_PAGES
        and set(plugins) <= KNOWN_PLUGINS
        and all(type(p).__module__.startswith(SEARCH_MODULE) for p in searches)
    )


def build_on_cores(config: Any, collector: Any, jobs: int | None = None) -> set[str]:
    """Build the site of ``config`` clean, its pages rendered by ``jobs`` processes (the
    machine's cores by default); the URLs of the pages rendered. Warnings go to
    ``collector`` (a :class:`~generator.site.mkdocs_log.Collector` on MkDocs' logger) in
    page order; errors are raised as MkDocs' ``build`` raises them."""
    from mkdocs import utils
    from mkdocs.commands.build import _build_extra_template, _build_theme_template
    from mkdocs.exceptions import Abort, BuildError

    jobs = max(1, jobs or os.cpu_count() or 1)
    said_before = len(collector.messages)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = SiteFiles(config.config_file_path, config.docs_dir, config.site_dir, config.strict)
        with ExitStack() as helpers:
            helped = [helpers.enter_context(Helper(files, part, jobs)) for part in range(jobs - 1)]
            site = read_site(config)
            site.files.copy_static_files()
            for template in config.theme.static_templates:
                _build_theme_template(template, site.env, site.files, config, site.nav)
            for template in config.extra_templates:
                _build_extra_template(template, site.files, config, site.nav)
            slices = _gather(site, helped, jobs, collector)
        config.plugins.on_post_build(config=config)
        write_search_index(config, [slice_.entries for slice_ in slices])
        said = len(collector.messages) - said_before
        if config.strict and said:
            raise Abort(f"Aborted with {said} warnings in strict mode!")
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        if isinstance(exc, BuildError):
            logging.getLogger("mkdocs").error(str(exc))
            raise Abort("Aborted with a BuildError!") from None
        raise
    return {url for slice_ in slices for url in slice_.urls}


HELPER = "from generator.site.render import helper_main; helper_main()"
"""What a helper runs (:func:`helper_main`)."""


class Helper:
    """A fresh interpreter rendering one slice of the pages (:func:`render_part`), started
    at once; :meth:`result` waits for its slice. Leaving the ``with`` block stops it if
    it still runs (this process failed first)."""

    def __init__(self, files: SiteFiles, part: int, parts: int) -> None:
        read, write = os.pipe()
        job = json.dumps({"files": asdict(files), "part": part, "parts": parts, "fd": write})
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", HELPER, job],
                stdin=subprocess.DEVNULL,
                pass_fds=(write,),
                env={**os.environ, "PYTHONPATH": path},
            )
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)
        self._answer = os.fdopen(read, "rb")

    def result(self) -> Slice:
        """The helper's slice, once it has sent it; what it raised is raised here (as
        the same MkDocs exception, or a ``RuntimeError`` naming it)."""
        head = self._answer.readline()
        answer = json.loads(head) if head.endswith(b"\n") else {}
        if "error" in answer:
            raise _error(*answer["error"])
        entries = [line[:-1].decode() for line in self._answer]
        code = self._process.wait()
        if "urls" not in answer or len(entries) != len(answer["urls"]):
            raise RuntimeError(f"a render helper ended (exit {code}) without its pages")
        return Slice(entries, answer["warnings"], answer["urls"])

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._answer.close()


def helper_main() -> None:
    """A helper's life: the job from its command line, then into the pipe it was given,
    one JSON line (its warnings and URLs, or the exception that stopped it by name and
    message) and one line per page of its search entries (JSON text never holds a line
    break): no whole slice is ever held as one string."""
    job = json.loads(sys.argv[1])
    with os.fdopen(job["fd"], "wb") as out:
        try:
            found = render_part(SiteFiles(**job["files"]), job["part"], job["parts"])
        except Exception as exc:  # sent back, raised by the command
            out.write(json.dumps({"error": [type(exc).__name__, str(exc)]}).encode() + b"\n")
            return
        out.write(json.dumps({"warnings": found.warnings, "urls": found.urls}).encode() + b"\n")
        for page in found.entries:
            out.write(page.encode() + b"\n")


def _error(name: str, message: str) -> Exception:
    """The exception a helper raised: MkDocs' own by their names, any other as a
    ``RuntimeError`` (nothing but these classes is ever made from what comes back)."""
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError

    known = {cls.__name__: cls for cls in (Abort, BuildError, ConfigurationError, PluginError)}
    cls = known.get(name)
    return cls(message) if cls is not None else RuntimeError(f"{name}: {message}")


def _gather(site: Site, helped: list[Helper], jobs: int, collector: Any) -> list[Slice]:
    """Render this process's slice (the last), then wait for the helpers' ones; every
    slice in page order, its warnings put in ``collector`` in that order too."""
    bounds = slices_of(len(site.doc_files), jobs)
    head = len(collector.messages)
    here = render_slice(site, *bounds[-1], said=collector.messages)
    slices = [helper.result() for helper in helped] + [here]
    for slice_, (lo, hi) in zip(slices, bounds, strict=True):
        expected = [file.page.url for file in site.doc_files[lo:hi]]
        if slice_.urls != expected:  # a helper read another site: never mix them
            raise RuntimeError(f"a render helper read other pages than {expected[:1]}…")
    del collector.messages[head:]  # this process's slice comes last, as its pages do
    for slice_ in slices:
        collector.messages.extend(slice_.warnings)
    return slices


def slices_of(count: int, jobs: int) -> list[tuple[int, int]]:
    """``[0, count)`` in ``jobs`` contiguous slices."""
    return list(pairwise(count * n // jobs for n in range(jobs + 1)))


@dataclass(slots=True)
class Site:
    """What every page is rendered with: configuration, files, navigation, theme."""

    config: Any
    files: Any
    nav: Any
    env: Any
    doc_files: Any
    read: set[int]
    """The pages read before any is rendered (those of the navigation)."""


def read_site(config: Any) -> Site:
    """MkDocs' steps from the files to the ``env`` event, as its ``build`` runs them: the
    files and navigation, the pages of the navigation read (every page shows their
    titles), the theme's environment."""
    from mkdocs.commands.build import _populate_page
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

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
    for page in in_nav:
        _populate_page(page, config, files)
    env = config.plugins.on_env(env, config=config, files=files)
    return Site(config, files, nav, env, doc_files, {id(page) for page in in_nav})


def render_part(files: SiteFiles, part: int, parts: int) -> Slice:
    """In a helper: read the site of ``files`` as :func:`build_on_cores` does, then
    render the ``part``-th of its ``parts`` slices; only the warnings of the slice's
    pages come back (those of reading the site are this process's to report)."""
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    said = Collector()  # the warnings MkDocs logs in this helper
    logger.addHandler(said)
    logger.setLevel(logging.WARNING)
    config = load_config(
        files.config_file, docs_dir=files.docs_dir, site_dir=files.site_dir, strict=files.strict
    )
    add_speedups(config)  # as the command's own build has them
    config = config.plugins.on_config(config)
    site = read_site(config)
    del said.messages[:]
    return render_slice(site, *slices_of(len(site.doc_files), parts)[part], said=said.messages)


def render_slice(site: Site, lo: int, hi: int, *, said: list[str]) -> Slice:
    """Populate and build pages ``[lo, hi)`` of ``site``; ``said``: the list MkDocs'
    warnings go to meanwhile. Each page's Markdown and HTML are dropped once written,
    its search entries kept as JSON text."""
    from mkdocs.commands.build import _build_page, _populate_page

    config, files = site.config, site.files
    before = len(said)
    search = search_plugin(config)
    entries: list[str] = []
    pages = [file.page for file in site.doc_files[lo:hi]]
    for page in pages:
        if id(page) not in site.read:
            _populate_page(page, config, files)
        excluded = page.file.inclusion.is_excluded()
        _build_page(page, config, site.doc_files, site.nav, site.env, excluded=excluded)
        page.markdown = page.content = None
        page.toc = []
        if search is not None:
            entries.append(",".join(map(_entry_json, search.search_index.entries)))
            search.search_index.entries = []
    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    return Slice(entries, said[before:], [page.url for page in pages])


def _entry_json(entry: dict[str, Any]) -> str:
    """One search entry as Material's plugin writes it in its index."""
    return json.dumps(entry, separators=(",", ":"), default=str)


def write_search_index(config: Any, parts: list[list[str]]) -> None:
    """Write Material's search index of ``config``'s site from the entries of each page
    (JSON text, :func:`render_slice`), in page order, piece by piece: the file Material's
    plugin writes, whose ``post_build`` (run with no entry) wrote only the index's
    configuration."""
    search = search_plugin(config)
    if search is None or not search.config.enabled:
        return
    empty = search.search_index.generate_search_index(None)  # {"config":…,"docs":[]}
    if not empty.endswith("[]}"):
        raise RuntimeError("Material's search index is not laid out as expected")
    path = os.path.join(config.site_dir, "search", "search_index.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(empty[:-2].encode("utf-8"))
        first = True
        for part in parts:
            for page in part:
                if page:
                    out.write(page.encode("utf-8") if first else f",{page}".encode())
                    first = False
        out.write(b"]}")


def search_plugin(config: Any) -> Any:
    """Material's (or MkDocs') search plugin of ``config``, if it has one."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return plugin
    return None
