"""What the invoicing commands share: refusals in one line, dates typed on the command
line, writing a change set. Writing and committing under the repository's lock is
:func:`generator.cli.common.writing`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from generator.cli.common import Env, refuse

if TYPE_CHECKING:
    from generator.files.edits import ChangeSet


def run(env: Env, action: Callable[[], Any]) -> Any:
    """Run ``action``; a refusal becomes ``carnet: message`` and exit 1 (exit 2 for an
    unknown or ambiguous name, or a value that cannot be read), nothing written."""
    from generator.book.naming import RecordNameError
    from generator.files.edits import EditError
    from generator.invoicing.drafting import DocumentError
    from generator.invoicing.parts import InputError

    try:
        return action()
    except RecordNameError as exc:
        usage(exc.message(env.lang or "fr"))
    except InputError as exc:
        usage(exc.message(env.lang))
    except (DocumentError, EditError) as exc:
        refuse(exc.message(env.lang))


def usage(message: str) -> None:
    """A value the command cannot read: one line, exit 2 (usage)."""
    click.echo(f"carnet: {message}", err=True)
    sys.exit(2)


def find(env: Env, book: Any, name: str) -> Any:
    """The document ``name`` designates (:func:`~generator.invoicing.drafting.find_document`)."""
    from generator.invoicing.drafting import find_document

    return run(env, lambda: find_document(env.repo, book, name))


def write(env: Env, changes: ChangeSet) -> list[str]:
    """Write ``changes`` (all or nothing) and print each path; call it inside
    :func:`generator.cli.common.writing`, which holds the repository's lock."""
    paths = run(env, changes.write)
    for path in paths:
        click.echo(path)
    return paths


def day_of(env: Env, value: str | None, option: str = "--date") -> date | None:
    """An option's date, or ``None``; a malformed date is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        usage(
            env.say(
                f"{option} : date attendue AAAA-MM-JJ, pas « {value} »",
                f"{option}: expected a date YYYY-MM-DD, not '{value}'",
            )
        )
    return None  # pragma: no cover - _usage exits
