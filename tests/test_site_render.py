"""A clean build's pages rendered on every core (``generator.site.render``) give the site
MkDocs' own ``build`` gives, file for file and byte for byte: the pages, the search
index (entries in page order), the sitemap, the theme's assets.

Real MkDocs builds of the example business's staged pages (the session's site), in
temporary folders.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from forks import forks

from generator.site.mkdocs_log import Collector
from generator.site.render import (
    MIN_PAGES,
    Helper,
    SiteFiles,
    build_on_cores,
    can_build_on_cores,
)


def _staged_config(site: Path) -> Path:
    """The ``mkdocs.yml`` Carnet staged for the session's site."""
    found = list((site.parent / ".carnet-site").glob("*/mkdocs.yml"))
    assert len(found) == 1, found
    return found[0]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _build(config_file: Path, out: Path, *, on_cores: int = 0) -> list[str]:
    """Build the staged pages into ``out``, by MkDocs or on ``on_cores`` processes; the
    warnings."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    collector = Collector()
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file), site_dir=str(out))
        if on_cores:
            assert can_build_on_cores(config, MIN_PAGES)
            build_on_cores(config, collector, jobs=on_cores)
        else:
            build(config)
    finally:
        logger.removeHandler(collector)
    return collector.messages


@pytest.fixture(scope="module")
def both(site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list, list]:
    config_file = _staged_config(site)
    root = tmp_path_factory.mktemp("render")
    alone, shared = root / "mkdocs", root / "cores"
    said_alone = _build(config_file, alone)
    said_shared = _build(config_file, shared, on_cores=3)
    return alone, shared, said_alone, said_shared


def test_every_file_is_the_one_mkdocs_writes(both) -> None:
    alone, shared, _, _ = both
    written, expected = _tree(shared), _tree(alone)
    assert sorted(written) == sorted(expected)
    assert [rel for rel in expected if written[rel] != expected[rel]] == []
    pages = [rel for rel in expected if rel.endswith("index.html")]
    assert len(pages) >= MIN_PAGES  # enough pages to be shared: the case measured


def test_the_search_index_lists_every_page_in_mkdocs_order(both) -> None:
    alone, shared, _, _ = both
    index = (shared / "search" / "search_index.json").read_bytes()
    assert index == (alone / "search" / "search_index.json").read_bytes()
    assert b'"location":"societes/' in index and b'"location":"contacts/' in index


def test_the_warnings_are_mkdocs_own(both) -> None:
    _, _, said_alone, said_shared = both
    assert said_shared == said_alone


def test_the_built_site_is_what_mkdocs_builds_from_the_same_pages(site: Path, both) -> None:
    """``carnet build`` (which renders on the cores) wrote every file MkDocs writes from
    the same staged pages, the same."""
    alone, _, _, _ = both
    built, expected = _tree(site), _tree(alone)
    assert [rel for rel, data in expected.items() if built.get(rel) != data] == []


def test_other_plugins_go_through_mkdocs_own_build(site: Path) -> None:
    from mkdocs.config import load_config

    config = load_config(str(_staged_config(site)))
    assert can_build_on_cores(config, MIN_PAGES)
    assert not can_build_on_cores(config, MIN_PAGES - 1)
    config.plugins["tags"] = object()
    assert not can_build_on_cores(config, MIN_PAGES)


def test_one_process_alone_builds_the_same_site(site: Path, both, tmp_path: Path) -> None:
    alone, _, said_alone, _ = both
    said = _build(_staged_config(site), tmp_path / "one", on_cores=1)
    assert _tree(tmp_path / "one") == _tree(alone)
    assert said == said_alone


class _Children:
    """The command lines of this process's children, read from ``/proc`` while it runs."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _Children:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.is_set():
            for task in Path("/proc/self/task").iterdir():
                with contextlib.suppress(OSError):
                    for child in (task / "children").read_text().split():
                        with contextlib.suppress(OSError):
                            argv = Path(f"/proc/{child}/cmdline").read_bytes()
                            self.seen.add(argv.replace(b"\0", b" ").decode(errors="replace"))
            self._done.wait(0.01)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="pages are shared between cores only")
def test_a_full_build_forks_nothing_from_the_command(site: Path, tmp_path: Path) -> None:
    """Whatever the command holds (the Book it staged the pages from), no process is
    forked from it once the caches are warm: the pages are rendered by fresh interpreters,
    the PDFs found up to date here. A forked worker would count every page the command
    holds again in the memory the command and its children take (issue 15)."""
    from generator.cli.main import main

    repo = tmp_path / "repo"
    shutil.copytree(site.parent.parent, repo, symlinks=True)
    args = ["--repo", str(repo), "--today", TODAY.isoformat(), "build", "--strict"]
    runner = CliRunner()
    assert runner.invoke(main, args).exit_code == 0  # the caches, for this copy's files
    for folder in ("site", ".carnet-site"):
        shutil.rmtree(repo / "build" / folder)
    with forks() as forked, _Children() as children:
        result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert forked == []
    assert any("generator.site.render" in argv for argv in children.seen), children.seen
    assert sorted(_tree(repo / "build" / "site")) == sorted(_tree(site))  # sealed areas differ


def test_a_helper_that_fails_raises_its_error_here(tmp_path: Path) -> None:
    from mkdocs.exceptions import ConfigurationError

    missing = SiteFiles(str(tmp_path / "mkdocs.yml"), str(tmp_path), str(tmp_path / "out"), False)
    with Helper(missing, 0, 2) as helper, pytest.raises(ConfigurationError, match=r"mkdocs\.yml"):
        helper.result()
