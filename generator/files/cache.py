"""``.carnet-cache/``: results keyed by file content, kept as data, never as code.

Two layers: per-file parse results (record + problems, keyed by the file's digest) and
whole-run problem lists (keyed by every file's digest and the code's own digest), plus
the git history's per-commit changes. Everything is data, never code: JSON, or bytes
laid out and checked by their owner (the file table, :mod:`generator.files.snapshot`): a
cache file brought by a pull request can at worst be wrong, never run anything, and a
cache that git tracks is neither read nor written (it could hide problems):
:attr:`Cache.notices` then carries ``cache-tracked``. A cache that cannot be read or written is ignored with an ``info``
notice (``cache-unreadable``): it never fails a run.

A cache file is named by what it holds and by Carnet's code digest
(``records-<digest>.json``, ``files-<digest>.bin``): a new version of Carnet never reads
an old cache, and storing removes the files of other versions.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".carnet-cache"
FORMAT_VERSION = 2
"""Bumped when the layout of a cache file changes (2: JSON, was pickle)."""


def digest(raw: bytes) -> bytes:
    """A short, fast content digest."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def add_files(h: Any, paths: Iterable[str], digests: Mapping[str, bytes]) -> None:
    """Feed the hash ``h`` each of ``paths`` and its file's digest (``?`` for a path
    that is not a file read): what the keys of pages, rows, events and documents are made of."""
    for path in paths:
        h.update(path.encode())
        h.update(digests.get(path, b"?"))


GENERATOR = Path(__file__).parents[1]
"""Carnet's own code: ``generator/`` and every package in it."""


@cache
def code_digest(root: Path = GENERATOR) -> str:
    """Digest of Carnet's own sources and data files under ``root``: a new version (a
    change in any package) invalidates every cache. Each file counts by its path, size
    and modification time, as Python tells a stale bytecode file (reading them all
    would be a twentieth of a run that finds nothing changed)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(str(FORMAT_VERSION).encode())
    for relative, size, mtime_ns in sorted(_code_files(str(root), "")):
        h.update(f"{relative}\0{size}\0{mtime_ns}\n".encode())
    return h.hexdigest()


def _code_files(folder: str, prefix: str) -> list[tuple[str, int, int]]:
    """The ``.py`` and ``.yaml`` files under ``folder`` (its packages, not the caches):
    path from the root, size, modification time."""
    found: list[tuple[str, int, int]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found += _code_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith((".py", ".yaml")):
                info = entry.stat()
                found.append((prefix + entry.name, info.st_size, info.st_mtime_ns))
    return found


def encode_value(value: Any) -> Any:
    """A parsed YAML value as JSON data: decimals and dates become one-key tagged objects.

    Mappings are wrapped (``{"$map": …}``) whenever one of their keys starts with ``$``,
    so that a record's own keys can never be mistaken for a tag.
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        encoded = {str(k): encode_value(v) for k, v in value.items()}
        return {"$map": encoded} if any(k.startswith("$") for k in encoded) else encoded
    return {"$text": str(value)}


_TAGS = {
    "$decimal": Decimal,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$text": str,
}


def decode_value(value: Any) -> Any:
    """Inverse of :func:`encode_value`."""
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, inner),) = value.items()
            if tag in _TAGS:
                return _TAGS[tag](inner)
            if tag == "$map":
                return {k: decode_value(v) for k, v in inner.items()}
        return {k: decode_value(v) for k, v in value.items()}
    return value


class Cache:
    """A JSON store under ``DIR/.carnet-cache``; a ``None`` directory disables it.

    ``tracked`` tells whether git tracks the cache folder (git's status says:
    :func:`generator.history.reader.cache_tracked`); such a cache is neither read nor
    written, and :attr:`notices` says so.
    """

    def __init__(self, repo: Path | None, *, tracked: bool) -> None:
        self.repo = repo
        self.dir = repo / CACHE_DIR if repo is not None else None
        self.notices: list[tuple[str, str]] = []
        """``(code, detail)`` of what the caller should report (``cache-unreadable``,
        ``cache-tracked``)."""
        self._tracked = tracked
        self._usable: bool | None = None

    @property
    def enabled(self) -> bool:
        """Whether the cache may be read and written (a folder git tracks may not)."""
        if self.dir is None:
            return False
        if self._usable is None:
            self._usable = False
            if self.dir.is_symlink():
                self.notices.append(("cache-unreadable", f"{CACHE_DIR}: lien symbolique"))
            elif self._tracked:
                self.notices.append(("cache-tracked", CACHE_DIR))
            else:
                self._usable = True
        return self._usable

    def path(self, name: str, suffix: str = ".json") -> Path:
        """The file that holds ``name`` for this version of Carnet."""
        assert self.dir is not None
        return self.dir / f"{name}-{code_digest()}{suffix}"

    def load_bytes(self, name: str) -> bytes | None:
        """The bytes stored under ``name`` by :meth:`store_bytes` (``None`` if there are
        none): data laid out by their owner, which checks them as it reads them."""
        if not self.enabled:
            return None
        path = self.path(name, ".bin")
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.notices.append(("cache-unreadable", f"{path.name}: {exc.__class__.__name__}"))
            return None

    def store_bytes(self, name: str, value: bytes) -> None:
        """Store the bytes ``value`` under ``name`` atomically; failures become notices."""
        self._store(name, ".bin", value)

    def load(self, name: str) -> Any:
        """The JSON value stored under ``name`` by this version of Carnet, or ``None``."""
        if not self.enabled:
            return None
        path = self.path(name)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                stored = json.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # a corrupt or foreign cache is only a notice
            self.notices.append(("cache-unreadable", f"{path.name}: {exc.__class__.__name__}"))
            return None
        if not isinstance(stored, dict) or stored.get("format") != FORMAT_VERSION:
            return None
        return stored.get("value")

    def store(self, name: str, value: Any) -> None:
        """Store the JSON ``value`` under ``name`` atomically; failures become notices."""
        payload = json.dumps(
            {"format": FORMAT_VERSION, "value": value},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        self._store(name, ".json", payload)

    def _store(self, name: str, suffix: str, payload: str | bytes) -> None:
        if not self.enabled:
            return
        assert self.dir is not None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            gitignore = self.dir / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            target = self.path(name, suffix)
            from generator.files.yamlio import atomic_write  # with YAML: not for a warm read

            atomic_write(target, payload)
            _remove_other_versions(self.dir, name, target.name)
        except OSError as exc:
            self.notices.append(("cache-unreadable", f"{name}: {exc.strerror or exc}"))


def _remove_other_versions(folder: Path, name: str, keep: str) -> None:
    """Delete the files of ``name`` written by other versions (and by pickle-era Carnet)."""
    for entry in os.scandir(folder):
        other = entry.name
        stale = other == f"{name}.pickle" or (
            other.startswith(f"{name}-") and other.endswith((".json", ".bin")) and other != keep
        )
        if stale and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)
