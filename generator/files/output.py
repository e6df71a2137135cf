"""Where commands write: their output folders under ``build/`` (or ``--out``), reached
without ever following a symbolic link a repository could hold.

A data repository may carry, committed or left by an archive, ``build -> /elsewhere``,
``build/documents -> ~/.ssh`` or ``build/documents/F2026-0001.pdf -> /proc/self/environ``.
So every default output folder is checked component by component from the repository
down (each one a real folder, created when missing: :func:`output_dir`), Carnet's own
staging folders are rid of every link they hold before use (:func:`staging_folder`),
what a command reads back from an output folder (a PDF it rendered earlier, a file it is
about to replace) is opened with ``O_NOFOLLOW`` (a link there reads as nothing), and
what it deletes there is the link itself, never what it points to (:func:`remove`,
:func:`empty_folder`). A folder given with ``--out`` is the user's choice and is taken
as it is.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from generator.problems import Refused

BUILD = "build"
"""The folder of every default output, at the top of the repository."""
PRIVATE_AREAS = "prive"
"""The folder of the internal site holding one sealed area per private project (the site
names it, the extranet package writes into it)."""
OUTPUTS = {
    "site": "site",
    "serve": "serve",
    "extranet": "extranet",
    "documents": "documents",
    "stock": "stock",
    "merge": "merge",
}
"""The default output folder of each target, under :data:`BUILD`."""


def output_dir(repo: Path, target: str, *, out: Path | None = None, create: bool = True) -> Path:
    """The folder ``target`` (``site``, ``documents``…) writes into: ``out`` when the user
    named one (taken as it is), else ``repo/build/<folder>`` reached by
    :func:`real_folder` (``Refused("output-link")`` for a link on the way). With
    ``create=False`` nothing is made: missing components are fine, existing ones must be
    real folders (for the commands that only read, or check before they write)."""
    if out is not None:
        if create:
            out.mkdir(parents=True, exist_ok=True)
        return out
    if create:
        return real_folder(repo, BUILD, OUTPUTS[target])
    return checked_path(repo, BUILD, OUTPUTS[target])


def output_folder(repo: Path, *parts: str, out: Path | None = None) -> Path:
    """``out`` when the user named one, else ``repo/build/<parts…>``; the folder exists on
    return. Raises :class:`~generator.problems.Refused` (``output-link``) when a component
    of the default path is a symbolic link or not a folder: nothing is written."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        return out
    return real_folder(repo, BUILD, *parts)


def checked_path(repo: Path, *parts: str) -> Path:
    """``repo/<parts…>`` without creating anything: each component that exists must be a
    real folder, never a symbolic link (``Refused("output-link")`` otherwise)."""
    folder = repo
    for part in parts:
        folder = folder / part
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            break
        if not stat.S_ISDIR(info.st_mode):
            raise Refused("output-link", path=folder.relative_to(repo).as_posix())
    return repo.joinpath(*parts)


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


def read_state(path: Path) -> dict[str, Any]:
    """The JSON object a build kept in ``path`` (Carnet's own state files, read without
    following a link), or an empty one when it is missing, unreadable or not an object:
    the build then starts afresh."""
    try:
        data = read_output(path)
        found = json.loads(data) if data is not None else {}
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def is_plain_file(path: Path) -> bool:
    """Is ``path`` a regular file itself (not a link to one)?"""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def staging_folder(repo: Path, *parts: str) -> Path:
    """``repo/build/<parts…>``, a folder only Carnet writes in (where it stages pages
    between or during builds). ``build/`` is reached like every output folder; below it,
    a link or a file standing where a folder of Carnet's should be is removed (the link
    itself), and so is every link or special file inside: nothing staged there is ever
    written through a link, nothing deleted there is ever found through one."""
    folder = real_folder(repo, BUILD)
    for part in parts:
        folder = folder / part
        if os.path.lexists(folder) and not _is_real_folder(folder):
            remove(folder)
        folder.mkdir(exist_ok=True)
    clear_links(folder)
    return folder


def clear_links(folder: Path) -> None:
    """Remove every symbolic link (and FIFO, socket, device) below the real folder
    ``folder``, without following any: what remains are plain files and folders."""
    for root, dirs, files in os.walk(folder):  # never descends into a linked folder
        for name in dirs + files:
            path = os.path.join(root, name)
            try:
                mode = os.lstat(path).st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    os.unlink(path)
            except FileNotFoundError:  # removed meanwhile (another run's own folder)
                pass


def remove(path: Path) -> None:
    """Delete ``path``: a real folder with everything in it, or else the entry itself (a
    link is removed, never what it points to). Missing is fine."""
    if _is_real_folder(path):
        shutil.rmtree(path)  # removes the links inside, never follows them
    else:
        path.unlink(missing_ok=True)


def empty_folder(folder: Path) -> None:
    """Delete everything inside ``folder`` (which stays, even when it is the user's link
    to a folder of theirs); a link inside is removed, never followed."""
    for entry in os.scandir(folder):
        remove(Path(entry.path))


def _is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False
