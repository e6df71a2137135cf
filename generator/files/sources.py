"""Finding and reading record files: the cheap first step of every run.

A data repository may come from a stranger's pull request, so nothing here ever reads
outside it: a symbolic link is followed only when its target stays inside the
repository and out of hidden files and folders (``.git/``, ``.carnet-secrets.yaml``);
folders are walked at most once (no link loop, no link fan-out); only regular files are
read. Everything refused becomes a :class:`FileNote`, reported as ``file-unreadable``.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from generator.files.layout import (
    AUXILIARY_FOLDERS,
    FOLDERS,
    SEND_LOG,
    SEND_LOG_SUFFIX,
    SETTINGS_PATH,
    Folder,
    is_send_log,
)

OUTSIDE = "outside"
LINK_LOOP = "loop"
WALKED = "walked"
FOLDER = "folder"
SPECIAL = "special"
MISSING = "missing"
REASONS = {
    OUTSIDE: (
        "lien symbolique qui sort du dépôt, mène à un fichier caché ou à un dossier qui le "
        "contient : jamais suivi",
        "symbolic link leaving the repository, or leading to a hidden file or to a folder "
        "holding it: never followed",
    ),
    LINK_LOOP: ("boucle de liens symboliques", "symbolic link loop"),
    WALKED: (
        "lien symbolique vers un dossier déjà parcouru (boucle ou doublon) : non suivi",
        "symbolic link to a folder already walked (loop or duplicate): not followed",
    ),
    FOLDER: (
        "c'est un dossier : un enregistrement est un fichier .yaml",
        "this is a folder: a record is a .yaml file",
    ),
    SPECIAL: (
        "pas un fichier ordinaire (tube, socket, périphérique…) : jamais lu",
        "not a regular file (pipe, socket, device…): never read",
    ),
    MISSING: ("lien cassé ou fichier disparu", "broken link or vanished file"),
}
"""Why a file is unreadable (the hint of ``file-unreadable``), French and English."""


class SourceFile(NamedTuple):
    """A record file found under ``data/`` (a tuple: tens of thousands are made per run)."""

    kind: str
    path: str
    id: str


@dataclass(frozen=True, slots=True)
class FileNote:
    """A file that is not a record where one was expected (rendered as a problem later)."""

    code: str
    path: str
    reason: str = ""
    """A key of :data:`REASONS`, when known."""


@dataclass(slots=True)
class Walked:
    """What a walk of ``data/`` met, to tell later whether its listing still holds
    (:mod:`generator.files.listing`): each folder's metadata, taken before it was listed
    (``None`` when it could not be stat'ed), and whether a symbolic link was met."""

    folders: list[tuple[str, os.stat_result | None]] = field(default_factory=list)
    linked: bool = False


def discover(repo: Path, walked: Walked | None = None) -> tuple[list[SourceFile], list[FileNote]]:
    """Every record file under ``repo/data`` by kind, and the misplaced ones (``walked``,
    when given, hears of every folder listed and of links)."""
    files: list[SourceFile] = []
    notes: list[FileNote] = []
    root = _Root(repo)
    data = os.path.join(str(repo), "data")
    real = os.path.realpath(data)
    if not root.holds(real):
        notes.append(FileNote("file-unreadable", "data", OUTSIDE))
        return files, notes
    if walked is not None and real != os.path.join(root.real, "data"):
        walked.linked = True
    _Walk(root, files, notes, walked=walked).folder(data, "data", real)
    return files, notes


_FOLDER_KINDS = {f.path: f for f in FOLDERS}


class _Root:
    """The repository's real path, and whether a real path stays inside it."""

    def __init__(self, repo: Path) -> None:
        self.real = os.path.realpath(repo)
        self._prefix = self.real.rstrip(os.sep) + os.sep

    def holds(self, real: str) -> bool:
        """``real`` is the repository or inside it, outside every hidden file or folder."""
        if real == self.real:
            return True
        if not real.startswith(self._prefix):
            return False
        return not any(part.startswith(".") for part in real[len(self._prefix) :].split(os.sep))

    def holds_below(self, real: str, where: str) -> bool:
        """A folder link found in the folder ``where`` (a real path) may lead to ``real``:
        inside the repository, not hidden, and neither the repository itself nor a folder
        holding the link (``data/documents -> ..`` would open the whole repository)."""
        if real == self.real or not self.holds(real):
            return False
        return not (where + os.sep).startswith(real + os.sep)


@dataclass(slots=True)
class _Walk:
    """One walk of ``data/``: a link never leads to a folder already walked."""

    root: _Root
    files: list[SourceFile]
    notes: list[FileNote]
    visited: set[str] = field(default_factory=set)
    walked: Walked | None = None

    def folder(self, folder: str, prefix: str, real: str, kind: Folder | None = None) -> None:
        """Walk ``folder`` (real path ``real``); the kind of its files is decided once."""
        self.visited.add(real)
        if self.walked is not None:
            try:  # before listing: a change while it is listed shows next time
                self.walked.folders.append((prefix, os.lstat(folder)))
            except OSError:
                self.walked.folders.append((prefix, None))
        try:
            with os.scandir(folder) as found:
                entries = {entry.name: entry for entry in found}
        except OSError:
            return
        here = _FOLDER_KINDS.get(prefix, kind)
        nested_ok = here is not None and (here.path == prefix or here.nested)
        record_kind = here.kind if here is not None and nested_ok else None
        add = self.files.append
        for name in sorted(entries):
            if name.startswith("."):
                continue
            entry = entries[name]
            rel = f"{prefix}/{name}"
            if (
                record_kind
                and name.endswith(".yaml")
                and not name.endswith(SEND_LOG_SUFFIX)
                and entry.is_file(follow_symlinks=False)
            ):
                add(SourceFile(record_kind, rel, name[:-5]))  # the common case, by d_type
                continue
            if self.walked is not None and entry.is_symlink():
                self.walked.linked = True
            try:
                is_dir = entry.is_dir()
            except OSError:  # a link that points to itself, directly or not
                self.notes.append(FileNote("file-unreadable", rel, LINK_LOOP))
                continue
            if is_dir:
                self._subfolder(entry, rel, real, here)
                continue
            # FIFOs, sockets and broken links are kept: reading them reports them
            if name.endswith(".yaml"):
                if is_send_log(rel):
                    self.files.append(SourceFile(SEND_LOG, rel, name[: -len(SEND_LOG_SUFFIX)]))
                elif here is not None and nested_ok:
                    self.files.append(SourceFile(here.kind, rel, name[:-5]))
                elif rel != SETTINGS_PATH:
                    self.notes.append(FileNote("file-unexpected", rel))
            elif name.endswith(".yml"):
                self.notes.append(FileNote("file-yml-extension", rel))

    def _subfolder(self, entry: os.DirEntry[str], rel: str, real: str, here: Folder | None) -> None:
        link = entry.is_symlink()
        target = os.path.realpath(entry.path) if link else f"{real}/{entry.name}"
        if link and not self.root.holds_below(target, real):
            self.notes.append(FileNote("file-unreadable", rel, OUTSIDE))
        elif entry.name.endswith(".yaml"):
            self.notes.append(FileNote("file-unreadable", rel, FOLDER))
        elif link and target in self.visited:
            self.notes.append(FileNote("file-unreadable", rel, WALKED))
        elif not rel.startswith(AUXILIARY_FOLDERS):
            self.folder(entry.path, rel, target, here)


IMPORTS_FOLDER = "data/imports"
"""Where the saved import mappings live (``carnet import … --save-mapping NAME``)."""


def read_mappings(repo: Path) -> tuple[list[tuple[str, bytes]], list[FileNote]]:
    """The saved import mappings (``data/imports/*.yaml``, sorted) with their bytes, read
    as record files are (never through a link leaving the repository), and notes for the
    ones that cannot be read."""
    try:
        names = sorted(n for n in os.listdir(repo / IMPORTS_FOLDER) if n.endswith(".yaml"))
    except OSError:
        return [], []
    paths = [f"{IMPORTS_FOLDER}/{name}" for name in names]
    raws, unreadable = read_all(repo, paths)
    return [(rel, raws[rel]) for rel in paths if rel in raws], unreadable


def read_all(
    repo: Path, paths: list[str], stats: dict[str, os.stat_result] | None = None
) -> tuple[dict[str, bytes], list[FileNote]]:
    """The bytes of every regular file in ``paths``, and notes for the unreadable ones
    (``stats``, when given, receives the metadata of each file read, from the same open).

    Plain ``os`` calls (open, fstat, read, close): more than twice as fast as ``open()``
    on tens of thousands of small files. Each folder is resolved once and must lie inside
    the repository; files are opened with ``O_NOFOLLOW``, and a symbolic link only after
    its target was found inside too. ``O_NONBLOCK`` keeps a FIFO from blocking; a file
    that is not regular is never read.
    """
    raws: dict[str, bytes] = {}
    unreadable: list[FileNote] = []
    root = _Root(repo)
    real_folders: dict[str, str | None] = {}
    for rel in paths:
        folder, _, name = rel.rpartition("/")
        if folder not in real_folders:
            real = os.path.realpath(os.path.join(str(repo), folder))
            real_folders[folder] = real if root.holds(real) else None
        real_folder = real_folders[folder]
        if real_folder is None:
            unreadable.append(FileNote("file-unreadable", rel, OUTSIDE))
            continue
        raw, reason, info = _read_inside(root, os.path.join(real_folder, name))
        if raw is None:
            unreadable.append(FileNote("file-unreadable", rel, reason))
        else:
            raws[rel] = raw
            if stats is not None and info is not None:
                stats[rel] = info
    return raws, unreadable


_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


def _read_inside(root: _Root, path: str) -> tuple[bytes | None, str, os.stat_result | None]:
    """The bytes of the regular file ``path`` (a link is followed only inside ``root``),
    or why not, and its metadata (``None`` for a link: its own would be needed too)."""
    link = False
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if not os.path.islink(path):
            return None, MISSING if exc.errno == errno.ENOENT else "", None
        target = os.path.realpath(path)
        if not root.holds(target):
            return None, OUTSIDE, None
        try:
            fd = os.open(target, _FLAGS)
        except OSError as again:
            return None, LINK_LOOP if again.errno == errno.ELOOP else MISSING, None
        link = True
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, SPECIAL, None
        parts, wanted, got = [], max(info.st_size + 1, 65536), 0
        while chunk := os.read(fd, wanted):
            parts.append(chunk)
            got += len(chunk)
            if len(chunk) < wanted and got >= info.st_size:
                break  # a regular file reads short at its end: no second read to find it
        return (b"".join(parts) if len(parts) != 1 else parts[0]), "", None if link else info
    except OSError:
        return None, "", None
    finally:
        os.close(fd)


def resolve_inside(repo: Path, rel: str) -> Path | None:
    """The real path of the repository file or folder ``rel`` when it lies inside the
    repository, below it and outside every hidden file or folder (``.git``,
    ``.carnet-secrets.yaml``), symbolic links followed; else ``None``. Every path a
    record names (attachments, templates, a logo) is read only through this rule."""
    root = _Root(repo)
    real = os.path.realpath(os.path.join(root.real, rel))
    return Path(real) if real != root.real and root.holds(real) else None


def resolve_folder(repo: Path, folder: str) -> Path | None:
    """The real path of the repository folder ``folder`` (``data/documents``,
    ``data/templates``) that records name files in, by :func:`resolve_inside`'s rule,
    and never the repository or a folder holding ``folder`` (``data/documents -> ..``
    would make every file of the repository look like a document); else ``None``."""
    real = resolve_inside(repo, folder)
    if real is None:
        return None
    parent = os.path.realpath(os.path.join(repo, os.path.dirname(folder)))
    return real if _Root(repo).holds_below(str(real), parent) else None


def resolve_in_folder(repo: Path, folder: str, rel: str) -> Path | None:
    """The real path of ``rel``, a path a record names in the repository folder
    ``folder``: ``rel`` lies in ``folder`` by its name (no ``..``), the folder resolves by
    :func:`resolve_folder`, the file by :func:`resolve_inside` and inside the folder,
    symbolic links followed; else ``None``. It need not exist."""
    parts = rel.split("/")
    if not rel.startswith(folder + "/") or ".." in parts or "" in parts:
        return None
    real_folder = resolve_folder(repo, folder)
    real = resolve_inside(repo, rel)
    if real_folder is None or real is None or not real.is_relative_to(real_folder):
        return None
    return real


def read_inside(repo: Path, rel: str) -> bytes | None:
    """The bytes of the repository file ``rel``, read as safely as records (else ``None``)."""
    raws, _ = read_all(repo, [rel])
    return raws.get(rel)


def read_settings(repo: Path) -> tuple[bytes | None, FileNote | None]:
    """The bytes of ``data/settings.yaml``, read like every record file, or why not."""
    raws, unreadable = read_all(repo, [SETTINGS_PATH])
    return raws.get(SETTINGS_PATH), (unreadable[0] if unreadable else None)


def expected_folders() -> str:
    """The record folders, for messages."""
    return ", ".join(f.path + "/" for f in FOLDERS)


def fingerprint(repo: Path, paths: list[str]) -> list[Any]:
    """The state of the repository paths ``paths`` as plain JSON data, to tell whether
    any of them changed: for each, where it leads (by :func:`resolve_inside`), and the
    size and modification time of the file, or of every file in the folder. Only
    metadata is read, and only inside the repository."""
    state: list[Any] = []
    for rel in sorted(set(paths)):
        real = resolve_inside(repo, rel)
        if real is None:
            state.append([rel, None])
            continue
        state.append([rel, str(real), *_stat(real)])
        if real.is_dir():
            for folder, subfolders, names in os.walk(real):
                subfolders.sort()
                for name in sorted(names):
                    state.append([os.path.join(folder, name), *_stat(Path(folder, name))])
    return state


def _stat(path: Path) -> list[Any]:
    """Type, size, modification time and (for a link) target of ``path`` itself."""
    try:
        info = path.lstat()
        target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
    except OSError:
        return []
    return [info.st_mode, info.st_size, info.st_mtime_ns, target]
