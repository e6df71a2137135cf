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
Carnet's own help (its commands' docstrings and options' help, written in French) is
given in English under ``--lang en`` from ``help.en.yaml``, looked up by the French text
as the screen is written.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import click

from generator.locale import plural_category
from generator.problems import packaged_data

CATALOGUE = Path(__file__).with_name("click.fr.po")
ENGLISH_HELP = Path(__file__).with_name("help.en.yaml")
_LANG: ContextVar[str] = ContextVar("carnet_cli_lang", default="fr")
_VALUED = ("--repo", "--today", "--lang")
"""The global options that take a value (the next argument)."""


@lru_cache(maxsize=1)
def _french() -> dict[str, str | list[str]]:
    """click's texts in French (message → its translation, or its two plural forms)."""
    return packaged_data(CATALOGUE, _read_catalogue)


def _read_catalogue(raw: bytes) -> dict[str, str | list[str]]:
    """The translated messages of the PO file ``raw`` (Babel reads it)."""
    from babel.messages.pofile import read_po

    found: dict[str, str | list[str]] = {}
    for message in read_po(io.BytesIO(raw), locale="fr"):
        if not message.id or not message.string:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string
        found[key] = list(string) if isinstance(string, tuple) else string
    return found


def _key(text: str) -> str:
    """A help text as looked up: click's ``\\b`` markers out, whitespace collapsed."""
    return " ".join(text.replace("\b", " ").split())


@lru_cache(maxsize=1)
def _english_help() -> dict[str, str]:
    """French help text (its :func:`_key`) → the English one, example blocks marked for
    click (``\\b``) as in the French docstrings."""
    import yaml

    with ENGLISH_HELP.open("rb") as handle:
        entries = yaml.safe_load(handle)
    table: dict[str, str] = {}
    for entry in entries:
        paragraphs = entry["en"].split("\n\n")
        marked = [f"\b\n{p}" if p.startswith("Example") else p for p in paragraphs]
        table[_key(entry["fr"])] = "\n\n".join(marked)
    return table


def english_help(text: str) -> str | None:
    """The English of Carnet's own help ``text`` (a docstring or an option's help)."""
    return _english_help().get(_key(text))


def english() -> bool:
    """Is the current invocation in English?"""
    return _LANG.get().startswith("en")


def translate(message: str) -> str:
    """click's ``gettext``: ``message`` in the invocation's language."""
    if english():
        return message
    found = _french().get(message)
    return found if isinstance(found, str) and found else message


def translate_plural(singular: str, plural: str, count: int) -> str:
    """click's ``ngettext``: the form of ``count``, by Babel's plural category."""
    one = plural_category(count, _LANG.get()) == "one"
    if english():
        return singular if one else plural
    found = _french().get(singular)
    if not isinstance(found, list) or len(found) < 2 or not all(found):
        return singular if one else plural
    return found[0 if one else 1]


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

    def write_text(self, text: str) -> None:
        """A command's help, in English under ``--lang en``."""
        super().write_text((english() and english_help(text)) or text)

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: object, **kwargs: object) -> None:
        """The definition list: click's own help texts translated, and under ``--lang en``
        Carnet's option help and commands' short help in English."""
        translated = [
            (self._term(term), self._translated(text) if text else text) for term, text in rows
        ]
        super().write_dl(translated, *args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def _term(term: str) -> str:
        """An option's name and metavar, the metavar in English under ``--lang en``."""
        if not english():
            return term
        for french, english_term in _ENGLISH_METAVARS.items():
            term = term.replace(french, english_term)
        return term

    @staticmethod
    def _translated(text: str) -> str:
        if not english():
            return translate(text)
        option, extra, rest = text.partition("  [")  # click appends "  [default: …]"
        found = english_help(option) or _english_short_help(option)
        for french, english_default in _ENGLISH_DEFAULTS.items():
            rest = rest.replace(french, english_default)
        return f"{found}{extra}{rest}" if found else translate(text)


_ENGLISH_METAVARS = {
    "DOSSIER": "DIRECTORY",
    "FICHIER": "FILE",
    "N=QTÉ": "N=QTY",
    "PRODUIT=NUMÉROS": "PRODUCT=NUMBERS",
}
"""Metavars as Carnet writes them (or as click's French catalogue gave them once for the
whole process) → English."""
_ENGLISH_DEFAULTS = {"le dossier courant, ou CARNET_REPO": "the current folder, or CARNET_REPO"}
"""Defaults shown in French in option help → English."""


def _english_short_help(short: str) -> str | None:
    """The English of a command's short help (the first sentence of its help, cut by
    click to fit the list of commands)."""
    start = _key(short.removesuffix("..."))
    for french, english_text in _english_help().items():
        if french.startswith(start):
            first = english_text.replace("\b\n", "").split("\n\n")[0]
            return _shortened(first, max(len(short), 45))
    return None


def _shortened(text: str, limit: int) -> str:
    """The first sentence of ``text``, cut between words to ``limit`` characters with
    "..." as click cuts the French one."""
    sentence = text.split("\n")[0].split(". ")[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."


class CarnetContext(click.Context):
    """A context whose help screens go through :class:`CarnetFormatter`."""

    formatter_class = CarnetFormatter


def adopt(command: click.Command) -> None:
    """Give ``command`` (and every command under it) Carnet's context."""
    command.context_class = CarnetContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            adopt(sub)
