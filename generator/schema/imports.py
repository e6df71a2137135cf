"""Saved import mappings (``data/imports/NAME.yaml``): which column fills which field."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from generator.problems import Problem
from generator.schema.common import FL, F, Name, Record


class ImportKind(StrEnum):
    """What one row of the file describes."""

    CONTACT = "contact"
    """A contact, with the company it works for when the row names one."""
    COMPANY = "company"
    """A company alone."""


class ImportColumn(Record):
    """Une colonne du fichier et le champ qu'elle remplit."""

    field: Name = F("Champ", "contact.first_name, company.siret, contact.full_name (à découper)…")
    split: str | None = F(
        "Séparateur", "Découpe la valeur en plusieurs centres d'intérêt (par exemple « , »)", None
    )
    values: dict[str, str] = F(
        "Table de valeurs", "Valeur du fichier → valeur enregistrée (« Client » → client)", {}
    )


class ImportMapping(Record):
    """Une configuration d'import : chaque colonne associée à un champ."""

    title: Name | None = F("Titre", "Par exemple « Fichier prospects mensuel »", None)
    kind: ImportKind = F("Nature", "contact (avec sa société) ou company (société seule)")
    columns: dict[str, Name | ImportColumn] = F(
        "Colonnes", "En-tête de colonne → champ (ou champ avec découpe et table de valeurs)"
    )
    constants: dict[Name, Name | list[Name]] = F(
        "Constantes", "Champ → valeur donnée à chaque fiche (company.kind: prospect)", {}
    )
    region: str = F(
        "Région des téléphones", "Pays des numéros sans indicatif", "FR", pattern=r"^[A-Z]{2}$"
    )
    name_threshold: int = F(
        "Seuil de similarité des noms",
        "De 50 à 100 : au-delà, deux noms au même code postal sont des doublons",
        90,
        ge=50,
        le=100,
    )
    skip: list[Name] = FL("Colonnes ignorées", "En-têtes de colonnes à ne pas importer")


def parse_mapping(
    raw: bytes, rel: str, lang: str = "fr"
) -> tuple[ImportMapping | None, Any, list[Problem]]:
    """A saved import mapping's bytes, validated as a record file is: the YAML, then this
    model (each problem at its line and column). Returns the mapping (``None`` when it
    has an error), its YAML tree (positions) and its problems."""
    from generator.files.yamlio import parse_bytes
    from generator.schema.parse import validate_value

    parsed = parse_bytes(raw, rel, lang)
    problems = list(parsed.problems)
    if parsed.value is None:
        return None, None, problems
    mapping, schema_problems, _ = validate_value(
        ImportMapping, parsed, tz="Europe/Paris", lang=lang
    )
    problems += schema_problems
    if any(p.is_error for p in problems):
        return None, parsed.root, problems
    return mapping, parsed.root, problems  # type: ignore[return-value]


def mapping_problems(files: list[tuple[str, bytes]], lang: str = "fr") -> list[Problem]:
    """The problems of saved import mappings ``(path, bytes)`` (:func:`parse_mapping`);
    which fields a mapping may name, and a file's columns, are checked when it is used."""
    return [p for rel, raw in files for p in parse_mapping(raw, rel, lang)[2]]
