"""Where records live in a repository (outputs: :mod:`generator.files.output`). Light on
purpose: no model is imported here."""

from __future__ import annotations

from typing import NamedTuple


class Folder(NamedTuple):
    """The folder of one kind of record, and whether it may have sub-folders."""

    kind: str
    path: str
    nested: bool


FOLDERS: tuple[Folder, ...] = (
    Folder("company", "data/companies", False),
    Folder("contact", "data/contacts", False),
    Folder("project", "data/projects", False),
    Folder("interaction", "data/interactions", True),
    Folder("product", "data/stock/products", False),
    Folder("movement", "data/stock/movements", True),
    Folder("campaign", "data/campaigns", False),
)
SETTINGS_PATH = "data/settings.yaml"
AUXILIARY_FOLDERS = ("data/assets", "data/templates", "data/documents", "data/imports")
"""Folders under ``data/`` that hold files other than records."""
ORIGINALS_FOLDER = "data/documents/issued"
"""Where the PDF of each issued document is kept as issued (its original)."""


def original_path(number: str) -> str:
    """``data/documents/issued/F2026-0001.pdf``: the original of the document numbered
    ``number`` (a ``/`` in a number becomes ``_``, as in every output name)."""
    return f"{ORIGINALS_FOLDER}/{number.replace('/', '_')}.pdf"


def is_original(rel: str) -> bool:
    """Is ``rel`` a file of the originals' folder (see :func:`original_path`)?"""
    return rel.startswith(ORIGINALS_FOLDER + "/")


SEND_LOG = "sendlog"
"""The kind of a campaign's send log: read and validated with the records, but not one."""
SEND_LOG_SUFFIX = ".sent.yaml"
"""``data/campaigns/<id>.sent.yaml``: a campaign's send log, beside it (not a record)."""


def send_log_path(campaign: str) -> str:
    """The repository path of the send log of ``campaign``."""
    return f"data/campaigns/{campaign}{SEND_LOG_SUFFIX}"


def is_send_log(rel: str) -> bool:
    """Is ``rel`` a campaign's send log (see :func:`send_log_path`)?"""
    return rel.startswith("data/campaigns/") and rel.endswith(SEND_LOG_SUFFIX)


def kind_of(rel: str) -> str | None:
    """The kind of record at repository path ``rel``, or ``None`` if misplaced (or a send
    log, which is not a record)."""
    if is_send_log(rel):
        return None
    for folder in FOLDERS:
        if rel.startswith(folder.path + "/"):
            inside = rel[len(folder.path) + 1 :]
            return folder.kind if (folder.nested or "/" not in inside) else None
    return None
