"""Building one project's extranet: scoped Book → MkDocs site → sealed copy."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.book import Book
from generator.extranet.crypto import derive
from generator.extranet.news import news
from generator.extranet.scope import scoped_to
from generator.extranet.seal import seal_site
from generator.site.render import render
from generator.templates import templates_dir
from generator.yamlio import atomic_write


@dataclass(frozen=True, slots=True)
class ExtranetReport:
    """One built extranet."""

    project: str
    out: Path
    pages: int


def build_extranet(
    book: Book,
    project_id: str,
    out: Path,
    password: str,
    *,
    lang: str = "fr",
    iterations: int | None = None,
    history: Any = None,
) -> ExtranetReport:
    """Build and seal the extranet of ``project_id`` into ``out`` (replaced whole)."""
    scoped = scoped_to(book, project_id)
    project = scoped.projects[project_id].record
    timeline = sorted(
        scoped.interactions.values(), key=lambda e: (e.record.date, e.id), reverse=True
    )
    with tempfile.TemporaryDirectory(prefix="carnet-extranet-") as tmp:
        work = Path(tmp)
        docs = work / "docs"
        text = render(
            "index.md.j2",
            lang,
            "extranet",
            book=scoped,
            settings=scoped.settings,
            project=project,
            timeline=timeline,
        )
        atomic_write(docs / "index.md", text)
        items = news(scoped, history)
        page = render("news.md.j2", lang, "extranet", items=items)
        atomic_write(docs / f"{_opaque('nouveautes', project_id)}.md", page)
        assets = templates_dir() / "extranet"
        atomic_write(
            docs / "assets" / "carnet-extranet.js", (assets / "carnet-extranet.js").read_bytes()
        )
        atomic_write(
            docs / "assets" / "carnet.css",
            (templates_dir() / "site" / "assets" / "carnet.css").read_bytes(),
        )
        built = work / "site"
        config = {
            "site_name": "Extranet",
            "docs_dir": str(docs),
            "site_dir": str(built),
            "use_directory_urls": False,
            "theme": {
                "name": "material",
                "language": lang,
                "font": False,
                "features": ["navigation.top"],
            },
            "plugins": [],
            "extra": {"generator": False},
            "extra_css": ["assets/carnet.css"],
            "markdown_extensions": ["toc", "tables", "attr_list"],
        }
        atomic_write(work / "mkdocs.yml", json.dumps(config))
        _mkdocs(work / "mkdocs.yml")
        key = derive(password) if iterations is None else derive(password, iterations=iterations)
        pages = seal_site(built, key)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(built, out)
    return ExtranetReport(project_id, out, pages)


def _opaque(name: str, salt: str) -> str:
    """A page file name that names neither the client nor a record."""
    return "p" + hashlib.blake2b(f"{salt}/{name}".encode(), digest_size=6).hexdigest()


def _mkdocs(config_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        build(load_config(str(config_path)))
    finally:
        logger.setLevel(previous)
