"""What the internal site does about private projects: their records never reach the
plain pages (the site is built from :func:`generator.book.privacy.without_private`), their
changes never reach « Modifications récentes » (:class:`HiddenHistory`), and one plain
page, « Projets privés », leads to their sealed areas (:func:`landing_page`), which
:mod:`generator.extranet.private` writes under :data:`AREAS` after MkDocs has run.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.files.output import PRIVATE_AREAS, read_state
from generator.files.yamlio import atomic_write

LANDING = "projets-prives.md"
"""The plain page that lists the sealed areas (numbered, never named)."""
AREAS = PRIVATE_AREAS
_AREA = re.compile(AREAS + r"/[0-9a-f]{16}")


class HiddenHistory:
    """The git history without the changes of ``hidden`` files (private records): what
    the plain pages may show of it. Everything else is the history's own."""

    def __init__(self, history: Any, hidden: Iterable[str]) -> None:
        self._history = history
        self._hidden = frozenset(hidden)

    def since(self, day: Any) -> list[Any]:
        """The history's changes since ``day``, but those of hidden files."""
        return [c for c in self._history.since(day) if c.path not in self._hidden]

    def changes_of(self, path: str) -> list[Any]:
        """The changes of ``path`` (none for a hidden file)."""
        return [] if path in self._hidden else self._history.changes_of(path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._history, name)


def area_paths(projects: Iterable[str], state: Path) -> dict[str, str]:
    """The opaque folder of each private project's sealed area (``prive/<hex>``): drawn at
    random the first time (nothing in a name says which project it holds), then kept in
    ``state`` (a file of the builder's own staging folder, never published) so that the
    plain pages do not change from one build to the next."""
    known = read_state(state)
    areas = {
        p: known[p] if _AREA.fullmatch(str(known.get(p, ""))) else f"{AREAS}/{secrets.token_hex(8)}"
        for p in projects
    }
    if areas != known:
        atomic_write(state, json.dumps(areas, indent=1))
    return areas


def landing_page(areas: Iterable[str], lang: str) -> str:
    """The Markdown of « Projets privés »: a numbered link to each sealed area, in an
    order that says nothing either."""
    shuffled = sorted(areas)
    if lang.startswith("en"):
        lines = [
            "# Private projects",
            "",
            "Each private project is sealed for its members. Open it with your user id "
            "(or e-mail) and your own password; one unlock per browser tab opens all yours.",
            "",
        ]
        label = "Private area"
    else:
        lines = [
            "# Projets privés",
            "",
            "Chaque projet privé est chiffré pour ses seuls membres. Ouvrez-le avec votre "
            "identifiant (ou votre e-mail) et votre mot de passe ; une seule saisie par "
            "onglet ouvre tous les vôtres.",
            "",
        ]
        label = "Espace privé"
    lines += [
        f'- <a class="carnet-private-area" href="../{path}/index.html">{label} {n}</a>'
        for n, path in enumerate(shuffled, 1)
    ]
    if not shuffled:
        lines.append("*Aucun.*" if not lang.startswith("en") else "*None.*")
    return "\n".join(lines) + "\n"
