"""What the invoicing commands read from the command line: amounts and ``--part`` values.

Amounts are typed the French or the English way (``1500,00``, ``1 500.00``, ``1500 €``):
digits only, at most two decimals for money, below a thousand billion. A ``--part`` is
``SHARE:DATE[:due=DATE][:template=NAME][:label=TEXT]`` where SHARE is ``30%``, an amount
excl. VAT or ``rest``. Every refusal is an :class:`InputError` with a French and an
English sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.invoicing.drafting import DocumentError
from generator.money import HUNDRED, ZERO
from generator.schema.common import INVOICE_KINDS, DocumentKind


class InputError(DocumentError, ValueError):
    """A value typed on the command line that Carnet cannot read."""


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
    decimals); :class:`InputError` otherwise. The sign is kept: callers refuse it."""
    fr, en = what
    cleaned = text.strip().strip("€").strip()
    match = _NUMBER.match(cleaned)
    if match is None:
        raise InputError(
            f"{fr} illisible : « {text} » (par exemple {example})",
            f"unreadable {en}: '{text}' (for instance {example.split(' ou ')[-1]})",
        )
    digits = re.sub(r"[^0-9]", "", match["int"]).lstrip("0")
    if len(digits) > _MAX_DIGITS:
        raise InputError(
            f"{fr} « {text} » hors limites (au plus 999 999 999 999)",
            f"{en} '{text}' out of bounds (at most 999,999,999,999)",
        )
    decimals = match["dec"] or ""
    if len(decimals) > places:
        raise InputError(
            f"{fr} « {text} » : au plus {places} décimales",
            f"{en} '{text}': at most {places} decimals",
        )
    value = Decimal(f"{digits or '0'}.{decimals}" if decimals else digits or "0")
    return -value if match["sign"] == "-" else value


def parse_positive(text: str, *, what: tuple[str, str] = ("montant", "amount")) -> Decimal:
    """An amount in euros, more than zero, at most two decimals."""
    value = parse_decimal(text, what=what)
    if value <= ZERO:
        raise InputError(
            f"{what[0]} « {text} » : un montant positif est attendu",
            f"{what[1]} '{text}': a positive amount is expected",
        )
    return value


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
        raise InputError(
            f"« {where}{text} » : date attendue AAAA-MM-JJ",
            f"'{where}{text}': expected a date YYYY-MM-DD",
        ) from None


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
        raise InputError(
            f"« template={name} » : modèle de facture inconnu (modèles : {known})",
            f"'template={name}': unknown invoice template (templates: {known})",
        )
    return name.strip()


def _options(options: list[str]) -> dict[str, object]:
    extras: dict[str, object] = {}
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or key not in _OPTIONS:
            raise InputError(
                f"« {option} » : options possibles due=, template=, label=",
                f"'{option}': possible options are due=, template=, label=",
            )
        if key in extras:
            raise InputError(f"« {key}= » répété", f"'{key}=' repeated")
        if not value.strip():
            raise InputError(f"« {key}= » sans valeur", f"'{key}=' without a value")
        if not value.isprintable():
            raise InputError(
                f"« {key}= » : une seule ligne de texte, sans caractère de contrôle",
                f"'{key}=': one line of text, without control characters",
            )
        if key == "due":
            extras[key] = _day(value, "due")
        elif key == "template":
            extras[key] = invoice_template(value)
        else:
            extras[key] = value.strip()
    return extras


def parse_part(text: str) -> PartSpec:
    """``30%:2026-04-01[:due=2026-05-01][:template=acompte][:label=…]``, ``1500:DATE``,
    ``rest:DATE``. Raises :class:`InputError` (a ``ValueError``) with a French message."""
    share, _, rest = text.partition(":")
    if not rest:
        raise InputError(
            f"« {text} » : attendu PART:DATE, par exemple 30%:2026-04-01",
            f"'{text}': expected PART:DATE, for instance 30%:2026-04-01",
        )
    day_text, *options = rest.split(":")
    day = _day(day_text)
    extras = _options(options)
    due = extras.get("due")
    if isinstance(due, date) and due < day:
        raise InputError(
            f"« {text} » : échéance {due.isoformat()} avant la date prévue {day.isoformat()}",
            f"'{text}': due date {due.isoformat()} before the planned date {day.isoformat()}",
        )
    share = share.strip()
    if share.lower() in ("rest", "reste", "solde"):
        return PartSpec(None, None, day, **extras)  # type: ignore[arg-type]
    if share.endswith("%"):
        percent = parse_decimal(
            share[:-1], places=4, what=("pourcentage", "percentage"), example="30% ou 12.5%"
        )
        if not ZERO < percent <= HUNDRED:
            raise InputError(
                f"« {share} » : un pourcentage entre 0 et 100 (0 exclu)",
                f"'{share}': a percentage between 0 and 100 (0 excluded)",
            )
        return PartSpec(percent, None, day, **extras)  # type: ignore[arg-type]
    amount = parse_decimal(share)
    if amount <= ZERO:
        raise InputError(
            f"« {share} » : un montant positif (HT) est attendu",
            f"'{share}': a positive amount (excl. VAT) is expected",
        )
    return PartSpec(None, amount, day, **extras)  # type: ignore[arg-type]
