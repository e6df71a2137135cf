"""Record ids made from names: ``Mes Beaux Sapins`` → ``mes-beaux-sapins``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from pathlib import Path

from generator.files.sources import resolve_inside
from generator.problems import Refused

ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
"""What a record's id (its file name without ``.yaml``) may hold."""
MAX_LENGTH = 60
"""Ids made from a long subject are cut: a file name stays readable."""


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and single hyphens: ``Hôtel & Spa`` → ``hotel-spa``
    (``Œ``, ``ß``… spelled out; empty when nothing is left)."""
    spelled = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    spelled = spelled.replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:MAX_LENGTH].rstrip("-")


def unused_id(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… when it is taken."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def refuse_outside(repo: Path, rel: str) -> None:
    """Refuse (``write-outside``) to write ``rel`` when a symbolic link would take it out of
    the repository (a hostile repository's ``data/companies -> /elsewhere``)."""
    if resolve_inside(repo, rel) is None:
        raise Refused("write-outside", file=rel)
