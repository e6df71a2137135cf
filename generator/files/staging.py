"""Staging folders: where a command writes new files whole before swapping them in.

A command that creates many files at once (an import) writes them first into a hidden
folder of their folder, ``.carnet-new-PID-XXXX``, which the change set removes once the
files are swapped in or discarded (:class:`generator.files.edits.ChangeSet`). A command
killed while it writes (``kill -9``, a power cut) cannot remove its own: the next one
that stages in the same folder does.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from pathlib import Path

_BOX_PREFIX = ".carnet-new-"
_STALE_BOX = re.compile(r"\.carnet-new-(\d+)-[A-Za-z0-9_]+\Z")
STALE_AFTER_S = 600
"""A staging folder left by a command killed while it wrote (``kill -9``, a power cut)
is removed by the next command that stages in the same folder, once its process is
gone and nothing has touched it for this long."""


def new_box(folder: Path, swept: set[Path]) -> Path:
    """A new staging folder for new files of ``folder`` (``.carnet-new-PID-XXXX``),
    after removing the stale ones of commands that died while writing, once per folder
    (``swept``: the folders already swept, which this one joins; an import stages
    thousands of files in dozens of folders of the same folder)."""
    if folder not in swept:
        sweep_stale_boxes(folder)
        swept.add(folder)
    return Path(tempfile.mkdtemp(dir=folder, prefix=f"{_BOX_PREFIX}{os.getpid()}-"))


def sweep_stale_boxes(folder: Path) -> list[Path]:
    """Remove the staging folders of ``folder`` that a command killed while writing left
    behind: named as Carnet names them, with the number of a process that no longer
    runs, untouched for :data:`STALE_AFTER_S` seconds, and holding nothing but the
    ``*.tmp`` files Carnet writes there (a folder holding anything else, or a link, is
    left as it is). Returns the folders removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        found = _STALE_BOX.match(entry.name)
        if found is None or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER_S:
                continue
        except OSError:
            continue
        if _running(int(found[1])) or not _only_staged_files(Path(entry.path)):
            continue
        for name in os.listdir(entry.path):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(entry.path, name))
        with contextlib.suppress(OSError):
            os.rmdir(entry.path)
            removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    """Is process ``pid`` running (this one, or any other, even another user's)?"""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _only_staged_files(box: Path) -> bool:
    """Does ``box`` hold only regular ``*.tmp`` files (what Carnet stages there)?"""
    try:
        with os.scandir(box) as entries:
            return all(
                e.name.endswith(".tmp") and e.is_file(follow_symlinks=False) for e in entries
            )
    except OSError:
        return False
