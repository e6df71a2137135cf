"""Cleaning one value of a row before it becomes a field.

Phone numbers are kept as typed (a French one a spreadsheet turned into a number gets
its 0 back) but checked with phonenumbers (their E.164 form finds duplicates), e-mail
addresses are lower-cased and checked with email-validator (syntax only, no DNS), SIRET,
SIREN and VAT numbers lose their spaces and get back the leading zeros a spreadsheet
dropped (the checks of :mod:`generator.checks.identifiers` then validate them with
python-stdnum), postcodes stay text (a French postcode that a spreadsheet turned into a
4-digit number gets its zero back), dates are read day first, a full name is split into
first and last name."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from generator.importers.fields import normalise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INTEREST_SEPARATORS = re.compile(r"\s*(?:[,;]|:::)\s*")
KINDS = {
    "client": "client",
    "clients": "client",
    "customer": "client",
    "prospect": "prospect",
    "prospects": "prospect",
    "lead": "prospect",
    "fournisseur": "supplier",
    "supplier": "supplier",
    "vendor": "supplier",
    "partenaire": "partner",
    "partner": "partner",
}
"""Company kinds as other tools write them (after :func:`normalise`)."""


def unprotect(value: str) -> str:
    """A cell as typed: the quote an export put before ``=``, ``+``… is taken off."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def phone_e164(value: str, region: str) -> str | None:
    """The number in E.164 (``+33612345678``), or ``None`` when it is not a valid one."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_phone(value: str, region: str) -> str:
    """The number as typed; a French one that a spreadsheet turned into a number of nine
    digits (``612345678``) gets its leading 0 back, as a postcode does."""
    number = value.strip()
    if number.endswith(".0") and number[:-2].isdigit():
        number = number[:-2]
    if region == "FR" and number.isdigit() and len(number) == 9 and number[0] != "0":
        return "0" + number
    return number


_ATOM = r"[a-z0-9_%+\-\u00df-\u00f6\u00f8-\u00ff\u0153]+"
_PLAIN_EMAIL = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@([a-z0-9.-]+)")
"""An address whose part before the @ is plainly valid (letters, digits, ``_%+-``, the
lower-case letters of French and its neighbours, « é », « ç », « œ »…, single dots
inside: a dot-atom, which email-validator accepts as it is, in NFC already) and whose
domain is plain ASCII: its validity is its domain's, and its length in UTF-8."""
_MAX_LENGTH = 254


def _valid(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@lru_cache(maxsize=1 << 14)
def _domain_valid(domain: str) -> bool:
    """Does email-validator accept ``domain`` after the @ (asked once per domain)?"""
    return _valid(f"a@{domain}")


def clean_email(value: str) -> tuple[str, bool]:
    """The address lower-cased, and whether its syntax is valid (email-validator, no DNS
    look-up). A plain address is judged by its domain, asked once per domain (an import
    has thousands of addresses at a few domains), and its length; any other by the whole
    address."""
    address = value.strip().lower()
    if address.startswith("mailto:"):
        address = address[len("mailto:") :]
    shown = re.fullmatch(r"[^<>]*<([^<>]+)>", address)  # « Jeanne Sapin <jeanne@…> »
    if shown is not None:
        address = shown[1].strip()
    plain = _PLAIN_EMAIL.fullmatch(address)
    if plain is not None and "xn--" not in plain[2]:  # Punycode: the whole check
        return address, len(address.encode()) <= _MAX_LENGTH and _domain_valid(plain[2])
    return address, _valid(address)


def compact_identifier(value: str) -> str:
    """A SIRET, SIREN or VAT number without its spaces, dots and dashes."""
    return re.sub(r"[\s.\-]", "", value).upper()


IDENTIFIER_LENGTHS = {"siren": 9, "siret": 14}


def clean_identifier(kind: str, value: str) -> str:
    """A SIREN, SIRET or VAT number compacted (:func:`compact_identifier`); a SIREN or
    SIRET that a spreadsheet turned into a number (``5520135``, ``5520135.0``) gets the
    leading zeros it lost back, when its key then holds (Luhn)."""
    code = value.strip()
    if code.endswith(".0") and code[:-2].replace(" ", "").isdigit():
        code = code[:-2]
    code = compact_identifier(code)
    length = IDENTIFIER_LENGTHS.get(kind)
    if length is None or not code.isdigit() or len(code) >= length:
        return code
    from stdnum.fr import siren, siret

    padded = code.zfill(length)
    return padded if (siren if kind == "siren" else siret).is_valid(padded) else code


def clean_postcode(value: str, country: str | None) -> str:
    """The postcode as text; a French one that lost its leading zero gets it back."""
    code = value.strip()
    if code.endswith(".0") and code[:-2].isdigit():
        code = code[:-2]
    if (country or "FR").upper() in ("FR", "FRANCE") and code.isdigit() and len(code) == 4:
        code = "0" + code
    return code


_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.+\-Z ]*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"[1-9]\d{4}(?:\.0+)?")
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial dates (a date cell a spreadsheet shows as a number)."""


@lru_cache(maxsize=1)
def _french() -> Any:
    """dateutil's parser, knowing French month and day names too."""
    from dateutil import parser

    class French(parser.parserinfo):
        MONTHS: ClassVar[list[tuple[str, ...]]] = [
            (*english, *french)
            for english, french in zip(
                parser.parserinfo.MONTHS,
                [
                    ("janvier", "janv"),
                    ("février", "fevrier", "févr", "fevr", "fév", "fev"),
                    ("mars",),
                    ("avril", "avr"),
                    ("mai",),
                    ("juin",),
                    ("juillet", "juil"),
                    ("août", "aout"),
                    ("septembre",),
                    ("octobre",),
                    ("novembre",),
                    ("décembre", "decembre", "déc"),
                ],
                strict=True,
            )
        ]
        WEEKDAYS: ClassVar[list[tuple[str, ...]]] = [
            (*english, french)
            for english, french in zip(
                parser.parserinfo.WEEKDAYS,
                ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
                strict=True,
            )
        ]

    return parser.parser(French(dayfirst=True))


