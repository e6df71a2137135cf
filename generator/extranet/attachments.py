"""Files shipped with an extranet, stored encrypted under opaque names.

An extranet accepts attachments from any source as one mapping: an in-scope
interaction id → a list of ``(display file name, absolute path)``. The interactions'
own ``attachment:`` and ``attachments:`` fields are one source (:func:`record_attachments`); issued invoice
PDFs are another. Each file is sealed with the build's key into ``c/<random hex>`` (no
extension): the ciphertext holds a small header with the original file name and media
type, then the bytes, so that the browser can rebuild a ``Blob`` with its real name.
"""

from __future__ import annotations

import json
import mimetypes
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.book.book import Book
from generator.extranet.crypto import SiteKey, file_aad
from generator.files.output import is_plain_file, read_output
from generator.files.sources import resolve_in_folder
from generator.problems import Refused

AttachmentMap = Mapping[str, Sequence[tuple[str, Path]]]
"""Interaction id → ``[(display file name, absolute path), …]``."""

RECORD_FOLDER = "data/documents"
"""Where an interaction's own ``attachment:`` and ``attachments:`` must point (relative to
the repository)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """One file of one interaction, and the opaque name of its sealed copy."""

    interaction: str
    name: str
    source: Path
    blob: str
    size: int


def record_attachments(
    book: Book, repo: Path
) -> tuple[dict[str, list[tuple[str, Path]]], list[Refused]]:
    """The ``attachment:`` and ``attachments:`` files of ``book``'s interactions, and what
    is wrong with them.

    Pass a scoped Book (:func:`generator.extranet.scope.scoped_to`) to get only the
    files of one extranet. A path must lie under ``data/documents/`` and name an
    existing file, by the one rule for paths records name
    (:func:`generator.files.sources.resolve_in_folder`: links followed only inside the
    repository, never to a hidden file, never through a folder linked to the repository
    or a folder holding it); each failure is a refusal naming the record's file.
    """
    found: dict[str, list[tuple[str, Path]]] = {}
    errors: list[Refused] = []
    for key, entry in sorted(book.interactions.items()):
        for rel in entry.record.attached:
            path = resolve_in_folder(repo, RECORD_FOLDER, rel)
            if path is None:
                errors.append(
                    Refused(
                        "extranet-attachment-outside",
                        file=entry.path,
                        other=rel,
                        folder=RECORD_FOLDER,
                    )
                )
            elif not path.is_file():
                errors.append(Refused("extranet-attachment-missing", file=entry.path, other=rel))
            else:
                found.setdefault(key, []).append((path.name, path))
    return found, errors


def document_attachments(
    repo: Path, book: Book, scoped: Book, *, lang: str | None = None
) -> tuple[dict[str, list[tuple[str, Path]]], list[Refused]]:
    """The PDFs of the scoped Book's issued documents, rendered (or reused) by the
    documents module (:func:`generator.documents.batch.rendered_pdfs`).

    ``book`` is the whole Book (a document prints the firm's and the buyer's details);
    only the documents ``scoped`` holds are rendered and shipped. Returns the files and
    the documents that could not be rendered (one refusal each).
    """
    from generator.documents.batch import rendered_pdfs

    ids = [key for key, e in scoped.interactions.items() if e.record.document is not None]
    if not ids:
        return {}, []
    paths, errors = rendered_pdfs(repo, book, ids, lang=lang)
    return {key: [(path.name, path)] for key, path in paths.items()}, errors


def merge_attachments(*sources: AttachmentMap) -> dict[str, list[tuple[str, Path]]]:
    """Several attachment mappings as one (lists of the same interaction concatenated)."""
    merged: dict[str, list[tuple[str, Path]]] = {}
    for source in sources:
        for key, files in source.items():
            merged.setdefault(key, []).extend(files)
    return merged


def plan_attachments(
    book: Book, attachments: AttachmentMap, blob_name: Callable[[], str]
) -> dict[str, list[Attachment]]:
    """Check ``attachments`` against the scoped ``book`` and give each an opaque name.

    Raises ``ValueError`` for an interaction outside the extranet (its file must never
    ship) or a path that is not an existing file.
    """
    planned: dict[str, list[Attachment]] = {}
    for key in sorted(attachments):
        if key not in book.interactions:
            raise ValueError(f"pièce jointe d'une interaction hors de l'extranet : {key}")
        for name, path in attachments[key]:
            if not is_plain_file(Path(path)):
                raise ValueError(f"pièce jointe introuvable : {path}")
            planned.setdefault(key, []).append(
                Attachment(key, name, Path(path), blob_name(), Path(path).stat().st_size)
            )
    return planned


def pack(name: str, data: bytes) -> bytes:
    """The plaintext of a sealed file: header length (4 bytes, big-endian), JSON, bytes."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    header = json.dumps({"name": name, "type": kind}, ensure_ascii=False).encode("utf-8")
    return struct.pack(">I", len(header)) + header + data


def unpack(plain: bytes) -> tuple[dict[str, str], bytes]:
    """Inverse of :func:`pack`: the header (``name``, ``type``) and the file's bytes."""
    (size,) = struct.unpack(">I", plain[:4])
    return json.loads(plain[4 : 4 + size].decode("utf-8")), plain[4 + size :]


def seal_attachments(
    site: Path, key: SiteKey, attachments: Iterable[Attachment], build: str
) -> int:
    """Write each attachment's sealed copy into ``site`` (bound to its path and to
    ``build``); how many were written."""
    written = 0
    for item in attachments:
        target = site / item.blob
        target.parent.mkdir(parents=True, exist_ok=True)
        data = read_output(item.source)  # never through a link, never a device
        if data is None:
            raise ValueError(f"pièce jointe illisible : {item.source}")
        plain = pack(item.name, data)
        target.write_bytes(key.encrypt(plain, file_aad(build, item.blob)))
        written += 1
    return written
