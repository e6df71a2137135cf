"""What the invoicing commands share: refusals in one line, dates typed on the command
line, writing a change set and committing it (all or nothing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from generator.cliutil import Env, refuse

if TYPE_CHECKING:
    from generator.edits import ChangeSet


def run(env: Env, action: Callable[[], Any]) -> Any:
    """Run ``action``; a refusal becomes ``carnet: message`` and exit 1 (exit 2 for an
    unknown or ambiguous name, or a value that cannot be read), nothing written."""
    from generator.edits import EditError
    from generator.invoicing.drafting import DocumentError
    from generator.invoicing.parts import InputError
    from generator.naming import RecordNameError

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
    """Write ``changes`` (all or nothing) and print each path."""
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


def _git(repo: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )


def _can_commit(env: Env, no_commit: bool) -> bool:
    """Whether the command will commit what it writes; refused before anything is written
    when git lacks an identity. Outside git the files are written and not committed."""
    if no_commit or shutil.which("git") is None:
        return False
    if _git(env.repo, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        return False
    for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if _git(env.repo, "var", ident).returncode != 0:
            refuse(
                env.say(
                    "git ne sait pas qui vous êtes, rien n'est écrit : git config user.name "
                    "« Prénom Nom » et git config user.email vous@exemple.fr (ou --no-commit)",
                    "git does not know who you are, nothing written: git config user.name "
                    "'First Last' and git config user.email you@example.com (or --no-commit)",
                )
            )
    return True


def write_and_commit(
    env: Env, changes: ChangeSet, message: str, no_commit: bool, announce: str
) -> None:
    """Write ``changes`` and commit them: all or nothing (a failed commit puts the files
    back as they were). Prints the paths, then ``announce``, then the commit."""
    from generator.gitcommit import CommitError, commit_paths

    commit = _can_commit(env, no_commit)
    paths = run(env, changes.write)
    if not commit:
        for path in paths:
            click.echo(path)
        click.echo(announce)
        click.echo(
            env.say("non enregistré dans git (--no-commit)", "not committed (--no-commit)")
            if no_commit
            else env.say(
                "pas de dépôt git : écrit sans commit", "no git repository: written, not committed"
            ),
            err=not no_commit,
        )
        return
    try:
        short = commit_paths(env.repo, paths, message)
    except CommitError as exc:
        changes.undo()
        _git(env.repo, "reset", "-q", "--", *paths)
        detail = str(exc).strip()
        detail = detail[9:-1] if detail.startswith("stderr: '") and detail.endswith("'") else detail
        refuse(
            env.say(
                f"le commit a échoué, rien n'est écrit : {detail}",
                f"the commit failed, nothing written: {detail}",
            )
        )
    for path in paths:
        click.echo(path)
    click.echo(announce)
    click.echo(env.say(f"enregistré dans git : {short}", f"committed: {short}"))
