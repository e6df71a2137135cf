"""Saved import mappings: ``data/imports/NAME.yaml``, read, checked and written.

A mapping is validated like a record (its model is
:class:`generator.schema.imports.ImportMapping`, problems located ``path:line:col``), then
against the import at hand: every field must exist for its kind, no field is filled by
two columns, and every column it names must be in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.files.edits import ChangeSet, dump, to_yaml_data
from generator.files.output import checked_path
from generator.files.yamlio import position_of
from generator.importers.fields import Guess, ascii_words
from generator.problems import Problem, Refused, did_you_mean, make_problem
from generator.schema.imports import ImportColumn, ImportMapping, parse_mapping

FOLDER = "data/imports"


def _suggest(value: str, candidates: Iterable[str], lang: str) -> str:
    text = did_you_mean(value, candidates, lang)
    return f" ({text})" if text else ""


def mapping_id(name: str) -> str:
    """The file name of the mapping called ``name``: « Fichier prospects mensuel » →
    ``fichier-prospects-mensuel``."""
    slug = ascii_words(name).replace(" ", "-")[:60].strip("-")  # a file name has a limit
    if not slug:
        raise Refused("import-mapping-name-invalid", name=name)
    return slug


def mapping_path(name: str) -> str:
    """``data/imports/<id>.yaml`` for the mapping called ``name``."""
    return f"{FOLDER}/{mapping_id(name)}.yaml"


@dataclass(frozen=True, slots=True)
class Column:
    """One mapped column: its header, the field it fills, how its value is cut and
    translated, and where the mapping says so (for problems)."""

    header: str
    field: str
    split: str | None
    values: dict[str, str]


def columns_of(mapping: ImportMapping) -> list[Column]:
    """The mapping's columns, plain or detailed, as :class:`Column`."""
    found: list[Column] = []
    for header, target in mapping.columns.items():
        if isinstance(target, ImportColumn):
            found.append(Column(header, target.field, target.split, dict(target.values)))
        else:
            found.append(Column(header, str(target), None, {}))
    return found


def read_mapping(
    repo: Path, name: str, lang: str = "fr"
) -> tuple[ImportMapping | None, Any, list[Problem], str]:
    """The mapping called ``name``: the model (``None`` when it has errors), its YAML
    tree (positions), its problems and its repository path. Refuses a missing one."""
    rel = mapping_path(name)
    path = repo / rel
    if path.is_symlink() or not path.is_file():
        raise Refused("import-mapping-unknown", name=name, file=rel)
    mapping, root, problems = parse_mapping(path.read_bytes(), rel, lang)
    return mapping, root, problems, rel


def inline_mapping(kind: str, pairs: Iterable[str]) -> ImportMapping:
    """The mapping ``--map "Col=field"`` options give; a pair without ``=`` is refused."""
    columns: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise Refused("import-map-invalid", pair=pair)
        if header.strip() in columns:
            raise Refused(
                "import-map-twice",
                header=header.strip(),
                first=columns[header.strip()],
                second=target.strip(),
            )
        columns[header.strip()] = target.strip()
    return ImportMapping(kind=kind, columns=columns)  # type: ignore[arg-type]


def check_mapping(
    mapping: ImportMapping,
    header: list[str],
    known: frozenset[str],
    *,
    rel: str,
    root: Any = None,
    lang: str = "fr",
) -> list[Problem]:
    """Problems of ``mapping`` for a file whose header is ``header``: unknown field (or a
    field of the other kind), a field filled twice, a column the file does not have."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    headers = set(header)

    def here(*loc: str | int) -> dict[str, int]:
        line, column = position_of(root, loc, key=True) if root is not None else (1, 1)
        return {"line": line, "column": column}

    for column in columns_of(mapping):
        place = here("columns", column.header)
        if column.field not in known:
            other = "company" if mapping.kind == "contact" else "contact"
            code = (
                "import-field-other-kind"
                if column.field.startswith(f"{other}.") and mapping.kind == "company"
                else "import-field-unknown"
            )
            problems.append(
                make_problem(
                    code,
                    rel,
                    lang=lang,
                    field=column.field,
                    kind=mapping.kind.value,
                    suggestion=_suggest(column.field, sorted(known), lang),
                    **place,
                )
            )
        elif column.field in seen and not column.field.endswith("interests"):
            problems.append(
                make_problem(
                    "import-field-twice",
                    rel,
                    lang=lang,
                    field=column.field,
                    first=seen[column.field],
                    column=place["column"],
                    line=place["line"],
                )
            )
        seen.setdefault(column.field, column.header)
        if column.header not in headers:
            problems.append(
                make_problem(
                    "import-column-missing",
                    rel,
                    lang=lang,
                    header=column.header,
                    suggestion=_suggest(column.header, header, lang),
                    **place,
                )
            )
    for field_name in mapping.constants:
        if field_name not in known:
            problems.append(
                make_problem(
                    "import-field-unknown",
                    rel,
                    lang=lang,
                    field=field_name,
                    kind=mapping.kind.value,
                    suggestion=_suggest(field_name, sorted(known), lang),
                    **here("constants", field_name),
                )
            )
    return problems


def mapping_data(kind: str, guesses: list[Guess], title: str | None = None) -> dict[str, Any]:
    """What ``guess --save-mapping`` writes: the matched columns, the others to skip."""
    data: dict[str, Any] = {"title": title, "kind": kind}
    data["columns"] = {g.column: g.field for g in guesses if g.field and g.column}
    data["constants"] = {}
    data["skip"] = [g.column for g in guesses if not g.field and g.column]
    return data


def save_mapping(changes: ChangeSet, name: str, data: dict[str, Any], *, force: bool) -> str:
    """Add the mapping ``data`` called ``name`` to ``changes``; refuses to overwrite an
    existing mapping without ``force`` (the seed warns that it is overwritten)."""
    rel = mapping_path(name)
    checked_path(changes.repo, *FOLDER.split("/"))  # never through a linked folder
    target = changes.repo / rel
    if target.is_symlink():
        raise Refused("output-link", path=rel)
    if target.exists() and not force:
        raise Refused("import-mapping-exists", name=name, file=rel)
    text = dump(to_yaml_data({k: v for k, v in data.items() if v is not None}))
    comment = (
        f"# Import mapping « {name} » (carnet import run FICHIER --mapping {mapping_id(name)})\n"
    )
    changes.create_bytes(rel, (comment + text).encode("utf-8"))
    return rel


def mapping_from(mapping: ImportMapping, title: str | None = None) -> dict[str, Any]:
    """A mapping's data as it is saved (for ``run --save-mapping``)."""
    data = mapping.model_dump(mode="json", exclude_defaults=True)
    data["kind"] = mapping.kind.value
    if title:
        data = {"title": title, **data}
    return data
