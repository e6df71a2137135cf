"""The firm's own fields (``settings.custom_fields``): each value checked like a built-in
field, located on its key; a required one missing is an error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from generator.book.book import Book
from generator.checks.base import at
from generator.problems import Problem
from generator.schema.custom import CUSTOM_KINDS, CustomField, CustomType

_EXPECTED = {
    CustomType.TEXT: ("un texte", "a text"),
    CustomType.NUMBER: ("un nombre", "a number"),
    CustomType.DATE: ("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
    CustomType.CHOICE: ("une des valeurs permises", "one of the allowed values"),
    CustomType.MULTIPLE: ("une liste de valeurs permises", "a list of allowed values"),
}


def custom_value_ok(spec: CustomField, value: Any) -> bool:
    """Does ``value`` fit the custom field ``spec``? (A date may come back from the
    cache as its ISO text.)"""
    kind = spec.type
    if kind is CustomType.TEXT:
        return isinstance(value, str)
    if kind is CustomType.NUMBER:
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if kind is CustomType.DATE:
        if isinstance(value, date):
            return True
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    if kind is CustomType.CHOICE:
        return isinstance(value, str) and (not spec.choices or value in spec.choices)
    return isinstance(value, list) and all(
        isinstance(v, str) and (not spec.choices or v in spec.choices) for v in value
    )


def check_custom_fields(book: Book) -> list[Problem]:
    """Each declared custom field's value on every contact and company."""
    problems: list[Problem] = []
    settings = book.settings
    if settings is None or not settings.custom_fields:
        return problems
    en = book.lang.startswith("en")
    for kind in CUSTOM_KINDS:
        declared = settings.custom_fields.get(kind) or {}  # type: ignore[call-overload]
        if not declared:
            continue
        for entry in book.of(kind):
            values = entry.record.custom
            for key, spec in declared.items():
                value = values.get(key)
                if value is None:
                    if spec.required:
                        problems.append(
                            at(
                                book,
                                entry.path,
                                (),
                                "custom-field-missing",
                                field=key,
                                label=spec.label,
                            )
                        )
                    continue
                if not custom_value_ok(spec, value):
                    fr, english = _EXPECTED[spec.type]
                    problems.append(
                        at(
                            book,
                            entry.path,
                            (key,),
                            "custom-field-invalid",
                            field=key,
                            label=spec.label,
                            value=value
                            if not isinstance(value, list)
                            else ", ".join(map(str, value)),
                            expected=english if en else fr,
                            choices=", ".join(spec.choices),
                            has="yes" if spec.choices else "no",
                        )
                    )
    return problems
