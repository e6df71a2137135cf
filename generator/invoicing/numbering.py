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


@lru_cache(maxsize=16)
def compile_pattern(text: str) -> Pattern:
    """Compile ``text``; raises ``ValueError`` for a pattern without ``{seq}``."""
    parts: list[str] = []
    fields: set[str] = set()
    for literal, field, spec, _ in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field not in ("year", "seq") or field in fields:
            raise ValueError(f"champ inconnu ou répété dans le motif : {{{field}}}")
        fields.add(field)
        width = spec.lstrip("0") if spec else ""
        digits = r"\d{4}" if field == "year" else (rf"\d{{{width},}}" if width else r"\d+")
        parts.append(f"(?P<{field}>{digits})")
    if "seq" not in fields:
        raise ValueError("le motif doit contenir {seq}")
    return Pattern(text, re.compile("".join(parts)), "year" in fields)


def next_number(pattern: str, issued: list[tuple[str, date]], day: date) -> str:
    """The number following ``issued`` (numbers with their dates) for a document of ``day``."""
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
        raise ValueError(
            f"« {number} » : un numéro a au plus 35 caractères parmi A-Z a-z 0-9 + - _ /"
        )
    return number
