"""Files attached to interactions (``attachment:``, ``attachments:``) on the internal site.

Each attached file of ``data/documents/`` is copied into the site under
``pieces-jointes/`` at the same place (``data/documents/2026/rapport.pdf`` →
``pieces-jointes/2026/rapport.pdf``), so the site stays self-contained; the interaction's
card lists and links them. Copies are incremental: a file whose size and modification
time did not change since its last copy is left alone, and the copies of files no longer
attached are removed, from the staged pages and from the built site.

A file of a type a browser would run in the site's origin (HTML, SVG, XML, Markdown that
MkDocs would turn into a page, scripts…) keeps its bytes but gets a ``.bin`` suffix on the
site: it downloads, it never opens as a page of the site.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from generator.book.book import Book
from generator.files.sources import read_inside, resolve_in_folder
from generator.files.yamlio import atomic_write

SOURCE_FOLDER = "data/documents"
"""Where attached files live in the repository."""
SITE_FOLDER = "pieces-jointes"
"""Where their copies live in the site."""
MANIFEST = "attachments.json"
"""Beside the staged pages: what each copy was made from (size, modification time)."""
# fmt: off
SAFE_SUFFIXES = frozenset([
    ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff",
    ".heic", ".txt", ".csv", ".tsv", ".odt", ".ods", ".odp", ".odg", ".doc", ".docx", ".xls",
    ".xlsx", ".ppt", ".pptx", ".rtf", ".zip", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar",
    ".eml", ".msg", ".mp3", ".m4a", ".wav", ".ogg", ".oga", ".mp4", ".webm", ".mov", ".ics",
    ".vcf", ".epub",
])
# fmt: on
"""Suffixes served as they are: documents, images and archives a browser shows or saves,
never runs."""


def site_name(rel: str) -> str:
    """The copy's path in the site's attachments folder for the repository path ``rel``."""
    name = rel.removeprefix(SOURCE_FOLDER + "/")
    return name if PurePosixPath(name).suffix.lower() in SAFE_SUFFIXES else name + ".bin"


def site_path(rel: str) -> str:
    """The copy's path from the site's root, percent-encoded for a link."""
    return quote(f"{SITE_FOLDER}/{site_name(rel)}")


def attached_files(book: Book, repo: Path) -> dict[str, tuple[str, Path]]:
    """Every attached file that exists: site name → (repository path, real path)."""
    found: dict[str, tuple[str, Path]] = {}
    for entry in book.of("interaction"):
        for rel in entry.record.attached:
            real = resolve_in_folder(repo, SOURCE_FOLDER, rel)
            if real is not None and real.is_file():
                found[site_name(rel)] = (rel, real)
    return found


def sync_attachments(book: Book, repo: Path, docs: Path, out: Path) -> int:
    """Copy the attached files into the staged site ``docs`` (only those that changed)
    and remove the copies of files no longer attached, also from the built site ``out``
    (MkDocs never removes a file it copied). Returns how many files were copied."""
    manifest_path = docs.parent / MANIFEST
    known = _read_manifest(manifest_path)
    wanted = attached_files(book, repo)
    base = docs / SITE_FOLDER
    copied = 0
    manifest: dict[str, list[int]] = {}
    for name, (rel, real) in sorted(wanted.items()):
        try:
            info = real.stat()
        except OSError:
            continue
        state = [info.st_size, info.st_mtime_ns]
        target = base / name
        if known.get(name) != state or not target.is_file():
            data = read_inside(repo, rel)
            if data is None:
                continue
            atomic_write(target, data)  # a fresh time: MkDocs' dirty build copies it again
            copied += 1
        manifest[name] = state
    for name in set(known) - set(manifest):
        _remove_below(docs, f"{SITE_FOLDER}/{name}")
        _remove_below(out, f"{SITE_FOLDER}/{name}")
    if known != manifest:
        atomic_write(manifest_path, json.dumps(manifest, sort_keys=True))
    return copied


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remove_below(folder: Path, rel: str) -> None:
    """Delete the file ``folder/rel`` when every folder on the way is a real one (never
    through a link), then the folders it leaves empty."""
    parts = rel.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return
    current = folder
    for part in parts[:-1]:
        current = current / part
        try:
            if not stat.S_ISDIR(os.lstat(current).st_mode):
                return
        except OSError:
            return
    try:
        (current / parts[-1]).unlink(missing_ok=True)
    except OSError:
        return
    while current != folder:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent
