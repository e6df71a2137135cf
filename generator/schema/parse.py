"""One file's bytes → one validated record (or none) and the problems found in it.

This is the per-file half of the pipeline: it needs nothing but the file and the
settings' timezone, so it runs in worker processes and its results are cached by the
file's content.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel, ValidationError

from generator.files.yamlio import ParsedFile, parse_bytes
from generator.files.yamlstream import plain_mapping
from generator.problems import Problem, make_problem
from generator.schema.explain import SUGGESTED_KEYS, schema_problem, unknown_key_problem

ID_PATTERN = re.compile(r"[a-z0-9-]+\Z")
_BLOCKING = frozenset({"yaml-anchor", "yaml-alias", "yaml-tag", "yaml-multiple-documents"})
"""YAML traps after which the value cannot be trusted at all."""


class ParsedRecord(NamedTuple):
    """One file, parsed: its record (``None`` when it cannot be used), its problems, and
    the top-level fields that failed validation (the record holds them without their
    value: left out, or a stand-in when they are required, see :func:`_partial_record`)."""

    record: BaseModel | None
    problems: list[Problem]
    faulty: frozenset[str] = frozenset()


def parse_file(
    model: type[BaseModel], path: str, raw: bytes, *, tz: str = "Europe/Paris", lang: str = "fr"
) -> ParsedRecord:
    """Parse and validate one record file.

    An ordinary file that validates is read in one pass (:func:`plain_mapping`); any
    other takes the full path, which locates each of its problems.
    """
    value = plain_mapping(raw)
    if value is not None:
        try:
            return ParsedRecord(model.model_validate(value, context={"tz": tz}), [])
        except ValidationError:
            pass
    parsed = parse_bytes(raw, path, lang)
    problems = list(parsed.problems)
    if parsed.value is None:
        return ParsedRecord(None, problems)
    if any(p.code in _BLOCKING for p in problems):
        return ParsedRecord(None, problems)
    record, schema_problems, faulty = validate_value(model, parsed, tz=tz, lang=lang)
    already = {(p.line, p.column) for p in problems}
    problems.extend(p for p in schema_problems if (p.line, p.column) not in already)
    return ParsedRecord(record, problems, faulty)


def parse_record(
    model: type[BaseModel], path: str, raw: bytes, *, tz: str = "Europe/Paris", lang: str = "fr"
) -> tuple[BaseModel | None, list[Problem]]:
    """Parse and validate one record file; ``None`` when it cannot be used."""
    record, problems, _ = parse_file(model, path, raw, tz=tz, lang=lang)
    return record, problems


def record_to_json(record: BaseModel, tz: str) -> str | None:
    """The record as JSON text for the cache, or ``None`` when it would not read back the same.

    What :func:`record_from_json` reads is validated again by the same model, so a cached
    record is exactly a parsed one. Fields typed ``Any`` keep no type in JSON (a date would
    come back as text): records whose model has one are checked and not cached if changed.
    """
    text = record.model_dump_json(by_alias=True, exclude_unset=True, context={"wall_time": True})
    if _holds_any(type(record)) and record_from_json(type(record), text, tz) != record:
        return None
    return text


def record_from_json(model: type[BaseModel], text: str, tz: str) -> BaseModel:
    """Inverse of :func:`record_to_json` (raises ``ValidationError`` on a foreign text)."""
    return model.model_validate_json(text, context={"tz": tz})


@cache
def _holds_any(model: type[BaseModel]) -> bool:
    """Does ``model``, or a model inside it, have a field typed ``Any``?"""

    def walk(annotation: Any) -> bool:
        if annotation is Any:
            return True
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return _holds_any(annotation)
        return any(walk(arg) for arg in get_args(annotation))

    return any(walk(field.annotation) for field in model.model_fields.values())


def check_id(stem: str, path: str, lang: str = "fr") -> list[Problem]:
    """A record id is its file name: lowercase letters, digits and ``-``."""
    if ID_PATTERN.match(stem):
        return []
    suggestion = re.sub(r"[^a-z0-9-]+", "-", _strip_accents(stem.lower())).strip("-") or "nouvel-id"
    return [make_problem("id-invalid", path, lang=lang, id=stem, suggestion=suggestion)]


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def validate_value(
    model: type[BaseModel], parsed: ParsedFile, *, tz: str, lang: str
) -> tuple[BaseModel | None, list[Problem], frozenset[str]]:
    """Validate a parsed file against ``model``; unknown keys are warnings, then dropped.

    Also returns the top-level fields that failed: a record with errors is still made of
    the fields that validated (:func:`_partial_record`), so that the checks report the
    file's other problems in the same run.
    """
    context = {"tz": tz}
    try:
        return model.model_validate(parsed.value, context=context), [], frozenset()
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    problems = [
        unknown_key_problem(model, e["loc"], parsed, lang, suggest=n < SUGGESTED_KEYS)
        for n, e in enumerate(unknown)
    ]
    if unknown:
        cleaned = _without(parsed.value, [e["loc"] for e in unknown])
        if getattr(model, "keeps_unknown", False):
            kept = {
                str(e["loc"][0]): parsed.value[e["loc"][0]] for e in unknown if len(e["loc"]) == 1
            }
            cleaned = {**cleaned, "custom": kept}
        try:
            return model.model_validate(cleaned, context=context), problems, frozenset()
        except ValidationError as exc:
            errors = [e for e in exc.errors(include_url=False) if e["type"] != "extra_forbidden"]
        value = cleaned
    else:
        value = parsed.value
    seen: set[tuple[int, int, str, str]] = set()
    partial, faulty = _partial_record(model, value, errors, context)
    for error in errors:
        problem = schema_problem(error, parsed, lang, model)
        if problem is None:
            continue
        key = (problem.line, problem.column, problem.code, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return partial, problems, faulty


STAND_INS: dict[str, Any] = {"state": "done", "status": "draft", "direction": "in"}
"""The stand-in of a required enumerated field that failed, by field name, when its
first value would mean something to a check (a draft movement is never replayed); other
required fields stand in with their type's empty value (see :func:`_stand_in`)."""


