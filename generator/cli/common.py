"""What every command shares: the global options, the repository check, loading the Book,
dates typed on the command line, printing problems and paths, holding the repository for
a command that writes.

Sub-command modules import from here, never from :mod:`generator.cli.main`, which imports
them. Refusals are :class:`~generator.problems.Refused`, raised by the library (or here)
and printed with their exit code by :class:`generator.cli.main.CarnetGroup` alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from generator.problems import Problem, Refused, printable, text

if TYPE_CHECKING:
    from generator.book.book import Book
    from generator.files.edits import ChangeSet
    from generator.history.commit import Session
    from generator.load import LoadResult


@dataclass(frozen=True, slots=True)
class Env:
    """Global options shared by every command."""

    repo: Path
    today: date
    debug: bool
    lang: str | None
    today_from: str | None = None
    """Where ``today`` came from: ``--today``, ``CARNET_TODAY``, or ``None`` (the clock)."""
    allow_future_date: bool = False
    """``--allow-future-date``: issuing after the real date is wanted."""
    quiet: bool = False
    """``--quiet``: print the problems (and refusals) only."""

    @property
    def en(self) -> bool:
        """Messages in English?"""
        return (self.lang or "fr").startswith("en")

    def say(self, fr: str, en: str) -> str:
        """The French or the English text of a command's own output, by ``--lang``."""
        return en if self.en else fr


def parse_day(value: str | None, lang: str | None = None) -> date:
    """A ``YYYY-MM-DD`` option value (today when empty); click's usage error otherwise."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        english = (lang or "fr").startswith("en")
        raise click.BadParameter(
            f"expected a date YYYY-MM-DD, not '{value}'"
            if english
            else f"date attendue AAAA-MM-JJ, pas « {value} »"
        ) from exc


def day_of(value: str | None, option: str = "--date") -> date | None:
    """An option's date, or ``None``; a malformed date is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Refused("option-date-invalid", option=option, quoted=value) from None


def require_repo(env: Env) -> None:
    """Refuse (exit 2) a repository that cannot be used at all."""
    if not env.repo.is_dir():
        raise Refused("repo-missing", repo=env.repo)
    if not (env.repo / "data").is_dir():
        raise Refused("repo-without-data", repo=env.repo)


_PROBLEM_STREAMS: ContextVar[tuple[TextIO, TextIO] | None] = ContextVar(
    "carnet_problem_streams", default=None
)
"""With ``--quiet``: the real standard output and error, where problems still go."""


@contextmanager
def quieted() -> Iterator[None]:
    """``--quiet``: everything a command prints is dropped but its problems and refusals
    (written through :func:`echo_problem`), which go to the real streams."""
    import sys

    token = _PROBLEM_STREAMS.set((sys.stdout, sys.stderr))
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            yield
    finally:
        _PROBLEM_STREAMS.reset(token)


def echo_problem(line: str, *, err: bool = True) -> None:
    """Print a problem's or a refusal's text: shown even with ``--quiet``."""
    streams = _PROBLEM_STREAMS.get()
    if streams is None:
        click.echo(line, err=err)
    else:
        click.echo(line, file=streams[1] if err else streams[0])


def print_refusal(refusal: Refused, lang: str | None) -> None:
    """``carnet: message`` on stderr, the hint on the next line; safe for a terminal."""
    message, hint = refusal.text(lang)
    echo_problem(f"carnet: {printable(message)}")
    if hint:
        echo_problem(f"    {printable(hint)}")


def print_causes(env: Env, causes: list[tuple[Refused, int]]) -> None:
    """Why documents could not be made, each cause once with how many it stopped
    (``carnet: message (12 documents)``) and its hint, on stderr."""
    for refusal, count in causes:
        message, hint = refusal.text(env.lang)
        if count > 1:
            message += text("documents-stopped", env.lang, count=count)
        echo_problem(f"carnet: {printable(message)}")
        if hint:
            echo_problem(f"    {printable(hint)}")


