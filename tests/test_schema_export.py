"""JSON Schemas: committed, fresh, documented in French, mapped for VS Code."""

from __future__ import annotations

import json

from conftest import ROOT

from generator.files.layout import FOLDERS
from generator.load import load_settings
from generator.schema.export import schemas


def test_committed_schemas_are_fresh() -> None:
    settings, problems = load_settings(ROOT)
    assert settings is not None, problems
    for name, schema in schemas(settings).items():
        path = ROOT / "schemas" / f"{name}.schema.json"
        assert path.exists(), f"{path} is missing: run carnet schema"
        assert json.loads(path.read_text(encoding="utf-8")) == schema, (
            f"{path} is stale: run carnet schema"
        )


def test_schema_check_command(carnet) -> None:
    assert carnet("schema", "--check", repo=ROOT).exit_code == 0


def test_every_field_has_a_french_title_and_description() -> None:
    def title_of(prop: dict, schema: dict) -> str | None:
        """A field's title, or its $ref's (pydantic omits a title equal to the ref's)."""
        if prop.get("title"):
            return prop["title"]
        ref = prop.get("$ref", "").rsplit("/", 1)[-1]
        return schema.get("$defs", {}).get(ref, {}).get("title")

    def walk(node: object, where: str, schema: dict) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert title_of(prop, schema) and prop.get("description"), f"{where}.{name}"
            for key, value in node.items():
                walk(value, f"{where}.{key}", schema)
        elif isinstance(node, list):
            for item in node:
                walk(item, where, schema)

    for name, schema in schemas(None).items():
        walk(schema, name, schema)


def test_settings_lists_reach_the_editor() -> None:
    settings, _ = load_settings(ROOT)
    interaction = schemas(settings)["interaction"]
    stage = interaction["properties"]["type"]
    assert "Vente - 3 - Devis" in stage["enum"]
    assert interaction["properties"]["kind"]["enum"] == list(settings.pipelines)
    assert interaction["additionalProperties"] is False


def test_schema_writes_files(carnet, example_repo) -> None:
    result = carnet("schema", repo=example_repo)
    assert result.exit_code == 0
    assert "schemas/company.schema.json" in result.stdout.splitlines()
    assert (example_repo / "schemas" / "interaction.schema.json").exists()


def test_vscode_maps_every_kind() -> None:
    config = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = config["yaml.schemas"]
    for folder in FOLDERS:
        schema = f"./schemas/{folder.kind}.schema.json"
        assert schema in mapping, schema
        globs = mapping[schema]
        assert any(g.startswith(folder.path) for g in globs), folder
    assert "data/settings.yaml" in mapping["./schemas/settings.schema.json"]
