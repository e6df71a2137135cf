"""Finding and reading record files: the cheap first step of every run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.layout import AUXILIARY_FOLDERS, FOLDERS, SETTINGS_PATH, kind_of


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A record file found under ``data/``."""

    kind: str
    path: str
    id: str


@dataclass(frozen=True, slots=True)
class FileNote:
    """A file that is not a record where one was expected (rendered as a problem later)."""

    code: str
    path: str


def discover(repo: Path) -> tuple[list[SourceFile], list[FileNote]]:
    """Every record file under ``repo/data`` by kind, and the misplaced ones."""
    files: list[SourceFile] = []
    notes: list[FileNote] = []
    for rel in _walk(str(repo / "data"), "data"):
        if rel == SETTINGS_PATH or rel.startswith(AUXILIARY_FOLDERS):
            continue
        if rel.endswith(".yml"):
            notes.append(FileNote("file-yml-extension", rel))
            continue
        if not rel.endswith(".yaml"):
            continue
        kind = kind_of(rel)
        if kind is None:
            notes.append(FileNote("file-unexpected", rel))
            continue
        files.append(SourceFile(kind, rel, rel[rel.rfind("/") + 1 : -5]))
    return files, notes


def _walk(folder: str, prefix: str) -> list[str]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.extend(_walk(entry.path, f"{prefix}/{entry.name}"))
        else:
            # FIFOs, sockets and broken links are kept: reading them reports them
            found.append(f"{prefix}/{entry.name}")
    return found


def read_all(repo: Path, paths: list[str]) -> tuple[dict[str, bytes], list[FileNote]]:
    """The bytes of every regular file in ``paths``, and notes for the unreadable ones."""
    root = str(repo)
    raws: dict[str, bytes] = {}
    unreadable: list[FileNote] = []
    for rel in paths:
        full = os.path.join(root, rel)
        try:
            if not os.path.isfile(full):  # never open a FIFO or a device: it could block
                raise IsADirectoryError(rel)
            with open(full, "rb") as handle:
                raws[rel] = handle.read()
        except OSError:
            unreadable.append(FileNote("file-unreadable", rel))
    return raws, unreadable


def expected_folders() -> str:
    """The record folders, for messages."""
    return ", ".join(f.path + "/" for f in FOLDERS)
