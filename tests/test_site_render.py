"""A clean build's pages rendered on every core (``generator.site.render``) give the site
MkDocs' own ``build`` gives, file for file and byte for byte: the pages, the search
index (entries in page order), the sitemap, the theme's assets.

Real MkDocs builds of the example business's staged pages (the session's site), in
temporary folders.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator.site.mkdocs_log import Collector
from generator.site.render import MIN_PAGES, build_on_cores, can_build_on_cores


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
