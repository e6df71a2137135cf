"""Git for ``carnet init`` and ``carnet new``: a new repository and its first commit, and
who the person at the keyboard is by git's account.

Like every module of :mod:`generator.history`, it is the only kind of code that starts git.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.history.committing import has_identity
from generator.history.git import Git
from generator.problems import Refused


def git_available() -> bool:
    """Is the ``git`` program on the ``PATH``?"""
    return shutil.which("git") is not None


def has_no_commit(folder: Path) -> bool:
    """Is ``folder`` a git repository without any commit yet (HEAD unborn)?"""
    git = Git(folder)
    inside = git.run(["rev-parse", "--is-inside-work-tree"])
    if inside is None or inside.strip() != b"true":
        return False
    return git.run(["rev-parse", "--verify", "--quiet", "HEAD"]) is None


def author_identity(folder: Path) -> tuple[str | None, str | None]:
    """The name and e-mail address git signs commits with in ``folder``
    (``GIT_AUTHOR_NAME`` / ``GIT_AUTHOR_EMAIL``, else ``user.name`` / ``user.email``); each
    ``None`` when git has none (or is missing)."""
    where = folder
    while not where.is_dir() and where != where.parent:
        where = where.parent
    git = Git(where)
    found: list[str | None] = []
    for variable, key in (("GIT_AUTHOR_NAME", "user.name"), ("GIT_AUTHOR_EMAIL", "user.email")):
        value = os.environ.get(variable)
        if not value:
            out = git.run(["config", "--get", key])
            value = out.decode("utf-8", "replace").strip() if out is not None else None
        found.append(value or None)
    return found[0], found[1]


def start_repository(folder: Path, message: str) -> str:
    """``git init`` in ``folder`` (unless it is already a repository without commits), then
    commit everything it holds with ``message``; the short hash of that first commit.

    Refused before committing when git does not know the author (``git-identity-missing``)
    and when the commit fails (``git-commit-failed``); ``.git`` is then left as it was
    found (removed when this function made it).
    """
    import git

    made = not (folder / ".git").exists()
    try:
        repository = git.Repo.init(folder, initial_branch="main") if made else git.Repo(folder)
        if not has_identity(folder):
            raise Refused("git-identity-missing")
        repository.git.add("-A")
        repository.git.commit("-q", "-m", message)
        return str(repository.head.commit.hexsha[:8])
    except git.GitCommandError as exc:
        if made:
            shutil.rmtree(folder / ".git", ignore_errors=True)
        lines = str(getattr(exc, "stderr", "") or exc).strip().strip("'").splitlines()
        raise Refused("git-commit-failed", detail=lines[-1] if lines else str(exc)) from exc
    except Refused:
        if made:
            shutil.rmtree(folder / ".git", ignore_errors=True)
        raise
