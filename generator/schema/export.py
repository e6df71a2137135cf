"""JSON Schemas for editors, generated from the models and the repository's settings.

The models give structure, French titles and descriptions; the settings add the lists
a user picks from (pipelines and their stages, users, media, sources, interests,
resources), so that VS Code and JetBrains autocomplete them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.schema import KINDS, Settings
from generator.schema.custom import CustomField, CustomType
from generator.schema.imports import ImportMapping

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _enum(node: dict[str, Any], values: list[str]) -> None:
    """Restrict a string schema (possibly nullable) to ``values``, keeping its docs."""
    if not values:
        return
    if "anyOf" in node:
        for option in node["anyOf"]:
            if option.get("type") == "string":
                option["enum"] = values
        return
    node["enum"] = values


def _field(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    """The sub-schema at ``path`` (``$defs`` names and property names)."""
    node = schema
    for part in path:
        node = node["$defs"][part] if part[0].isupper() else node["properties"][part]
    return node


def schemas(settings: Settings | None) -> dict[str, dict[str, Any]]:
    """Every record kind's JSON Schema, plus ``settings``."""
    result: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        result[kind.name] = kind.model.model_json_schema(by_alias=True)
    result["settings"] = Settings.model_json_schema(by_alias=True)
    result["import"] = ImportMapping.model_json_schema(by_alias=True)
    if settings is not None:
        _add_settings_lists(result, settings)
    for name, schema in result.items():
        schema["$schema"] = SCHEMA_DIALECT
        schema["$id"] = f"{name}.schema.json"
    return result


def _add_settings_lists(result: dict[str, dict[str, Any]], settings: Settings) -> None:
    stages = [s for p in settings.pipelines.values() for s in p.stages]
    users = list(settings.users)
    interaction = result["interaction"]
    _enum(_field(interaction, "kind"), list(settings.pipelines))
    _enum(_field(interaction, "type"), stages)
    _enum(_field(interaction, "user"), users)
    _enum(_field(interaction, "media"), settings.media)
    _enum(_field(interaction, "source"), settings.sources)
    _enum(_field(interaction, "resources")["items"], list(settings.resources))
    for name in ("company", "contact"):
        _enum(_field(result[name], "interests")["items"], settings.interests)
    _add_custom_fields(result, settings)
    filled = result["contact"]["$defs"]["FilledQuestionnaire"]["properties"]["questionnaire"]
    _enum(filled, list(settings.questionnaires))
    project = result["project"]
    _enum(project["$defs"]["Member"]["properties"]["user"], users)
    _enum(project["$defs"]["Extranet"]["properties"]["kinds"]["items"], list(settings.pipelines))


def _custom_schema(spec: CustomField) -> dict[str, Any]:
    node: dict[str, Any] = {"title": spec.label}
    if spec.type is CustomType.NUMBER:
        node["type"] = "number"
    elif spec.type is CustomType.DATE:
        node.update(type="string", format="date")
    elif spec.type is CustomType.MULTIPLE:
        node.update(
            type="array",
            items={"type": "string", **({"enum": spec.choices} if spec.choices else {})},
        )
    else:
        node["type"] = "string"
        if spec.type is CustomType.CHOICE and spec.choices:
            node["enum"] = list(spec.choices)
    return node


def _add_custom_fields(result: dict[str, dict[str, Any]], settings: Settings) -> None:
    """The firm's own fields (``settings.custom_fields``) as properties of their kind."""
    for kind, fields in settings.custom_fields.items():
        schema = result[kind]
        for key, spec in fields.items():
            schema["properties"][key] = _custom_schema(spec)
            if spec.required:
                schema.setdefault("required", []).append(key)


def write_schemas(repo: Path, settings: Settings | None) -> list[Path]:
    """Write ``schemas/<kind>.schema.json``; return the paths written (changed or not)."""
    from generator.files.output import read_output, real_folder
    from generator.files.yamlio import atomic_write

    folder = real_folder(repo, "schemas")  # never through a link the repository holds
    written: list[Path] = []
    for name, schema in schemas(settings).items():
        path = folder / f"{name}.schema.json"
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        if read_output(path) != text.encode("utf-8"):
            atomic_write(path, text)
        written.append(path)
    return written