def read_date(value: str) -> date | None:
    """A date typed day first (``05/11/2018``, ``5 nov. 2018``, ``4 mars 2026``), year
    first (``2018-11-05``, ``2018/11/05``, ``20181105``, a spreadsheet's
    ``2018-11-05T00:00:00``) or as an Excel serial (``43409``); ``None`` if not one, or if
    a part is missing (``1999``, ``12``, ``mars 2026``: dateutil would fill it in from
    today)."""
    from datetime import datetime

    text = value.strip()
    try:
        found = _YEAR_FIRST.fullmatch(text) or _COMPACT.fullmatch(text)
        if found is not None:
            return date(int(found[1]), int(found[2]), int(found[3]))
        if _SERIAL.fullmatch(text):
            return EXCEL_EPOCH + timedelta(days=int(float(text)))
        text = re.sub(r"\b1er\b", "1", text, flags=re.IGNORECASE)
        parse = _french().parse
        one = parse(text, default=datetime(1, 1, 1))
        two = parse(text, default=datetime(2, 2, 2))
    except (ValueError, OverflowError):
        return None
    return one.date() if one == two else None


def read_number(value: str) -> int | Decimal | None:
    """A number as typed in France or elsewhere (« 12,5 », « 1 234,50 » with a no-break
    space as Excel writes it, « 1.234,56 », « 1,234.56 »): whole as an ``int``; ``None``
    if not a finite number."""
    text = re.sub(r"\s", "", value)
    if "," in text and "." in text:  # the last of the two marks the decimals
        thousands = "," if text.rfind(",") < text.rfind(".") else "."
        text = text.replace(thousands, "")
    try:
        number = Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else number


def split_name(full: str) -> tuple[str | None, str]:
    """« Jeanne Sapin », « SAPIN Jeanne » or « Sapin, Jeanne » → (first name, last name).

    A word in capitals is the last name (the French way of writing it); otherwise the
    last word is.
    """
    text = " ".join(full.split())
    if "," in text:
        last, _, first = text.partition(",")
        return (first.strip() or None), last.strip()
    words = text.split(" ")
    if len(words) == 1:
        return None, words[0]
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    if capitals and len(capitals) < len(words):
        first = " ".join(w for w in words if w not in capitals)
        return first, " ".join(capitals)
    return " ".join(words[:-1]), words[-1]


def split_interests(value: str, separator: str | None) -> list[str]:
    """Interest centres in one cell (Google's ``a ::: b``, ``a, b``, or ``separator``);
    Google's system labels (``* myContacts``) are left out."""
    parts = value.split(separator) if separator else INTEREST_SEPARATORS.split(value)
    return [p.strip() for p in parts if p.strip() and not p.strip().startswith("* ")]


def translate(value: str, table: dict[str, str]) -> str:
    """``value`` through the mapping's table (exact, then case and accents ignored)."""
    if value in table:
        return table[value]
    wanted = normalise(value)
    for key, target in table.items():
        if normalise(key) == wanted:
            return target
    return value


def company_kind(value: str) -> str:
    """A company kind as another tool writes it (« Client », « Fournisseur »…)."""
    return KINDS.get(normalise(value), value)
