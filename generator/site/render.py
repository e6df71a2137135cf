"""The Jinja2 environment of site pages: autoescaped, strict, with Babel filters.

Templates live in ``site_templates/site/``. Every record field reaches them as data and
is escaped by autoescape; notes go through :func:`generator.markdown.render_note` and
are marked safe only after that.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator import locale as fmt
from generator.markdown import render_note
from generator.templates import templates_dir


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
    )
    env.filters.update(
        money=lambda v: fmt.money(v, lang),
        number=lambda v: fmt.number(v, lang),
        long_date=lambda v: fmt.long_date(v, lang),
        short_date=lambda v: fmt.short_date(v, lang),
        date_time=lambda v: fmt.date_time(v, lang),
        state=lambda v: fmt.state_label(v, lang),
        note=lambda v: Markup(render_note(v)),
    )
    return env


def render(template: str, lang: str, folder: str = "site", **context: object) -> str:
    """Render ``template`` (a file of ``site_templates/<folder>``) with ``context``."""
    return environment(lang, folder).get_template(template).render(lang=lang, **context)


def template_files() -> list[Path]:
    """Every file the site's look depends on (for the rebuild key)."""
    return sorted(p for p in templates_dir().rglob("*") if p.is_file())
