"""``--at REV``: the data as it stood at a commit, tag, branch or date, read from git.

The working tree is never touched: ``git archive`` exports ``data/`` of that revision
into a temporary folder, which the normal pipeline then loads. Symbolic links are
recreated as they were, after every file, so that nothing is ever written through one;
the pipeline then refuses those that leave the folder, as it does in a working tree.
"""

from __future__ import annotations

import io
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from generator.history.git import archive
from generator.history.git import resolve_revision as resolve
from generator.problems import Refused

DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit id of ``rev`` (a date means the last commit of that day).

    Refused as a usage error: ``revision-impossible-date`` for a ``YYYY-MM-DD`` that is no
    calendar date (git would guess one), ``revision-unknown`` for what git cannot resolve.
    """
    day = bool(DATE.match(rev))
    if day:
        try:
            date.fromisoformat(rev)
        except ValueError as exc:
            raise Refused("revision-impossible-date", quoted=rev) from exc
    commit = resolve(repo, rev, day=day)
    if commit is None:
        raise Refused("revision-unknown", quoted=rev)
    return commit


@contextmanager
def data_at(repo: Path, rev: str) -> Iterator[tuple[Path, str]]:
    """A temporary repository holding ``data/`` as of ``rev`` (the work tree's ``mkdocs.yml``
    stays the one the site is built with)."""
    commit = resolve_revision(repo, rev)
    tar = archive(repo, commit, "data")
    if tar is None:
        raise Refused("revision-unknown", quoted=rev)
    with tempfile.TemporaryDirectory(prefix="carnet-at-") as tmp:
        root = Path(tmp)
        links: list[tuple[str, str]] = []
        with tarfile.open(fileobj=io.BytesIO(tar)) as data:
            data.extractall(root, filter=_files_then_links(links))
        (root / "data").mkdir(exist_ok=True)
        _make_links(root, links)
        yield root, commit


def _make_links(root: Path, links: list[tuple[str, str]]) -> None:
    """Recreate the symbolic links of the archive, never inside (or over) another link."""
    real_root = root.resolve()
    for name, target in links:
        place = root / name
        try:
            if place.parent.resolve(strict=True) == (real_root / name).parent:
                place.symlink_to(target)
        except OSError:
            continue  # a malformed tree (a name both a folder and a link): left out


def _files_then_links(
    links: list[tuple[str, str]],
) -> Callable[[tarfile.TarInfo, str], tarfile.TarInfo | None]:
    """A tar filter: ``data`` for files and folders; links are put aside in ``links``."""

    def keep(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
        try:
            if member.issym():
                name = tarfile.data_filter(member.replace(linkname="x"), dest).name
                links.append((name, member.linkname))
                return None
            return tarfile.data_filter(member, dest)
        except tarfile.FilterError:
            return None  # git archive writes nothing else (no hard link, no device)

    return keep
