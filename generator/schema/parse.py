"""One file's bytes → one validated record (or none) and the problems found in it.

This is the per-file half of the pipeline: it needs nothing but the file and the
settings' timezone, so it runs in worker processes and its results are cached by the
file's content.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from types import UnionType
from typing import Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from yaml.nodes import ScalarNode

from generator.files.yamlio import ParsedFile, Reported, node_at, parse_bytes, position_of
from generator.files.yamltraps import describe_character
from generator.locale import expand
from generator.problems import Loc, Problem, clip, did_you_mean, make_problem
from generator.schema.common import NAME_PATTERN, TEXT_PATTERN

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
    """Parse and validate one record file."""
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
        _unknown_key_problem(model, e["loc"], parsed, lang, suggest=n < SUGGESTED_KEYS)
        for n, e in enumerate(unknown)
    ]
    if unknown:
        cleaned = _without(parsed.value, [e["loc"] for e in unknown])
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
        problem = _schema_problem(error, parsed, lang, model)
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


def dotted(loc: Loc) -> str:
    """``document.lines[2].unit_price`` for ``("document", "lines", 1, "unit_price")``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(racine)"


@lru_cache(maxsize=1024)
def field_title(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The French label (``F("Libellé", …)``) of the field at ``loc`` inside ``model``;
    for an item of a list, the list's label; ``None`` when ``loc`` names no known field."""
    current: Any = model
    title = None
    free_key = False  # the part after a dict[str, Model] field is the user's own key
    for part in loc:
        if isinstance(part, int) or free_key:
            free_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return title if current is None else None
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        title = field.title
        current = _inner_model(field.annotation)
        if current is None and (values := _dict_value_model(field.annotation)) is not None:
            current, free_key = values, True
    return title


def shown_field(model: type[BaseModel], loc: tuple[Any, ...], lang: str) -> str:
    """A field as messages name it: « Date (document.payments[1].date) » in French (the
    label the user reads, then the path the user types), the path alone in English."""
    path = dotted(loc)
    title = None if lang.startswith("en") else field_title(model, tuple(loc))
    return f"{title} ({clip(path, 100)})" if title and title != path else path


SUGGESTED_KEYS = 200
"""Unknown keys of a file that get a "did you mean" (the rest list the known fields):
a file with thousands of them is not a typo, and difflib would dominate the run."""


def _unknown_key_problem(
    model: type[BaseModel], loc: tuple[Any, ...], parsed: ParsedFile, lang: str, *, suggest: bool
) -> Problem:
    line, column = position_of(parsed.root, loc, key=True)
    known = fields_at(model, loc[:-1])
    close = did_you_mean(str(loc[-1]), known, lang) if suggest else ""
    suggestion = close or (
        ("known fields: " if lang.startswith("en") else "champs connus : ")
        + ", ".join(sorted(known))
    )
    return make_problem(
        "field-unknown",
        parsed.path,
        line=line,
        column=column,
        lang=lang,
        field=dotted(loc),
        suggestion=suggestion,
    )


@lru_cache(maxsize=512)
def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, ...]:
    """The field names (aliases) of the model found at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return ()
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return ()
        current = _inner_model(field.annotation)
        if current is None and part is not loc[-1]:
            # dict[str, Model]: the next part is a free key
            current = _dict_value_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return tuple(f.alias or name for name, f in current.model_fields.items())
    return ()


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (Union, UnionType, list, tuple):
        for arg in get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None


def _dict_value_model(annotation: Any) -> Any:
    for arg in get_args(annotation):
        if get_origin(arg) is dict or arg is dict:
            return _inner_model(get_args(arg)[1])
    if get_origin(annotation) is dict:
        return _inner_model(get_args(annotation)[1])
    return None


_EXPECTED = {
    "string": ("du texte", "text"),
    "int": ("un nombre entier", "a whole number"),
    "decimal": ("un nombre", "a number"),
    "float": ("un nombre", "a number"),
    "bool": ("true ou false", "true or false"),
    "list": ("une liste", "a list"),
    "dict": ("un dictionnaire « clé: valeur »", "a 'key: value' mapping"),
    "model": ("un dictionnaire « clé: valeur »", "a 'key: value' mapping"),
}


def describe(value: Any, lang: str) -> str:
    """A short description of a YAML value's type, for messages."""
    en = lang.startswith("en")
    if value is None:
        return "nothing" if en else "rien"
    if isinstance(value, bool):
        return f"the boolean {value}" if en else f"le booléen {value}"
    if isinstance(value, int | float | Decimal):
        return f"the number {clip(str(value))}" if en else f"le nombre {clip(str(value))}"
    if isinstance(value, dict):
        return "a mapping" if en else "un dictionnaire"
    if isinstance(value, list):
        return "a list" if en else "une liste"
    if isinstance(value, datetime | date):
        return f"the date {value}" if en else f"la date {value}"
    return f"« {clip(str(value))} »" if not en else f"'{clip(str(value))}'"


