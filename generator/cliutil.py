"""What every command shares: the global options, the repository check, loading the Book.

Sub-command modules (invoicing, documents, stock) import from here, never from
:mod:`generator.cli`, which imports them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from generator.book import Book
    from generator.load import LoadResult


@dataclass(frozen=True, slots=True)
class Env:
    """Global options shared by every command."""

    repo: Path
    today: date
    debug: bool
    lang: str | None

    @property
    def en(self) -> bool:
        """Messages in English?"""
        return (self.lang or "fr").startswith("en")

    def say(self, fr: str, en: str) -> str:
        """The French or the English text, by ``--lang``."""
        return en if self.en else fr


def parse_day(value: str | None) -> date:
    """A ``YYYY-MM-DD`` option value (today when empty)."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"date attendue AAAA-MM-JJ, pas « {value} »") from exc


def require_repo(env: Env) -> None:
    """Exit 2 when the repository cannot be used at all."""
    if not env.repo.is_dir():
        click.echo(f"carnet: dépôt introuvable : {env.repo}", err=True)
        sys.exit(2)
    if not (env.repo / "data").is_dir():
        click.echo(
            f"carnet: {env.repo} ne contient pas de dossier data/ (utilisez --repo DIR)", err=True
        )
        sys.exit(2)


def load_valid(env: Env) -> tuple[LoadResult, Book]:
    """Load the repository; print the errors and exit 1 when there are any.

    Commands that change data start from valid data only: every refusal then names the
    problem the user has to fix first.
    """
    from generator.load import load

    require_repo(env)
    result = load(env.repo, today=env.today, lang=env.lang)
    if result.errors or result.book is None:
        for problem in result.problems:
            if problem.is_error:
                click.echo(problem.format_text(), err=True)
        click.echo(
            env.say(
                "carnet: corrigez d'abord ces erreurs (carnet validate)",
                "carnet: fix these errors first (carnet validate)",
            ),
            err=True,
        )
        sys.exit(1)
    return result, result.book


def refuse(message: str) -> None:
    """Print ``carnet: message`` on stderr and exit 1 (operation refused, nothing written)."""
    from generator.problems import printable

    click.echo(f"carnet: {printable(message)}", err=True)
    sys.exit(1)
