"""What every command shares: the global options, the repository check, loading the Book.

Sub-command modules (invoicing, documents, stock) import from here, never from
:mod:`generator.cli.main`, which imports them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.problems import Refused

if TYPE_CHECKING:
    from generator.book.book import Book
    from generator.files.edits import ChangeSet
    from generator.history.commit import CommitError
    from generator.history.lock import GitPlace
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
    """Refuse (exit 2) a repository that cannot be used at all."""
    if not env.repo.is_dir():
        raise Refused("repo-missing", repo=env.repo)
    if not (env.repo / "data").is_dir():
        raise Refused("repo-without-data", repo=env.repo)


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


def refuse_future(env: Env, day: date, what_fr: str, what_en: str) -> None:
    """Refuse (exit 1) to freeze ``day`` when it is after the real clock's date, unless
    ``--allow-future-date``: a number issued in 2099 would make every real date come
    before the last one of its series."""
    real = date.today()
    if day <= real or env.allow_future_date:
        return
    refuse(
        env.say(
            f"{what_fr} est dans le futur (nous sommes le {real.isoformat()}) : rien n'est "
            "écrit ; corrigez la date, ou ajoutez --allow-future-date "
            "(carnet --allow-future-date …) si c'est voulu",
            f"{what_en} is in the future (today is {real.isoformat()}): nothing written; "
            "fix the date, or add --allow-future-date (carnet --allow-future-date …) if "
            "this is what you want",
        )
    )


@dataclass(frozen=True, slots=True)
class Writing:
    """A writing command's hold on the repository (see :func:`writing`)."""

    env: Env
    commits: bool
    """What is written gets committed (in git, and not ``--no-commit``)."""
    notice: tuple[str, bool] | None = None
    """Why a command that commits will not (``--no-commit``, no git), and on stderr?"""

    def save(self, changes: ChangeSet, message: str = "", announce: str = "") -> str | None:
        """Write ``changes``, then commit them when the command commits: all or nothing
        (a failed commit puts every file back and refuses). Prints each path written,
        ``announce``, then the commit or why there is none; returns the short hash."""
        from generator.files.edits import EditError
        from generator.history.commit import CommitError, commit_paths, unstage

        try:
            paths = changes.write()
        except EditError as exc:
            refuse(exc.message(self.env.lang))
        short = None
        if self.commits:
            try:
                short = commit_paths(self.env.repo, paths, message)
            except CommitError as exc:
                changes.undo()
                unstage(self.env.repo, paths)
                refuse(_commit_failed(self.env, exc))
        for path in paths:
            click.echo(path)
        if announce:
            click.echo(announce)
        if short is not None:
            click.echo(self.env.say(f"enregistré dans git : {short}", f"committed: {short}"))
        elif self.notice is not None:
            click.echo(self.notice[0], err=self.notice[1])
        return short


def _commit_failed(env: Env, exc: CommitError) -> str:
    if exc.lock is not None:
        return _index_locked(env, exc.lock)
    return env.say(
        f"le commit a échoué, rien n'est écrit : {exc}",
        f"the commit failed, nothing written: {exc}",
    )


def _index_locked(env: Env, lock: Path) -> str:
    return env.say(
        f"git est bloqué par {lock} : rien n'est écrit ; si aucune autre commande git ne "
        "tourne (une commande interrompue l'a laissé), supprimez ce fichier et relancez",
        f"git is blocked by {lock}: nothing written; if no other git command is running "
        "(an interrupted one left it), remove that file and run again",
    )


_FINISH = {
    "rebase": (
        "un rebase est en cours : terminez-le (git rebase --continue) ou abandonnez-le "
        "(git rebase --abort)",
        "a rebase is in progress: finish it (git rebase --continue) or abort it "
        "(git rebase --abort)",
    ),
    "merge": (
        "une fusion (merge) est en cours : terminez-la (git commit) ou abandonnez-la "
        "(git merge --abort)",
        "a merge is in progress: finish it (git commit) or abort it (git merge --abort)",
    ),
    "cherry-pick": (
        "un cherry-pick est en cours : terminez-le (git cherry-pick --continue) ou "
        "abandonnez-le (git cherry-pick --abort)",
        "a cherry-pick is in progress: finish it (git cherry-pick --continue) or abort it "
        "(git cherry-pick --abort)",
    ),
    "revert": (
        "un revert est en cours : terminez-le (git revert --continue) ou abandonnez-le "
        "(git revert --abort)",
        "a revert is in progress: finish it (git revert --continue) or abort it "
        "(git revert --abort)",
    ),
    "bisect": (
        "une recherche git bisect est en cours : terminez-la (git bisect reset)",
        "a git bisect is in progress: end it (git bisect reset)",
    ),
    "detached": (
        "HEAD est détaché (sur aucune branche) : revenez sur votre branche (git switch NOM)",
        "HEAD is detached (on no branch): go back to your branch (git switch NAME)",
    ),
}


