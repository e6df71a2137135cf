"""Campaigns and contacts named on the command line."""

from __future__ import annotations

from pathlib import Path

from generator.book.naming import resolve
from generator.files.sources import discover


def find(repo: Path, kind: str, name: str) -> str:
    """The id of the ``kind`` record ``name`` designates (``kind/id`` or a bare id); a
    usage error listing the close candidates of that kind otherwise."""
    files = [f for f in discover(repo)[0] if f.kind == kind]
    return resolve(name if "/" in name else f"{kind}/{name}", files).id
