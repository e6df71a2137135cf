"""The firm's own fields (the seed's « champs spécifiques »), declared in
``settings.custom_fields.<kind>.<key>`` and kept on contacts and companies."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from generator.schema.common import FL, F, Name, Record


class CustomType(StrEnum):
    """What a custom field holds."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTIPLE = "multiple"


class CustomField(Record):
    """Un champ spécifique de l'entreprise."""

    label: Name = F("Libellé", "Affiché sur les fiches, en-tête des listes et des exports")
    type: CustomType = F("Type", "text, number, date, choice (une valeur) ou multiple", "text")
    choices: list[Name] = FL("Valeurs permises", "Pour choice et multiple")
    required: bool = F("Obligatoire", "Chaque fiche de cette nature doit le remplir", False)


CUSTOM_KINDS = ("company", "contact")
"""The kinds of record that may have custom fields."""

CustomValues = SkipJsonSchema[dict[str, Any]]
"""Where a record keeps the top-level keys its model does not know (the custom fields;
checked against the settings by :mod:`generator.checks.custom_fields`)."""


def custom_values() -> Any:
    """The ``custom`` field of a model that keeps its unknown top-level keys."""
    return Field(default_factory=dict, title="Champs spécifiques")