def _check_git(env: Env, place: GitPlace) -> None:
    """Refuse to commit in the middle of a git operation, past a lock file git left, or
    without an identity: nothing is written yet."""
    from generator.history.commit import has_identity
    from generator.history.lock import index_lock, unfinished_operation

    operation = unfinished_operation(place)
    if operation is not None:
        fr, en = _FINISH[operation]
        refuse(
            env.say(
                f"{fr}, puis relancez ; rien n'est écrit (un commit fait maintenant serait perdu)",
                f"{en}, then run again; nothing written (a commit made now would be lost)",
            )
        )
    lock = index_lock(place)
    if lock is not None:
        refuse(_index_locked(env, lock))
    if not has_identity(env.repo):
        refuse(
            env.say(
                "git ne sait pas qui vous êtes, rien n'est écrit : git config user.name "
                "« Prénom Nom » et git config user.email vous@exemple.fr (ou --no-commit)",
                "git does not know who you are, nothing written: git config user.name "
                "'First Last' and git config user.email you@example.com (or --no-commit)",
            )
        )


@contextmanager
def writing(
    env: Env, *, commits: bool = False, no_commit: bool = False, issuing: bool = False
) -> Iterator[Writing]:
    """Hold the repository for a command that writes data: one such command at a time,
    from before it reads the data (every number is read under the lock) until after its
    commit or rollback (:mod:`generator.history.lock`). A command that finds the lock taken
    says so once and waits up to ``CARNET_LOCK_TIMEOUT`` seconds (30), then refuses.

    ``commits``: the command commits what it writes unless ``no_commit``; it is then
    refused during a rebase, merge, cherry-pick, revert or bisect, on a detached HEAD,
    past a left ``index.lock`` and without a git identity. ``issuing``: it numbers or
    dates what gets frozen, so a ``--today`` after the real date is refused unless
    ``--allow-future-date``.
    """
    from generator.history.lock import (
        LockTimeout,
        LockUnusable,
        exclusive,
        git_place,
        lock_path,
        lock_timeout,
    )

    require_repo(env)
    if issuing and env.today_from is not None:
        shown = f"{env.today_from}={env.today.isoformat()}"
        refuse_future(env, env.today, shown, shown)
    try:
        timeout = lock_timeout(os.environ)
    except ValueError:
        click.echo(
            env.say(
                "carnet: CARNET_LOCK_TIMEOUT : un nombre de secondes (30 par défaut)",
                "carnet: CARNET_LOCK_TIMEOUT: a number of seconds (30 by default)",
            ),
            err=True,
        )
        sys.exit(2)
    place = git_place(env.repo)
    path = lock_path(env.repo, place)

    def waiting() -> None:
        click.echo(
            env.say(
                "en attente d'une autre commande Carnet…", "waiting for another Carnet command…"
            ),
            err=True,
        )

    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive(path, timeout=timeout, on_wait=waiting))
        except LockTimeout:
            refuse(
                env.say(
                    f"une autre commande Carnet travaille encore sur ce dépôt (verrou {path}, "
                    f"attendu {timeout:g} s) : rien n'est écrit, relancez quand elle aura fini",
                    f"another Carnet command is still working on this repository (lock "
                    f"{path}, waited {timeout:g} s): nothing written, run again once it is done",
                )
            )
        except LockUnusable as exc:
            refuse(
                env.say(
                    f"verrou de Carnet inutilisable : {exc} ; rien n'est écrit",
                    f"Carnet's lock cannot be used: {exc}; nothing written",
                )
            )
        if not commits:
            yield Writing(env, False)
        elif no_commit:
            notice = env.say("non enregistré dans git (--no-commit)", "not committed (--no-commit)")
            yield Writing(env, False, (notice, False))
        elif place is None:
            notice = env.say(
                "pas de dépôt git : écrit sans commit", "no git repository: written, not committed"
            )
            yield Writing(env, False, (notice, True))
        else:
            _check_git(env, place)
            yield Writing(env, True)
