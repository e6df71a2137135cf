"""``.carnet-cache/``: results keyed by file content, so that any edit is seen.

Two layers: per-file parse results (record + problems, keyed by the file's digest) and
whole-run problem lists (keyed by every file's digest and the code's own digest). A cache
that cannot be read or written is ignored with an ``info`` notice: it never fails a run.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from generator.yamlio import atomic_write

CACHE_DIR = ".carnet-cache"
FORMAT_VERSION = 1


def digest(raw: bytes) -> bytes:
    """A short, fast content digest."""
    return hashlib.blake2b(raw, digest_size=16).digest()


@cache
def code_digest() -> str:
    """Digest of Carnet's own sources and data files: a new version invalidates every cache."""
    h = hashlib.blake2b(digest_size=16)
    h.update(str(FORMAT_VERSION).encode())
    root = Path(__file__).parent
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.yaml")]):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Cache:
    """A pickle store under ``DIR/.carnet-cache``; ``None`` directory disables it."""

    def __init__(self, repo: Path | None) -> None:
        self.dir = repo / CACHE_DIR if repo is not None else None
        self.notices: list[str] = []

    def load(self, name: str) -> Any:
        """The object stored under ``name`` for this code version, or ``None``."""
        if self.dir is None:
            return None
        path = self.dir / f"{name}.pickle"
        try:
            with path.open("rb") as handle:
                stored_code, value = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a corrupt or foreign cache is only a notice
            self.notices.append(f"{path.name}: {exc.__class__.__name__}")
            return None
        return value if stored_code == code_digest() else None

    def store(self, name: str, value: Any) -> None:
        """Store ``value`` under ``name`` atomically; failures become notices."""
        if self.dir is None:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            gitignore = self.dir / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            payload = pickle.dumps((code_digest(), value), protocol=pickle.HIGHEST_PROTOCOL)
            atomic_write(self.dir / f"{name}.pickle", payload)
        except OSError as exc:
            self.notices.append(f"{name}: {exc.strerror or exc}")
