"""Theme-agnostic output (DESIGN rule 10): the Markdown and ``mkdocs.yml`` Carnet
generates, for the internal site and for an extranet, build with Zensical as well (the
successor of Material for MkDocs, which reads ``mkdocs.yml``), as they are."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from generator.extranet.build import stage_extranet
from generator.extranet.search import site_index
from generator.load import load
from generator.site.urls import url_of


def zensical() -> str:
    """The ``zensical`` command of this environment (the test extras pin it)."""
    found = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which(
        "zensical"
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("zensical is required in CI (pip install -e '.[test]')")
        pytest.skip("zensical is not installed (pip install -e '.[test]')")
    return found


def build_with_zensical(config: Path) -> None:
    result = subprocess.run(
        [zensical(), "build", "--config-file", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_internal_site_builds_with_zensical(site: Path, tmp_path: Path) -> None:
    """The staged Markdown and configuration of the session's site, copied as they are.

    Zensical writes only below the configuration's folder, where Carnet's ``site_dir``
    (``build/site``, beside the staging folder) is not: the copy's ``site_dir`` is the
    one setting changed."""
    repo = site.parent.parent
    (config,) = (repo / "build" / ".carnet-site").glob("*/mkdocs.yml")
    stage = tmp_path / config.parent.relative_to(repo)
    shutil.copytree(config.parent, stage, ignore=shutil.ignore_patterns("documents"))
    settings = json.loads((stage / "mkdocs.yml").read_text(encoding="utf-8"))
    assert not os.path.isabs(settings["docs_dir"]) and not os.path.isabs(settings["site_dir"])
    assert (config.parent / settings["site_dir"]).resolve() == site.resolve()
    settings["site_dir"] = "zensical-site"
    (stage / "mkdocs.yml").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    out = stage / "zensical-site"
    build_with_zensical(stage / "mkdocs.yml")
    pages = sorted((stage / "docs").rglob("*.md"))
    assert len(pages) > 80
    for page in pages:
        rel = page.relative_to(stage / "docs").as_posix()
        assert (out / url_of(rel) / "index.html").is_file(), rel
    company = (out / "societes" / "hotel-bellecour" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Hôtel Bellecour</h1>" in company
    assert 'data-carnet-copy="hotel-bellecour"' in company
    assert "assets/carnet.css" in company and "assets/carnet-record.js" in company


def test_an_extranet_builds_with_zensical(tmp_path: Path) -> None:
    """An extranet's staged pages and configuration build with Zensical, and Carnet's
    search index reads them through its own markers, whatever the theme."""
    book = load(ROOT, today=TODAY, use_cache=False).book
    assert book is not None
    staged = stage_extranet(book, "sapins-2026", tmp_path / "work")
    config = tmp_path / "work" / "mkdocs.yml"
    settings = json.loads(config.read_text(encoding="utf-8"))
    assert (settings["docs_dir"], settings["site_dir"]) == ("docs", "site")
    shutil.rmtree(staged.site)
    build_with_zensical(config)
    pages = sorted(p.name for p in staged.site.glob("*.html"))
    written = sorted(p.with_suffix(".html").name for p in (tmp_path / "work" / "docs").glob("*.md"))
    assert set(written) <= set(pages)
    for name in written:
        html = (staged.site / name).read_text(encoding="utf-8")
        assert "<!-- carnet:content -->" in html and "<!-- /carnet:content -->" in html, name
    entries = json.loads(site_index(staged.site))
    titles = {e["p"] for e in entries}
    assert titles >= {"Extranet client / Mes Beaux Sapins", "Projet", "Support", "Nouveautés"}
    assert (staged.site / "assets" / "carnet-extranet.js").is_file()
