"""``--at REV``: the data as it stood at a commit, tag, branch or date, read from git.

The working tree is never touched: ``git archive`` exports ``data/`` of that revision
into a temporary folder, which the normal pipeline then loads.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class RevisionError(Exception):
    """A revision git cannot resolve in this repository."""


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit id of ``rev`` (a date means the last commit of that day)."""
    if DATE.match(rev):
        args = ["git", "rev-list", "-1", f"--before={rev} 23:59:59", "HEAD"]
    else:
        args = ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"]
    result = subprocess.run(args, cwd=repo, capture_output=True, text=True, check=False)
    commit = result.stdout.strip()
    if result.returncode != 0 or not commit:
        raise RevisionError(rev)
    return commit


@contextmanager
def data_at(repo: Path, rev: str) -> Iterator[tuple[Path, str]]:
    """A temporary repository holding ``data/`` (and ``mkdocs.yml``) as of ``rev``."""
    commit = resolve_revision(repo, rev)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "--", "data"],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise RevisionError(rev)
    with tempfile.TemporaryDirectory(prefix="carnet-at-") as tmp:
        root = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(root, filter="data")
        (root / "data").mkdir(exist_ok=True)
        yield root, commit
