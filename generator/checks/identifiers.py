"""Legal identifiers (SIREN, SIRET, VAT, IBAN, BIC) and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.fr import siren, siret

from generator.book.book import Book
from generator.book.records import Entry
from generator.checks.base import at
from generator.checks.memo import CheckMemo
from generator.files.layout import SETTINGS_PATH
from generator.problems import Loc, Problem

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")

_DETAILS = {
    InvalidChecksum: ("clé de contrôle incorrecte", "wrong check digit"),
    InvalidLength: ("longueur incorrecte", "wrong length"),
    InvalidFormat: ("format incorrect", "wrong format"),
    InvalidComponent: ("pays ou composant inconnu", "unknown country or component"),
}

_VALIDATORS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "siren": ("siren-invalid", siren.validate),
    "siret": ("siret-invalid", siret.validate),
    "vat_number": ("vat-number-invalid", vat.validate),
    "iban": ("iban-invalid", iban.validate),
    "bic": ("bic-invalid", bic.validate),
}


def _detail(exc: ValidationError, lang: str) -> str:
    for cls, (fr, en) in _DETAILS.items():
        if isinstance(exc, cls):
            return en if lang.startswith("en") else fr
    return str(exc)


def identifier_error(field: str, value: str, lang: str = "fr") -> str | None:
    """Why ``value`` is not a valid ``field`` (``siren``, ``siret``, ``vat_number``,
    ``iban``, ``bic``), in ``lang``; ``None`` when it is valid."""
    try:
        _VALIDATORS[field][1](value)
    except ValidationError as exc:
        return _detail(exc, lang)
    return None


@cache
def _on_class(cls: type, name: str) -> bool:
    return hasattr(cls, name)


def _value(holder: Any, name: str) -> Any:
    """``getattr(holder, name, None)``, without pydantic's slow search for a field the
    record's model does not have (most contacts have no SIREN, IBAN…): the field, else
    an extra key, else what the class has under that name."""
    fields = holder.__dict__
    if name in fields:
        return fields[name]
    extra = getattr(holder, "__pydantic_extra__", None)
    if extra and name in extra:
        return extra[name]
    return getattr(holder, name, None) if _on_class(type(holder), name) else None


def check_identifiers(book: Book, memo: CheckMemo | None = None) -> list[Problem]:
    """Checksums of SIREN/SIRET/VAT/IBAN/BIC, SIRET within SIREN, e-mail syntax
    (``memo``: see :mod:`generator.checks.memo`; a company's or a contact's problems
    depend on it and on the language)."""
    lang = book.lang

    def problems_of_holder(path: str, loc: Loc, holder: Any) -> list[Problem]:
        problems: list[Problem] = []
        for field, (code, validate) in _VALIDATORS.items():
            value = _value(holder, field)
            if not value:
                continue
            try:
                validate(value)
            except ValidationError as exc:
                problems.append(
                    at(
                        book,
                        path,
                        (*loc, field),
                        code,
                        value=value,
                        detail=_detail(exc, lang),
                        hint=_vat_hint(field, value, lang),
                    )
                )
        siren_value = _value(holder, "siren")
        siret_value = _value(holder, "siret")
        if (
            siren_value
            and siret_value
            and siret.compact(siret_value)[:9] != siren.compact(siren_value)
        ):
            problems.append(
                at(
                    book,
                    path,
                    (*loc, "siret"),
                    "siren-siret-mismatch",
                    siret=siret_value,
                    siren=siren_value,
                )
            )
        email = _value(holder, "email")
        if email and not EMAIL.match(email):
            problems.append(at(book, path, (*loc, "email"), "email-invalid", value=email))
        return problems

    problems: list[Problem] = []
    settings = book.settings
    if settings is not None:
        problems += problems_of_holder(SETTINGS_PATH, ("firm",), settings.firm)
        for key, user in settings.users.items():
            problems += problems_of_holder(SETTINGS_PATH, ("users", key), user)
    entries = (entry for kind in ("company", "contact") for entry in book.of(kind))

    def problems_of(entry: Entry) -> list[Problem]:
        return problems_of_holder(entry.path, (), entry.record)

    if memo is None:
        return problems + [problem for entry in entries for problem in problems_of(entry)]
    return problems + memo.per_record("identifiers", lang, entries, problems_of)


def _vat_hint(field: str, value: str, lang: str) -> str:
    if field != "vat_number":
        return ""
    if value[:2].isdigit():
        return (
            "an EU VAT number starts with its country code, e.g. FR"
            if lang.startswith("en")
            else "un numéro de TVA commence par le code pays, par exemple FR"
        )
    return ""
