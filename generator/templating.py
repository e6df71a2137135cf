"""The one home of Jinja2 and of the shipped templates.

Templates live in ``site_templates/`` (package data): site pages, extranet pages,
documents, stock reports. :func:`environment` is the autoescaped, strict environment of
one of its folders, with Babel filters; every record field reaches a template as data
and is escaped, and users' notes go through :func:`render_note` (Markdown without raw
HTML) before they are marked safe.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markdown_it import MarkdownIt
from markupsafe import Markup

from generator import locale as fmt

_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@cache
def templates_dir() -> Path:
    """The ``site_templates`` folder, installed or in a source checkout."""
    return Path(str(files("site_templates")))


def template_files() -> list[Path]:
    """Every file the site's look depends on (for the rebuild key)."""
    return sorted(p for p in templates_dir().rglob("*") if p.is_file())


def _validate_link(url: str) -> bool:
    """Only web, mail and phone links, or relative ones; never ``javascript:``/``data:``."""
    cleaned = "".join(url.split()).lower()
    if ":" not in cleaned.split("/", 1)[0]:
        return True  # relative link or anchor
    return cleaned.startswith(_SAFE_SCHEMES)


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.disable("image")  # a note never loads a remote image
    return md


def render_note(text: str | None) -> str:
    """HTML for a user's Markdown note; any HTML in it is shown as text."""
    if not text:
        return ""
    return _renderer().render(text)


def _labelled(lang: str) -> Callable[[Any], Any]:
    """Jinja's ``finalize``: a value the user types as a key (``supplier``), an enum of
    the schema with a ``label``, is shown by its label in the page's language
    (« fournisseur »); comparisons in templates still see the key."""

    def finalize(value: Any) -> Any:
        if isinstance(value, Enum):
            label = getattr(value, "label", None)
            if callable(label):
                return label(lang)
        return value

    return finalize


@cache
def bytecode_cache() -> BytecodeCache | None:
    """Compiled templates (Carnet's and the theme's) kept beside Carnet's bytecode, as
    Python keeps its own: a command that renders pages no longer parses and compiles
    every template first. Jinja checks each against its source; ``None`` where that
    folder cannot be written (the templates are then compiled each time)."""
    folder = Path(__file__).with_name("__pycache__") / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return None
    return FileSystemBytecodeCache(str(folder), "%s.cache")


@cache
def environment(lang: str = "fr", folder: str = "site") -> Environment:
    """The template environment of ``site_templates/<folder>`` for ``lang``."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir() / folder)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_labelled(lang),
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        money=lambda v: fmt.money(v, lang),
        number=lambda v: fmt.number(v, lang),
        long_date=lambda v: fmt.long_date(v, lang),
        short_date=lambda v: fmt.short_date(v, lang),
        date_time=lambda v: fmt.date_time(v, lang),
        state=lambda v: fmt.state_label(v, lang),
        plural=lambda n, one, other: fmt.counted(n, one, other, lang),
        note=lambda v: Markup(render_note(v)),
    )
    return env


def render(template: str, lang: str, folder: str = "site", **context: object) -> str:
    """Render ``template`` (a file of ``site_templates/<folder>``) with ``context``."""
    return environment(lang, folder).get_template(template).render(lang=lang, **context)


@cache
def config_environment(folder: str) -> Environment:
    """The environment of ``site_templates/<folder>`` for configuration files (CI
    pipelines): no escaping (the output is YAML, not HTML) and ``[[ ]]``/``[% %]``
    delimiters, so that the platforms' own ``${{ }}`` and ``$VAR`` stay as they are."""
    return Environment(
        loader=FileSystemLoader(str(templates_dir() / folder)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        bytecode_cache=bytecode_cache(),
    )
