"""The extranet's MkDocs configuration (ours alone: no user file is read) and the inline
scripts the theme writes, which are the only inline scripts a sealed page may run.

After unlock, ``carnet-extranet.js`` puts the decrypted body into the page and re-creates
its ``<script>`` elements, so the Content-Security-Policy decides what runs. It lists
the hashes of the scripts of :func:`theme_scripts`: those Material writes into a page
built from this same configuration with no record in it, known by their exact text.
Anything else that looks like a script, should escaping ever fail, is refused by the
browser.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from generator.extranet.seal import inline_scripts
from generator.files.yamlio import atomic_write


def mkdocs_config(
    docs: Path, site: Path, lang: str, nav: list[dict[str, Any]], site_name: str = "Extranet"
) -> dict[str, Any]:
    """The ``mkdocs.yml`` of an extranet whose pages are in ``docs``, built into ``site``,
    to be written beside ``docs``, titled ``site_name`` (the header after unlock). Both
    paths are written relative to that file: MkDocs and Zensical (which reads
    ``mkdocs.yml`` too) both read them so."""
    here = docs.absolute().parent
    return {
        "site_name": site_name,
        "docs_dir": os.path.relpath(docs.absolute(), here),
        "site_dir": os.path.relpath(site.absolute(), here),
        "use_directory_urls": False,
        "nav": nav,
        "theme": {
            "name": "material",
            "language": lang,
            "font": False,
            "features": ["navigation.top"],
        },
        "plugins": [],
        "extra": {"generator": False},
        "extra_css": ["assets/carnet.css", "assets/carnet-extranet.css"],
        "markdown_extensions": ["toc", "tables", "attr_list"],
    }


def run_mkdocs(config_path: Path) -> None:
    """Build the site of ``config_path`` with MkDocs (its info messages silenced)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        build(load_config(str(config_path)))
    finally:
        logger.setLevel(previous)


@cache
def theme_scripts(lang: str) -> frozenset[str]:
    """The text of every inline script the theme writes into an extranet page.

    Built once per process and language from a one-page site with the extranet's
    configuration and nothing of the data (a fraction of a second). Pages all sit at
    the extranet's root, as the theme's scripts do not depend on anything else.
    """
    with tempfile.TemporaryDirectory(prefix="carnet-extranet-theme-") as tmp:
        work = Path(tmp)
        atomic_write(work / "docs" / "index.md", "# Extranet\n")
        config = mkdocs_config(work / "docs", work / "site", lang, [{"Extranet": "index.md"}])
        atomic_write(work / "mkdocs.yml", json.dumps(config))
        run_mkdocs(work / "mkdocs.yml")
        return frozenset(
            script
            for page in (work / "site").glob("*.html")
            for script in inline_scripts(page.read_text(encoding="utf-8"))
        )