def issued_line(env: Env, kind: str, number: str, day: date) -> str:
    """« facture F2026-0004 émise le 25 novembre 2026 » (the document's gender agreed)."""
    from generator.locale import day_date, document_gender, document_label

    return text(
        "document-issued",
        env.lang,
        label=document_label(kind, env.lang),
        number=number,
        gender=document_gender(kind),
        day=day_date(day, env.lang or "fr"),
    )


def print_problems(problems: list[Problem]) -> None:
    """Problems on stderr, one per line (with their hint)."""
    for problem in problems:
        echo_problem(problem.format_text())


def shown(repo: Path, path: Path) -> str:
    """A path relative to the repository when it lies inside it."""
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_valid(env: Env) -> tuple[LoadResult, Book]:
    """Load the repository; print its errors and refuse (exit 1) when there are any.

    Commands that change data start from valid data only: every refusal then names the
    problem the user has to fix first.
    """
    from generator.load import load

    require_repo(env)
    result = load(env.repo, today=env.today, lang=env.lang)
    if result.errors or result.book is None:
        print_problems([p for p in result.problems if p.is_error])
        raise Refused("data-errors-first")
    return result, result.book


@dataclass(frozen=True, slots=True)
class Writing:
    """A writing command's hold on the repository (see :func:`writing`): the library's
    session, and the printing of what it saved."""

    env: Env
    session: Session

    def check_not_future(self, when: date, code: str, /, **params: object) -> None:
        """Refuse ``when`` after the real clock's date unless ``--allow-future-date``."""
        self.session.check_not_future(when, code, **params)

    def save(self, changes: ChangeSet, message: str = "", announce: str = "") -> str | None:
        """Write ``changes``, then commit them when the command commits: all or nothing
        (a failed commit puts every file back and refuses). Prints each path written,
        ``announce``, then the commit or why there is none; returns the short hash."""
        from generator.history.commit import NO_COMMIT, NO_GIT

        saved = self.session.save(changes, message)
        for path in saved.paths:
            click.echo(path)
        if announce:
            click.echo(announce)
        if saved.commit is not None:
            click.echo(
                self.env.say(f"enregistré dans git : {saved.commit}", f"committed: {saved.commit}")
            )
        elif self.session.notice == NO_COMMIT:
            click.echo(
                self.env.say("non enregistré dans git (--no-commit)", "not committed (--no-commit)")
            )
        elif self.session.notice == NO_GIT:
            click.echo(
                self.env.say(
                    "pas de dépôt git : écrit sans commit",
                    "no git repository: written, not committed",
                ),
                err=True,
            )
        return saved.commit


@contextmanager
def writing(
    env: Env, *, commits: bool = False, no_commit: bool = False, issuing: bool = False
) -> Iterator[Writing]:
    """Hold the repository for a command that writes data
    (:func:`generator.history.commit.writing`): one such command at a time, from before it
    reads the data until after its commit or rollback; a command that finds the lock taken
    says so once and waits up to ``CARNET_LOCK_TIMEOUT`` seconds (30), then refuses.

    ``issuing``: the command numbers or dates what gets frozen, so a ``--today`` after the
    real date is refused unless ``--allow-future-date``.
    """
    from generator.history.commit import check_not_future
    from generator.history.commit import writing as hold

    require_repo(env)
    if issuing and env.today_from is not None:
        shown_today = f"{env.today_from}={env.today.isoformat()}"
        check_not_future(env.today, env.allow_future_date, "future-today", setting=shown_today)

    def waiting() -> None:
        click.echo(
            env.say(
                "en attente d'une autre commande Carnet…", "waiting for another Carnet command…"
            ),
            err=True,
        )

    with hold(
        env.repo,
        commits=commits,
        no_commit=no_commit,
        allow_future=env.allow_future_date,
        on_wait=waiting,
    ) as session:
        yield Writing(env, session)
