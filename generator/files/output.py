"""Where commands write: their output folders under ``build/`` (or ``--out``), reached
without ever following a symbolic link a repository could hold.

A data repository may carry, committed or left by an archive, ``build -> /elsewhere``,
``build/documents -> ~/.ssh`` or ``build/documents/F2026-0001.pdf -> /proc/self/environ``.
So every default output folder is checked component by component from the repository
down (each one a real folder, created when missing), and what a command reads back from
an output folder (a PDF it rendered earlier, a file it is about to replace) is opened
with ``O_NOFOLLOW``: a link there reads as nothing. A folder given with ``--out`` is the
user's choice and is taken as it is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.problems import Refused

BUILD = "build"
"""The folder of every default output, at the top of the repository."""


def output_folder(repo: Path, *parts: str, out: Path | None = None) -> Path:
    """``out`` when the user named one, else ``repo/build/<parts…>``; the folder exists on
    return. Raises :class:`~generator.problems.Refused` (``output-link``) when a component
    of the default path is a symbolic link or not a folder: nothing is written."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        return out
    return real_folder(repo, BUILD, *parts)


def real_folder(repo: Path, *parts: str) -> Path:
    """``repo/<parts…>``, each component a real folder (created when missing), never a
    symbolic link; ``Refused("output-link")`` otherwise."""
    folder = repo
    for part in parts:
        folder = folder / part
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            try:
                os.mkdir(folder)
            except FileExistsError:  # made meanwhile by another command: check it
                info = os.lstat(folder)
            else:
                continue
        if not stat.S_ISDIR(info.st_mode):
            raise Refused("output-link", path=folder.relative_to(repo).as_posix())
    return folder


def read_output(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (``None``: missing, a symbolic link, or
    not a regular file): what an output folder holds is read without following links."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR, errno.EACCES):
            return None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def is_plain_file(path: Path) -> bool:
    """Is ``path`` a regular file itself (not a link to one)?"""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
