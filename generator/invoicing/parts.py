"""What the invoicing commands read from the command line: amounts and ``--part`` values.

Amounts are typed the French or the English way (``1500,00``, ``1 500.00``, ``1500 €``):
digits only, at most two decimals for money, below a thousand billion. A ``--part`` is
``SHARE:DATE[:due=DATE][:template=NAME][:label=TEXT]`` where SHARE is ``30%``, an amount
excl. VAT or ``rest``. Every refusal is a usage error of the catalogue (``input-…``): a
value the command cannot read, exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.money import HUNDRED, ZERO
from generator.problems import Refused
from generator.schema.common import INVOICE_KINDS, DocumentKind

_NUMBER = re.compile(
    r"(?P<sign>-?)(?P<int>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)(?:[.,](?P<dec>[0-9]+))?\Z"
)
_MAX_DIGITS = 12
"""No amount in a small business reaches a thousand billion (as the schema says)."""
_OPTIONS = ("due", "template", "label")


def parse_decimal(
    text: str,
    *,
    places: int = 2,
    what: tuple[str, str] = ("montant", "amount"),
    example: str = "1500,00 ou 1500.00",
) -> Decimal:
    """``1500,00``, ``1 500.00``, ``1500 €`` or ``1500`` as a Decimal (at most ``places``
    decimals); refused otherwise. The sign is kept: callers refuse it. ``what`` names the
    value in French and English; ``example`` is French (its last form is the English one)."""
    named = {"what": what[0], "what_en": what[1], "quoted": text}
    cleaned = text.strip().strip("€").strip()
    match = _NUMBER.match(cleaned)
    if match is None:
        raise Refused(
            "input-number-unreadable",
            example=example,
            example_en=example.split(" ou ")[-1],
            **named,
        )
    digits = re.sub(r"[^0-9]", "", match["int"]).lstrip("0")
    if len(digits) > _MAX_DIGITS:
        raise Refused("input-number-too-large", **named)
    decimals = match["dec"] or ""
    if len(decimals) > places:
        raise Refused("input-number-decimals", places=places, **named)
    value = Decimal(f"{digits or '0'}.{decimals}" if decimals else digits or "0")
    return -value if match["sign"] == "-" else value


def parse_positive(text: str, *, what: tuple[str, str] = ("montant", "amount")) -> Decimal:
    """An amount in euros, more than zero, at most two decimals."""
    value = parse_decimal(text, what=what)
    if value <= ZERO:
        raise Refused("input-amount-not-positive", what=what[0], what_en=what[1], quoted=text)
    return value


def parse_line_number(text: str) -> int:
    """A ``--line`` value: a line number from 1 (a usage error otherwise)."""
    if not text.strip().isdigit() or not text.strip().isascii():
        raise Refused("input-line-number", quoted=text)
    return int(text)


@dataclass(frozen=True, slots=True)
class PartSpec:
    """One ``--part``: a percentage, an amount or the rest; its planned date and options."""

    percent: Decimal | None
    amount: Decimal | None
    day: date
    due: date | None = None
    template: str | None = None
    label: str | None = None

    @property
    def rest(self) -> bool:
        """The part that takes whatever is left on the order."""
        return self.percent is None and self.amount is None


def _day(text: str, option: str = "") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        where = f"{option}=" if option else ""
        raise Refused("input-date-invalid", quoted=f"{where}{text}") from None


def invoice_template(name: str) -> str:
    """A ``template=`` value that prints an invoice (« acompte », « facture »…)."""
    from generator.documents.kinds import TEMPLATE_ALIASES

    chosen = TEMPLATE_ALIASES.get(name.strip().lower())
    if chosen is None or chosen not in INVOICE_KINDS or chosen is DocumentKind.CREDIT_NOTE:
        known = ", ".join(
            sorted(
                a
                for a, k in TEMPLATE_ALIASES.items()
                if "_" not in a and k in INVOICE_KINDS and k is not DocumentKind.CREDIT_NOTE
            )
        )
        raise Refused("input-invoice-template-unknown", quoted=name, known=known)
    return name.strip()


def _options(options: list[str]) -> dict[str, object]:
    extras: dict[str, object] = {}
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or key not in _OPTIONS:
            raise Refused("input-part-option-unknown", quoted=option)
        if key in extras:
            raise Refused("input-part-option-repeated", option=key)
        if not value.strip():
            raise Refused("input-part-option-empty", option=key)
        if not value.isprintable():
            raise Refused("input-part-option-control", option=key)
        if key == "due":
            extras[key] = _day(value, "due")
        elif key == "template":
            extras[key] = invoice_template(value)
        else:
            extras[key] = value.strip()
    return extras


def parse_part(text: str) -> PartSpec:
    """``30%:2026-04-01[:due=2026-05-01][:template=acompte][:label=…]``, ``1500:DATE``,
    ``rest:DATE``; refused as a usage error otherwise."""
    share, _, rest = text.partition(":")
    if not rest:
        raise Refused("input-part-unreadable", quoted=text)
    day_text, *options = rest.split(":")
    day = _day(day_text)
    extras = _options(options)
    due = extras.get("due")
    if isinstance(due, date) and due < day:
        raise Refused("input-part-due-before", quoted=text, due=due, day=day)
    share = share.strip()
    if share.lower() in ("rest", "reste", "solde"):
        return PartSpec(None, None, day, **extras)  # type: ignore[arg-type]
    if share.endswith("%"):
        percent = parse_decimal(
            share[:-1], places=4, what=("pourcentage", "percentage"), example="30% ou 12.5%"
        )
        if not ZERO < percent <= HUNDRED:
            raise Refused("input-part-percentage", quoted=share)
        return PartSpec(percent, None, day, **extras)  # type: ignore[arg-type]
    amount = parse_decimal(share)
    if amount <= ZERO:
        raise Refused("input-part-amount-not-positive", quoted=share)
    return PartSpec(None, amount, day, **extras)  # type: ignore[arg-type]
