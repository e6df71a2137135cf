"""Document numbers: ``settings.invoicing`` patterns such as ``F{year}-{seq:04}``.

Invoices of every kind and credit notes share one gap-free chronological series; quotes,
orders and delivery notes each have their own. ``{seq}`` restarts every year when the
pattern holds ``{year}``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from generator.problems import Refused
from generator.schema.common import INVOICE_KINDS

ALLOWED = re.compile(r"[A-Za-z0-9+\-_/]{1,35}\Z")
_PATTERN_FIELD = {"invoice": "number_pattern", "quote": "quote_pattern", "order": "order_pattern"}
_PATTERN_FIELD["delivery_note"] = "delivery_pattern"


def series_of(kind: str) -> str:
    """The numbering series of a document kind (all invoices and credit notes share one)."""
    return "invoice" if kind in INVOICE_KINDS else kind


def pattern_for(settings: object, kind: str) -> str | None:
    """The pattern numbering ``kind`` (``None``: Carnet does not number it, e.g. purchases)."""
    field = _PATTERN_FIELD.get(series_of(kind))
    return getattr(settings.invoicing, field) if field else None  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled numbering pattern."""

    text: str
    regex: re.Pattern[str]
    yearly: bool

    def format(self, year: int, seq: int) -> str:
        """The number for ``seq`` in ``year``."""
        return self.text.format(year=year, seq=seq)

    def parse(self, number: str) -> tuple[int | None, int] | None:
        """``(year, seq)`` of a number made by this pattern, else ``None``."""
        match = self.regex.fullmatch(number)
        if not match:
            return None
        year = int(match["year"]) if self.yearly else None
        return year, int(match["seq"])


_SPEC = re.compile(r"(?:0(?P<width>[1-9]\d?))?d?\Z")
_LITERAL = re.compile(r"[A-Za-z0-9+\-_/]*\Z")


PatternError = Refused
"""A numbering pattern Carnet cannot use, or a number it cannot make: a refusal of the
catalogue (``number-pattern-…``); :func:`pattern_problem` and the numbering check quote its
message as the reason."""


@lru_cache(maxsize=16)
def compile_pattern(text: str) -> Pattern:
    """Compile ``text``; raises :class:`PatternError` for a pattern Carnet cannot use.

    A pattern holds ``{seq}`` (``{seq:04}`` pads with zeros), at most one ``{year}``, and
    otherwise only the characters numbers may have (``A-Z a-z 0-9 + - _ /``); the numbers it
    makes have at most 35 characters.
    """
    parts: list[str] = []
    fields: set[str] = set()
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise Refused("number-pattern-brace", detail=exc) from exc
    for literal, field, spec, conversion in pieces:
        if not _LITERAL.match(literal):
            raise Refused("number-pattern-characters", text=literal)
        parts.append(re.escape(literal))
        if field is None:
            continue
        shown = (
            "{"
            + field
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if field not in ("year", "seq") or field in fields:
            raise Refused("number-pattern-field", field=shown)
        spec_match = _SPEC.match(spec or "")
        if conversion or spec_match is None or (field == "year" and spec_match["width"]):
            if field == "seq":
                raise Refused("number-pattern-seq-format", field=shown)
            raise Refused("number-pattern-year-format", field=shown)
        fields.add(field)
        width = spec_match["width"]
        digits = r"\d{4}" if field == "year" else (rf"\d{{{width},}}" if width else r"\d+")
        parts.append(f"(?P<{field}>{digits})")
    if "seq" not in fields:
        raise Refused("number-pattern-no-seq")
    compiled = Pattern(text, re.compile("".join(parts)), "year" in fields)
    longest = compiled.format(9999, 99999)
    if len(longest) > 35:
        raise Refused("number-pattern-too-long", found=longest)
    return compiled


def pattern_problem(text: str, lang: str | None = "fr") -> str | None:
    """Why ``text`` cannot number documents (``None``: it can)."""
    try:
        compile_pattern(text)
    except PatternError as exc:
        return exc.message(lang)
    return None


def next_number(pattern: str, issued: list[tuple[str, date]], day: date) -> str:
    """The number following ``issued`` (numbers with their dates) for a document of ``day``.

    Raises :class:`PatternError` for a pattern Carnet cannot use, or a number it cannot make.
    """
    compiled = compile_pattern(pattern)
    top = 0
    for number, _ in issued:
        parsed = compiled.parse(number)
        if parsed is None:
            continue
        year, seq = parsed
        if not compiled.yearly or year == day.year:
            top = max(top, seq)
    number = compiled.format(day.year, top + 1)
    if not ALLOWED.match(number):
        raise Refused("number-unusable", found=number)
    return number