def _schema_problem(
    error: Any, parsed: ParsedFile, lang: str, model: type[BaseModel]
) -> Problem | None:
    etype: str = error["type"]
    loc: tuple[Any, ...] = tuple(error["loc"])
    value = error.get("input")
    path = parsed.path
    if isinstance(value, Reported):
        return None
    field = shown_field(model, loc, lang)
    if etype == "missing":
        parent_key, parent = node_at(parsed.root, loc[:-1])
        node = parent_key if parent_key is not None else parent
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        return make_problem("field-missing", path, line=line, column=column, lang=lang, field=field)
    line, column = position_of(parsed.root, loc)
    where = {"line": line, "column": column, "lang": lang}
    _, node = node_at(parsed.root, loc)
    text = clip(node.value) if isinstance(node, ScalarNode) else describe(value, lang)
    quoted = f'{loc[-1]}: "{text}"' if loc and isinstance(loc[-1], str) else f'- "{text}"'
    if etype == "string_type" and isinstance(value, bool):
        shown = str(value).lower()
        return make_problem("yaml-boolean", path, text=text, value=shown, quoted=quoted, **where)
    if etype == "string_type" and isinstance(value, int | Decimal):
        return make_problem(
            "yaml-number",
            path,
            text=text,
            value=value,
            quoted=quoted,
            detail=_lost(text, lang),
            **where,
        )
    if etype.startswith(("date", "datetime")) or "date attendue" in str(error.get("msg")):
        return make_problem("date-invalid", path, text=text, **where)
    if etype in ("enum", "literal_error"):
        allowed = str(error.get("ctx", {}).get("expected", ""))
        if not lang.startswith("en"):
            allowed = allowed.replace(" or ", " ou ")
        return make_problem("enum-invalid", path, field=field, value=text, allowed=allowed, **where)
    if etype == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern"))
        if pattern in (TEXT_PATTERN, NAME_PATTERN):
            char = _first_refused(value, pattern)
            return make_problem("text-control-character", path, field=field, char=char, **where)
    family = etype.split("_", 1)[0]
    if etype.endswith(("_type", "_parsing")) and family in _EXPECTED:
        fr, en = _EXPECTED[family]
        return make_problem(
            "type-invalid",
            path,
            field=field,
            expected=en if lang.startswith("en") else fr,
            found=describe(value, lang),
            **where,
        )
    return make_problem("value-invalid", path, field=field, detail=_detail(error, lang), **where)


def _first_refused(value: Any, pattern: str) -> str:
    """The first character of ``value`` (or of a text inside it) that ``pattern`` refuses."""
    refused = re.compile(pattern.replace("^[^", "[").replace("]*$", "]"))
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and (found := refused.search(item)):
            return describe_character(found.group())
        if isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            stack.extend(item)
    return "?"


_DETAILS_FR = {
    "string_pattern_mismatch": "format attendu : {pattern}",
    "finite_number": "nombre fini attendu",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "too_short": "au moins {min_length, plural, one {# élément attendu} other {# éléments attendus}}",
    "too_long": "au plus {max_length, plural, one {# élément} other {# éléments}}",
    "string_too_short": "au moins {min_length, plural, one {# caractère} other {# caractères}}",
    "decimal_max_digits": "trop de chiffres",
    "decimal_max_places": "trop de décimales",
}
_PATTERNS_FR = {
    "^[a-z0-9-]+$": "un identifiant (lettres minuscules, chiffres et -)",
    "^[A-Z]{2}$": "un code pays de deux lettres majuscules (FR)",
    "^[A-Z]{3}$": "un code de devise de trois lettres (EUR)",
    "^[A-Z_][A-Z0-9_]*$": "un nom de variable d'environnement (MAJUSCULES_ET_TIRETS_BAS)",
    "^(fr|en)(_[A-Z]{2})?$": "fr_FR ou en",
    "^CARNET_[A-Z0-9_]+$": "un nom de variable d'environnement commençant par CARNET_",
}


def _detail(error: Any, lang: str) -> str:
    """French wording of a pydantic error (its English message otherwise)."""
    etype = error["type"]
    message = str(error.get("msg", etype)).removeprefix("Value error, ")
    if lang.startswith("en") or etype == "value_error":
        return message
    ctx = dict(error.get("ctx") or {})
    if "pattern" in ctx:
        ctx["pattern"] = _PATTERNS_FR.get(str(ctx["pattern"]), ctx["pattern"])
    template = _DETAILS_FR.get(etype)
    return expand(template, lang, ctx).format(**ctx) if template else message


def _lost(text: Any, lang: str) -> str:
    text = str(text)
    if len(text) > 1 and text.startswith("0") and text.isdigit():
        if set(text) <= set("01234567"):
            return (
                ": read as an octal number"
                if lang.startswith("en")
                else " : lu en octal, le zéro initial est perdu"
            )
        return (
            ": the leading zero is lost"
            if lang.startswith("en")
            else " : le zéro initial est perdu"
        )
    return ""