def _partial_record(
    model: type[BaseModel],
    value: Any,
    errors: list[Any],
    context: dict[str, Any],
) -> tuple[BaseModel | None, frozenset[str]]:
    """The record without its faulty top-level fields, and their names.

    A faulty optional field is left out; a faulty required one holds a stand-in of its
    type (an empty text, 1970-01-01, ``done``…), so that the record
    still enters the Book and the checks report the file's other problems in the same
    run; the checks never report on a faulty field (:func:`generator.checks.run_checks`).
    A model that allows no stand-in (``stand_ins = False``: the settings, on which every
    record depends) is kept only when its faulty fields are optional. Errors were
    reported: such a record never reaches a target.
    """
    faulty = {_spot(model, tuple(e["loc"])) for e in errors}
    if not faulty or () in faulty:
        return None, frozenset()  # the record as a whole is wrong (or not a mapping)
    names = frozenset(str(loc[0]) for loc in faulty)
    cleaned = _without(value, list(faulty))
    if isinstance(cleaned, dict) and getattr(model, "stand_ins", True):
        for name, field in model.model_fields.items():
            key = field.alias or name
            if key in names and field.is_required():
                stand_in = _stand_in(key, field.annotation)
                if stand_in is _NO_STAND_IN:
                    return None, names
                cleaned[key] = copy.copy(stand_in)
    try:
        return model.model_validate(cleaned, context=context), names
    except ValidationError:
        return None, names


def _spot(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """What to leave out for an error at ``loc``: its top-level field, unless that field
    is a required block (``firm`` of the settings): then the deepest optional field of
    that block on the way to the error (``firm.logo``), when there is one."""
    if not loc:
        return ()
    current: Any = model
    best: tuple[Any, ...] = ()
    for depth, part in enumerate(loc):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            break
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            break
        if depth == 0 and not field.is_required():
            return loc[:1]
        if depth > 0 and not field.is_required():
            best = loc[: depth + 1]
        annotation = field.annotation
        current = annotation if isinstance(annotation, type) else None
    return best or loc[:1]


_NO_STAND_IN = object()


def _stand_in(name: str, annotation: Any) -> Any:
    """An empty value of ``annotation`` for the required field ``name`` (or none)."""
    from enum import Enum

    if name in STAND_INS:
        return STAND_INS[name]
    origin = get_origin(annotation) or annotation
    if isinstance(origin, type):
        if issubclass(origin, Enum):
            return next(iter(origin)).value
        for kind, empty in _EMPTY:
            if issubclass(origin, kind):
                return empty
    return _NO_STAND_IN


_EMPTY: tuple[tuple[type, Any], ...] = (
    (bool, False),
    (str, ""),
    (int, 0),
    (Decimal, Decimal(0)),
    (date, date(1970, 1, 1)),  # not date.min: a view subtracting days would overflow
    (list, []),
    (dict, {}),
)
"""Empty values by type (``bool`` before ``int``: a bool is an int)."""


def _without(value: Any, locs: list[tuple[Any, ...]]) -> Any:
    """A copy of ``value`` without the keys at ``locs``."""
    cleaned = copy.deepcopy(value)
    for loc in locs:
        target = cleaned
        for part in loc[:-1]:
            try:
                target = target[part]
            except (KeyError, IndexError, TypeError):
                target = None
                break
        if isinstance(target, dict):
            target.pop(loc[-1], None)
    return cleaned
