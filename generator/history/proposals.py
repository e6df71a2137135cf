"""Proposals in git: each one a commit on its own branch, for review and merge.

:func:`commit_to_branch` writes files as a new commit on top of ``HEAD`` on a new branch
(``proposals/<person>/<date>``), without touching the work tree, the index or the
current branch (git's plumbing, with a private index). The commit is authored by Carnet;
its message carries the person (``Proposed-by:``) and the proposal's id
(``Carnet-Proposal:``), by which :func:`proposal_seen` recognises a replay.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from generator.history.git import _CONFIG, find_work_tree
from generator.problems import Refused

AUTHOR = ("Carnet", "carnet@localhost")
BRANCHES = "refs/heads/proposals/"


def _git(
    folder: Path, args: list[str], data: bytes | None = None, env: dict[str, str] | None = None
) -> str:
    try:
        proc = subprocess.run(
            ["git", *_CONFIG, *args],
            cwd=folder,
            input=data,
            capture_output=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except OSError as exc:
        raise Refused("git-commit-failed", detail=str(exc)) from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Refused("git-commit-failed", detail=lines[-1] if lines else "git")
    return proc.stdout.decode("utf-8", "replace").strip()


def free_branch(folder: Path, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``… when it exists."""
    existing = set(_git(folder, ["for-each-ref", "--format=%(refname:short)", BRANCHES]).split())
    name, n = wanted, 1
    while name in existing:
        n += 1
        name = f"{wanted}-{n}"
    return name


def commit_to_branch(folder: Path, branch: str, files: dict[str, bytes], message: str) -> str:
    """Commit ``files`` (paths relative to ``folder``) on top of ``HEAD`` as the new
    branch ``branch``; the commit's short id. Nothing else changes."""
    tree = find_work_tree(folder)
    if tree is None:
        raise Refused("git-commit-failed", detail="not a git work tree")
    name, email = AUTHOR
    identity = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    head = _git(folder, ["rev-parse", "--verify", "HEAD^{commit}"])
    with tempfile.TemporaryDirectory(prefix="carnet-proposal-") as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(folder, ["read-tree", head], env=index)
        for rel, data in files.items():
            blob = _git(folder, ["hash-object", "-w", "--stdin"], data=data)
            path = tree.prefix + rel
            _git(
                folder, ["update-index", "--add", "--cacheinfo", f"100644,{blob},{path}"], env=index
            )
        written = _git(folder, ["write-tree"], env=index)
    commit = _git(
        folder, ["commit-tree", written, "-p", head, "-F", "-"], data=message.encode(), env=identity
    )
    _git(folder, ["update-ref", f"refs/heads/{branch}", commit, "0" * 40])
    return commit[:8]


def proposal_seen(folder: Path, nonce: str) -> bool:
    """Is the proposal ``nonce`` already in a commit of any branch (applied, merged or
    pending)?"""
    found = _git(folder, ["log", "--all", "--format=%H", "-F", f"--grep=Carnet-Proposal: {nonce}"])
    return bool(found)


def pending_proposals(folder: Path) -> list[tuple[str, str, str]]:
    """The proposal branches not merged into ``HEAD``: name, date, subject."""
    out = _git(
        folder,
        [
            "for-each-ref",
            "--no-merged=HEAD",
            "--format=%(refname:short)%09%(committerdate:short)%09%(contents:subject)",
            BRANCHES,
        ],
    )
    rows = [line.split("\t", 2) for line in out.splitlines() if line]
    return [(r[0], r[1], r[2] if len(r) > 2 else "") for r in rows]
