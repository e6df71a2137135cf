"""Committing what a command wrote (issuing an invoice, validating a movement).

The issuing commit is the audit trail's anchor: :mod:`generator.checks.frozen` compares
issued documents and validated movements with their state at that commit.
"""

from __future__ import annotations

from pathlib import Path

import git


class CommitError(Exception):
    """The files were written but could not be committed (no repository, no identity)."""


def is_work_tree(repo: Path) -> bool:
    """Is ``repo`` inside a git work tree?"""
    try:
        git.Repo(repo, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
    return True


def commit_paths(repo: Path, paths: list[str], message: str) -> str:
    """Commit ``paths`` (relative to ``repo``) alone with ``message``; the short hash."""
    try:
        repository = git.Repo(repo, search_parent_directories=True)
        repository.git.add("--", *paths)
        repository.git.commit("-m", message, "--only", "--", *paths)
        return repository.head.commit.hexsha[:8]
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise CommitError(f"{repo} n'est pas un dépôt git") from exc
    except git.GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().splitlines()
        raise CommitError(detail[-1] if detail else str(exc)) from exc
