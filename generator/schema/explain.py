"""How a schema error is told: located on its key or value, the field named by its
label, a French or English detail of what was expected (pydantic's own texts replaced).

:mod:`generator.schema.parse` validates; this module turns what pydantic refused into
Problems.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from yaml.nodes import ScalarNode

from generator.files.yamlio import ParsedFile, Reported, node_at, position_of
from generator.files.yamltraps import describe_character
from generator.locale import expand
from generator.problems import Loc, Problem, clip, did_you_mean, make_problem
from generator.schema.common import NAME_PATTERN, TEXT_PATTERN


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


def unknown_key_problem(
    model: type[BaseModel], loc: tuple[Any, ...], parsed: ParsedFile, lang: str, *, suggest: bool
) -> Problem:
    """``field-unknown`` on the key at ``loc`` (with a did-you-mean when ``suggest``)."""
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
        loc=tuple(loc),
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
        hidden = "custom" if getattr(current, "keeps_unknown", False) else None
        return tuple(f.alias or n for n, f in current.model_fields.items() if n != hidden)
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


def schema_problem(
    error: Any, parsed: ParsedFile, lang: str, model: type[BaseModel]
) -> Problem | None:
    """The located problem of one pydantic ``error`` (``None`` for a value already
    reported while reading the YAML)."""
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
    if etype == "carnet_problem":  # a model's own problem code (schema/compliance.py)
        return make_problem(str(error["ctx"]["code"]), path, **where)
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
