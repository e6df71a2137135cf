"""Reading the audit trail: git once per command, the per-commit changes cached.

:func:`read_git` finds the work tree (by reading ``.git``) and runs the one ``git status``
of a command; :func:`load_history` reads the changes of every record from ``git log``
(only the commits the cache does not hold yet) and ``git cat-file``, into a
:class:`~generator.history.trail.History`. The per-commit changes are cached in
``.carnet-cache/history-<code>.json``: an unchanged HEAD costs no ``git log`` at all, and
a new commit costs its own diff only. A shallow clone starts at its oldest commit.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.files.cache import CACHE_DIR, Cache, decode_value, encode_value
from generator.files.collector import collections_paused
from generator.history.git import (
    BlobReader,
    Git,
    Status,
    WorkTree,
    find_work_tree,
    read_status,
)
from generator.history.log import Entry, Record, diff_log, read_bytes, work_tree_changes
from generator.history.trail import CommitInfo, History, _chronological
from generator.problems import Problem, make_problem

CACHE_NAME = "history"
_CACHE_VERSION = 3  # 3: the changes of originals (data/documents/issued/)


def load_history(
    repo: Path,
    cache: Cache | None = None,
    *,
    found: tuple[WorkTree, Git, Status] | None = None,
) -> History | None:
    """The history of every record of ``repo``, or ``None`` without git or a work tree.

    ``cache`` keeps the per-commit changes between runs (by default the repository's own,
    unless git tracks it). ``found``: the
    work tree, its runner and its status when the caller has read them already
    (:func:`read_git`), so that ``git status`` runs once per command.
    """
    found = found or read_git(repo, also=(CACHE_DIR,) if cache is None else ())
    if found is None:
        return None
    tree, git, status = found
    if cache is None:
        cache = Cache(repo, tracked=cache_tracked(repo, status))
    blobs = BlobReader(git)
    try:
        with collections_paused():  # many small acyclic objects, made at once
            records, diffed, work, mtimes = _read_all(repo, git, tree, status, cache, blobs)
    except BaseException:
        blobs.close()
        raise
    chronological = _chronological(records)
    if work:
        now = max(mtimes.values(), default=None) or datetime.now().astimezone()
        chronological.append((CommitInfo(None, "", "", now, ""), tuple(work)))
    return History(repo, git, tree.prefix, chronological, mtimes, diffed, blobs)


def cache_tracked(repo: Path, status: Status) -> bool:
    """Does git track a file of ``.carnet-cache/`` (one ``status`` does not list as
    untracked or ignored, when asked with ``also=(CACHE_DIR,)``)? Such a cache came with
    the repository: it is never read nor written."""
    folder = repo / CACHE_DIR
    try:
        names = [e.name for e in os.scandir(folder) if not e.is_dir(follow_symlinks=False)]
    except OSError:
        return folder.is_symlink()
    return any(f"{CACHE_DIR}/{name}" not in status.untracked for name in names)


class GitState:
    """The git side of one command, ``git status`` read only when it is needed.

    A run whose files are unchanged (by content) and whose git files are unchanged (by
    metadata: HEAD and the branch it names, the index, packed refs, configuration and
    ignore files; git replaces each by a rename, so a change shows as a new inode) would
    read the very same status as the run before: :meth:`fingerprint` lets the caller
    answer from what that run stored, without the ``git status`` that stats every file.
    """

    def __init__(self, repo: Path, tree: WorkTree) -> None:
        self.repo = repo
        self.tree = tree
        self.git = Git(repo)
        self._status: Status | None = None
        self._read = False

    def status(self) -> Status | None:
        """The one ``git status`` of the command (``None`` when git cannot read it)."""
        if not self._read:
            self._status = read_status(self.git, self.tree.prefix, (CACHE_DIR,))
            self._read = True
        return self._status

    def found(self) -> tuple[WorkTree, Git, Status] | None:
        """The work tree, its runner and its status, as :func:`read_git` gives them."""
        status = self.status()
        return None if status is None else (self.tree, self.git, status)

    def cache_tracked(self) -> bool:
        """Does git track a file of ``.carnet-cache/``? (One ``git ls-files``, reading the
        index only, and only when the folder exists.)"""
        folder = self.repo / CACHE_DIR
        if not os.path.lexists(folder):
            return False
        if folder.is_symlink():
            return True
        out = self.git.run(["ls-files", "-z", "--", CACHE_DIR])
        return out is None or bool(out.strip(b"\0"))

    def fingerprint(self) -> list[Any]:
        """The metadata of every git file ``git status`` depends on, as JSON data."""
        tree = self.tree
        paths = [
            tree.git_dir / "HEAD",
            tree.git_dir / "index",
            tree.common_dir / "packed-refs",
            tree.common_dir / "config",
            tree.common_dir / "info" / "exclude",
            tree.top / ".gitignore",
            self.repo / "data" / ".gitignore",
        ]
        head = read_bytes(tree.git_dir / "HEAD") or b""
        if head.startswith(b"ref: "):
            paths.append(tree.common_dir / head[5:].strip().decode("utf-8", "replace"))
        state: list[Any] = [head.decode("utf-8", "replace")]
        for path in paths:
            try:
                info = os.stat(path)
            except OSError:
                state.append(None)
                continue
            state.append([info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino])
        return state


def read_git(repo: Path, also: tuple[str, ...] = ()) -> tuple[WorkTree, Git, Status] | None:
    """The work tree holding ``repo``, a runner there and its status (one ``git status``;
    ``also``: folders whose untracked files the status lists too), or ``None``."""
    tree = find_work_tree(repo)
    if tree is None:
        return None
    git = Git(repo)
    status = read_status(git, tree.prefix, also)
    return None if status is None else (tree, git, status)


def _read_all(
    repo: Path,
    git: Git,
    tree: WorkTree,
    status: Status,
    cache: Cache | None,
    blobs: BlobReader,
) -> tuple[list[Record], int, list[Entry], dict[str, datetime]]:
    """Committed changes (from the cache, then the log), uncommitted ones and their dates."""
    head, uncommitted = status.head, status.entries
    shallow = (read_bytes(tree.shallow_file) or b"") if tree.shallow else b""
    key = [_CACHE_VERSION, tree.prefix, shallow.hex()]
    stored = _cached_records(cache.load(CACHE_NAME) if cache is not None else None, key)
    diffed = 0
    if head is None:
        records: list[Record] = []
    elif stored["head"] == head:
        records = stored["records"]
    else:
        records, diffed, complete = diff_log(git, tree.prefix, blobs, stored["records"])
        if cache is not None and complete:
            cache.store(CACHE_NAME, {"key": key, "head": head, "records": _records_data(records)})
    work, mtimes = work_tree_changes(repo, uncommitted, blobs)
    return records, diffed, work, mtimes


def _cached_records(stored: Any, key: list[Any]) -> dict[str, Any]:
    """The cached head and records when they were written for ``key``, else nothing."""
    empty: dict[str, Any] = {"head": None, "records": []}
    if not isinstance(stored, dict) or stored.get("key") != key:
        return empty
    try:
        records = [
            (
                commit,
                author,
                email,
                datetime.fromisoformat(when),
                subject,
                tuple(
                    (at, field, decode_value(old), decode_value(new), kind, note)
                    for at, field, old, new, kind, note in entries
                ),
            )
            for commit, author, email, when, subject, entries in stored["records"]
        ]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return empty  # a damaged cache: read the history again
    return {"head": stored.get("head"), "records": records}


def _records_data(records: list[Record]) -> list[list[Any]]:
    """The per-commit changes as JSON data (see :func:`_cached_records`)."""
    return [
        [
            commit,
            author,
            email,
            when.isoformat(),
            subject,
            [
                [at, field, encode_value(old), encode_value(new), kind, note]
                for at, field, old, new, kind, note in entries
            ],
        ]
        for commit, author, email, when, subject, entries in records
    ]


def history_notice(repo: Path, lang: str = "fr") -> Problem | None:
    """The one ``info`` notice to report when :func:`load_history` gives ``None``.

    ``None`` when git and a work tree are there. Code ``history-unavailable``.
    """
    if shutil.which("git") is None:
        reason = ("git introuvable", "git not found")
        hint = ("installez git", "install git")
    elif find_work_tree(repo) is None:
        reason = ("pas de dépôt git", "not a git repository")
        hint = (
            "pour suivre les modifications : git init && git add data && git commit -m 'Reprise'",
            "git init && git add data && git commit -m 'Reprise'",
        )
    else:
        return None
    return make_problem(
        "history-unavailable",
        ".git",
        lang=lang,
        reason=reason[0],
        reason_en=reason[1],
        hint=hint[0],
        hint_en=hint[1],
    )
