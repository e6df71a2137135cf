"""Building blocks shared by every record model: base config, typed scalars, enums."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    WrapSerializer,
)
from pydantic_core import PydanticCustomError


class Record(BaseModel):
    """Base of every model: immutable, unknown keys reported, French titles in schemas."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        validate_default=False,
        ser_json_inf_nan="strings",
    )


def _reject_numbers(value: Any) -> Any:
    if isinstance(value, bool | int | float | Decimal):
        raise ValueError("date attendue au format AAAA-MM-JJ")
    return value


def _localize(value: datetime, info: ValidationInfo) -> datetime:
    """Naive date-times are local to ``settings.timezone`` (given in the context)."""
    if value.tzinfo is None:
        tz = (info.context or {}).get("tz") or "Europe/Paris"
        return value.replace(tzinfo=ZoneInfo(tz))
    return value


def _wall_time(
    value: datetime, handler: SerializerFunctionWrapHandler, info: SerializationInfo
) -> Any:
    """With the ``wall_time`` context (the record cache), a date-time localized in the
    settings' timezone is written as the local time the user typed: read back in the same
    timezone, it is the same value, zone rules included (not a fixed UTC offset)."""
    if (info.context or {}).get("wall_time") and isinstance(value.tzinfo, ZoneInfo):
        return value.replace(tzinfo=None).isoformat()
    return handler(value)


Day = Annotated[date, BeforeValidator(_reject_numbers)]
"""A calendar date, ``YYYY-MM-DD``."""

LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_reject_numbers),
    AfterValidator(_localize),
    WrapSerializer(_wall_time),
]
"""A date-time ``YYYY-MM-DDTHH:MM[:SS]``, local to ``settings.timezone``."""

LIMIT = Decimal("1e12")
"""No amount or quantity in a small business reaches a thousand billion."""


def _reasonable(value: Any) -> Any:
    """Refuse infinite, huge or absurdly precise numbers before any arithmetic on them."""
    number = value
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace("_", ""))
        except ArithmeticError:
            return value  # not a number: pydantic reports it
    if isinstance(number, float):
        number = Decimal(repr(number))
    elif isinstance(number, int) and not isinstance(number, bool):
        number = Decimal(number)
    if isinstance(number, Decimal):
        if not number.is_finite():
            raise ValueError("nombre fini attendu")
        if number and not -7 <= number.adjusted() < 12:
            raise ValueError("nombre hors limites (au plus 999 999 999 999, 6 décimales)")
    return value


Amount = Annotated[Decimal, BeforeValidator(_reasonable)]
"""Money or quantity: exact decimal, never a float, within sane bounds."""

TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
"""No control character (C0 but tab and newline, DEL, C1): they break PDF/A and
Factur-X, and terminals obey them."""
NAME_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
"""Neither control characters nor bidirectional embeddings, overrides and isolates, which
can make a name display as another (« Trojan Source »)."""

Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
"""Free text (notes, descriptions, addresses, mentions): tab and newline allowed, no other
control character. Checked by pydantic's Rust regex, at no measurable cost."""

Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
"""What names, labels or identifies something (names, titles, subjects, stages, codes,
phone numbers, list values): :data:`Text` without bidirectional controls either."""

_CONTROL = re.compile(TEXT_PATTERN.replace("^[^", "[").replace("]*$", "]"))


def _text_inside(value: Any) -> Any:
    """Free-form answers (``kyc``): every text nested in them is :data:`Text`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and _CONTROL.search(item):
            raise PydanticCustomError(
                "string_pattern_mismatch", "control character", {"pattern": TEXT_PATTERN}
            )
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


Answers = Annotated[dict[Name, Any], AfterValidator(_text_inside)]
"""Free-form answers (a questionnaire): any YAML, but no control character in its text."""

RecordId = Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
"""The id of another record (its file name without ``.yaml``)."""


def F(title: str, description: str = "", default: Any = ..., **extra: Any) -> Any:
    """A field with its French title and description (editor hovers)."""
    return Field(default, title=title, description=description or title, **extra)


def FL(title: str, description: str = "", **extra: Any) -> Any:
    """A list field defaulting to an empty list."""
    return Field(default_factory=list, title=title, description=description or title, **extra)


class State(StrEnum):
    """État d'une interaction."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


_LABELS = {
    "client": ("client", "client"),
    "prospect": ("prospect", "prospect"),
    "supplier": ("fournisseur", "supplier"),
    "partner": ("partenaire", "partner"),
    "soft": ("temporaire", "soft"),
    "hard": ("définitif", "hard"),
    "domain": ("domaine invalide", "invalid domain"),
}
"""The words of the values users type in English (``supplier``), as pages show them."""


class CompanyKind(StrEnum):
    """Nature d'une société."""

    CLIENT = "client"
    PROSPECT = "prospect"
    SUPPLIER = "supplier"
    PARTNER = "partner"

    def label(self, lang: str = "fr") -> str:
        """« fournisseur », « partenaire »… (templates show this, never the key)."""
        fr, en = _LABELS[self.value]
        return en if lang.startswith("en") else fr


class BounceKind(StrEnum):
    """Type de retour d'e-mail (bounce)."""

    SOFT = "soft"
    HARD = "hard"
    DOMAIN = "domain"

    def label(self, lang: str = "fr") -> str:
        """« temporaire » (soft), « définitif » (hard), « domaine invalide »."""
        fr, en = _LABELS[self.value]
        return en if lang.startswith("en") else fr


class DocumentKind(StrEnum):
    """Nature d'un document commercial."""

    QUOTE = "quote"
    ORDER = "order"
    INVOICE = "invoice"
    DEPOSIT_INVOICE = "deposit_invoice"
    INTERMEDIATE_INVOICE = "intermediate_invoice"
    BALANCE_INVOICE = "balance_invoice"
    CREDIT_NOTE = "credit_note"
    DELIVERY_NOTE = "delivery_note"
    PURCHASE_ORDER = "purchase_order"


INVOICE_KINDS = frozenset(
    {
        DocumentKind.INVOICE,
        DocumentKind.DEPOSIT_INVOICE,
        DocumentKind.INTERMEDIATE_INVOICE,
        DocumentKind.BALANCE_INVOICE,
        DocumentKind.CREDIT_NOTE,
    }
)
"""Documents numbered in the one gap-free invoice series."""


class VatCategory(StrEnum):
    """Catégorie de TVA EN 16931 (UNTDID 5305)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_EU = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"


class Direction(StrEnum):
    """Sens d'un mouvement de stock."""

    IN = "in"
    OUT = "out"


class MovementStatus(StrEnum):
    """Statut d'un mouvement de stock."""

    DRAFT = "draft"
    VALIDATED = "validated"


class BudgetSign(StrEnum):
    """Signe attendu du budget d'un pipeline."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    ANY = "any"


class Nature(StrEnum):
    """Nature des opérations : biens ou services."""

    GOODS = "goods"
    SERVICE = "service"


class Address(Record):
    """Adresse postale."""

    street: Text | None = F("Rue", "Numéro et voie", None)
    street2: Text | None = F("Complément", "Complément d'adresse (bâtiment, BP…)", None)
    postcode: Name | None = F("Code postal", 'Code postal, entre guillemets : "69003"', None)
    city: Text | None = F("Ville", "Commune", None)
    country: str = F("Pays", "Code pays ISO 3166 à deux lettres", "FR", pattern=r"^[A-Z]{2}$")

    def one_line(self) -> str:
        """The address on one line, as a directions service expects it."""
        parts = [self.street, self.street2, " ".join(p for p in (self.postcode, self.city) if p)]
        return ", ".join(p for p in parts if p)
