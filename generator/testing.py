"""Helpers for tests: a repository or a Book from inline YAML strings.

Beancount's ``loader.load_doc`` idea: a test states its records in a few lines of
YAML and gets the real pipeline's result, with no fixture files to keep in sync.
"""

from __future__ import annotations

import tempfile
import textwrap
from datetime import date
from pathlib import Path

from generator.load import LoadResult, load

MINIMAL_SETTINGS = """\
firm:
  name: Atelier Test
  address: {street: 1 rue de la Paix, postcode: "75002", city: Paris, country: FR}
  siret: "73282932000074"
  vat_number: FR44732829320
  iban: FR7630006000011234567890189
users:
  benoit: {name: Benoît Martin, email: benoit@example.fr, hourly_cost: 30}
  claire: {name: Claire Roux}
pipelines:
  sale: {label: Vente, budget_sign: positive, won: "Vente - 6 - Gagné", lost: "Vente - 7 - Perdu",
         stages: ["Vente - 1 - Prise de contact", "Vente - 2 - Découverte", "Vente - 3 - Devis",
                  "Vente - 4 - Négociation", "Vente - 5 - Bon de commande", "Vente - 6 - Gagné",
                  "Vente - 7 - Perdu"]}
  purchase: {label: Achat, budget_sign: negative,
             stages: ["Achat - 1 - Besoin", "Achat - 5 - Commande", "Achat - 6 - Réception"]}
  project: {label: Projet, budget_sign: negative, stages: ["Projet - 1 - À faire", "Projet - 2 - En cours"]}
  support: {label: Support, budget_sign: any, stages: ["Support - 1 - Diagnostic", "Support - 3 - Résolu"]}
media: [Téléphone, Email]
sources: [Salon, Site web]
interests: [professionnel, particulier]
resources: {local-321: {name: Local 321, kind: room}}
"""


def write_repo(
    root: Path, files: dict[str, str], *, settings: str | None = MINIMAL_SETTINGS
) -> Path:
    """Write ``files`` (repository path → YAML text, dedented) under ``root``."""
    if settings is not None and "data/settings.yaml" not in files:
        files = {"data/settings.yaml": settings, **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    return root


def load_yaml(
    files: dict[str, str],
    *,
    today: date = date(2026, 11, 25),
    settings: str | None = MINIMAL_SETTINGS,
    lang: str | None = None,
) -> LoadResult:
    """Load a throwaway repository made of ``files`` (no cache)."""
    with tempfile.TemporaryDirectory(prefix="carnet-") as tmp:
        root = write_repo(Path(tmp), files, settings=settings)
        return load(root, today=today, lang=lang, use_cache=False, jobs=1)


def book_from_yaml(files: dict[str, str], **kwargs: object):
    """The Book of ``files``; fails with the problems when there are errors."""
    result = load_yaml(files, **kwargs)  # type: ignore[arg-type]
    if result.book is None:
        raise AssertionError("\n".join(p.format_text() for p in result.problems))
    return result.book
