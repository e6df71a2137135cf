"""The manifest of a documents folder (``.carnet-documents.json``): each PDF Carnet
wrote there, with its content key and the digest of its bytes, and the writing of those
PDFs.

A PDF is Carnet's own only when the manifest lists it with the digest of its bytes and
git does not track the manifest (then it came with the repository: nothing it says is
trusted); a name this module would not write is ignored, never deleted. Nothing in the
folder is read through a link.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from generator.files.output import read_output
from generator.files.yamlio import atomic_write
from generator.history.git import tracked_under

MANIFEST = ".carnet-documents.json"
MANIFEST_VERSION = 2
SAFE_NAME = re.compile(r"^[A-Za-z0-9+_-][A-Za-z0-9+_.-]*\.pdf$")
"""A name this module writes; anything else in a manifest is ignored (never deleted)."""


def _file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()
"""PDFs are published: readable like any file the user creates (not 0600 like a temp file)."""


def write_output(path: Path, data: bytes) -> None:
    """Write a PDF atomically with ordinary permissions."""
    atomic_write(path, data)
    os.chmod(path, FILE_MODE)


Manifest = dict[str, tuple[str, str]]
"""File name → (content key, digest of the PDF's bytes)."""


def pdf_digest(data: bytes) -> str:
    """The digest of a PDF's bytes, as the manifest keeps it."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_manifest(out: Path) -> Manifest:
    """File name → (key, digest) of the PDFs Carnet wrote in ``out``; empty when the
    manifest is absent, unreadable, a link, or tracked by git (then it came with the
    repository: nothing it says is trusted)."""
    raw = read_output(out / MANIFEST)
    if raw is None or tracked_under(out, (MANIFEST,)):
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    documents = data.get("documents")
    if not isinstance(documents, dict):
        return {}
    return {
        str(k): (str(v[0]), str(v[1]))
        for k, v in documents.items()
        if SAFE_NAME.match(str(k)) and ".." not in k and isinstance(v, list) and len(v) == 2
    }


def write_manifest(out: Path, documents: Manifest) -> None:
    """Store the keys and digests of ``out``'s PDFs (atomically)."""
    listed = {name: list(entry) for name, entry in sorted(documents.items())}
    payload = {"version": MANIFEST_VERSION, "documents": listed}
    atomic_write(out / MANIFEST, json.dumps(payload, indent=1) + "\n")


def is_own_pdf(path: Path, digest: str | None) -> bool:
    """Is ``path`` a plain file (never a link) whose bytes have ``digest``?"""
    if digest is None:
        return False
    data = read_output(path)
    return data is not None and pdf_digest(data) == digest


def own_pdfs(out: Path, manifest: Manifest, names: Iterable[str]) -> list[str]:
    """Those of ``names`` whose PDF in ``out`` is still as Carnet wrote it."""
    return [
        name for name in names if name in manifest and is_own_pdf(out / name, manifest[name][1])
    ]
