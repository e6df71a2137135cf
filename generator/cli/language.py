"""click's own texts (usage line, headings, errors) in the language of the invocation.

click writes "Usage", "Options", "Error: Missing option" through gettext (each of its
modules binds ``_ = gettext.gettext`` at import), which reads the process' locale and has
no notion of ``--lang``. Carnet gives those modules a translation function that follows
the language of the current invocation (a context variable set by
:meth:`generator.cli.main.CarnetGroup.main` before click parses anything, so that a usage
error found before ``--lang`` is read is in the right language too) and takes the French
texts from ``click.fr.po``, read with Babel.

Texts click computes once per process whatever the language (the help of ``-h`` and
``--version``) are translated when a help screen is written (:class:`CarnetFormatter`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from generator.locale import plural_category

CATALOGUE = Path(__file__).with_name("click.fr.po")
_LANG: ContextVar[str] = ContextVar("carnet_cli_lang", default="fr")
_VALUED = ("--repo", "--today", "--lang")
"""The global options that take a value (the next argument)."""


@lru_cache(maxsize=1)
def _french() -> Catalog:
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="fr")


def english() -> bool:
    """Is the current invocation in English?"""
    return _LANG.get().startswith("en")


def translate(message: str) -> str:
    """click's ``gettext``: ``message`` in the invocation's language."""
    if english():
        return message
    found = _french().get(message)
    return found.string if found is not None and found.string else message


def translate_plural(singular: str, plural: str, count: int) -> str:
    """click's ``ngettext``: the form of ``count``, by Babel's plural category."""
    one = plural_category(count, _LANG.get()) == "one"
    if english():
        return singular if one else plural
    found = _french().get(singular)
    if found is None or not isinstance(found.string, tuple) or not all(found.string):
        return singular if one else plural
    return found.string[0 if one else 1]


def install() -> None:
    """Route the texts of click's modules through :func:`translate`.

    Not :mod:`click.decorators`: the help it gives ``-h`` and ``--version`` is kept once
    per process, so it stays click's own (English) text, which :class:`CarnetFormatter`
    translates each time it writes a help screen."""
    from click import core, exceptions, formatting, parser, termui, types

    for module in (core, exceptions, formatting, parser, termui, types):
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]


def requested(args: Sequence[str]) -> str:
    """The language asked for by ``--lang`` among the global options of ``args`` (those
    before the command's name), else ``CARNET_LANG``, else French."""
    chosen = os.environ.get("CARNET_LANG") or "fr"
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
        elif arg == "--" or not arg.startswith("-"):
            break
        index += 2 if arg in _VALUED else 1
    return "en" if chosen.startswith("en") else "fr"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Have click speak ``lang`` for the duration of one invocation."""
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


class CarnetFormatter(click.HelpFormatter):
    """click's help formatter, which also translates the help click gives its own
    options (``-h``, ``--version``) when it writes them, and puts the space of French
    typography before a heading's colon."""

    def write_heading(self, heading: str) -> None:
        """``Options :`` in French, ``Options:`` in English."""
        if english():
            super().write_heading(heading)
        else:
            self.write(f"{'':>{self.current_indent}}{heading} :\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: object, **kwargs: object) -> None:
        """The definition list, click's own help texts translated."""
        translated = [(term, translate(text) if text else text) for term, text in rows]
        super().write_dl(translated, *args, **kwargs)  # type: ignore[arg-type]


class CarnetContext(click.Context):
    """A context whose help screens go through :class:`CarnetFormatter`."""

    formatter_class = CarnetFormatter


def adopt(command: click.Command) -> None:
    """Give ``command`` (and every command under it) Carnet's context."""
    command.context_class = CarnetContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            adopt(sub)
