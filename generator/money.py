"""Money: Decimal arithmetic with one rounding rule (EN 16931).

Each line's net amount is rounded to the cent; VAT is computed per (category, rate) on
the sum of that group's line nets; everything rounds ROUND_HALF_UP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.schema.common import VatCategory

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
_UNTAXED = frozenset(
    {
        VatCategory.ZERO,
        VatCategory.EXEMPT,
        VatCategory.REVERSE_CHARGE,
        VatCategory.INTRA_EU,
        VatCategory.EXPORT,
        VatCategory.OUTSIDE_SCOPE,
    }
)


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (the only rounding in Carnet)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def plain_rate(rate: Decimal | int) -> Decimal:
    """A VAT rate without trailing zeros or exponent: ``20``, ``5.5``."""
    value = Decimal(rate).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def line_net(quantity: Decimal, unit_price: Decimal, discount: Decimal = ZERO) -> Decimal:
    """quantity × unit price × (1 − discount %), rounded to the cent."""
    return cents(Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount) / HUNDRED))


@dataclass(frozen=True, slots=True)
class VatLine:
    """VAT of one (category, rate) group."""

    category: VatCategory
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """A document's totals: excl. VAT, VAT, incl. VAT, and the per-rate breakdown."""

    net: Decimal
    tax: Decimal
    gross: Decimal
    breakdown: tuple[VatLine, ...]
    line_nets: tuple[Decimal, ...]


def document_totals(lines: Iterable[object]) -> Totals:
    """Totals of document lines (objects with quantity, unit_price, discount, vat_rate…)."""
    nets: list[Decimal] = []
    groups: dict[tuple[VatCategory, Decimal], Decimal] = {}
    for line in lines:
        net = line_net(line.quantity, line.unit_price, line.discount)  # type: ignore[attr-defined]
        nets.append(net)
        key = (VatCategory(line.vat_category), plain_rate(line.vat_rate))  # type: ignore[attr-defined]
        groups[key] = groups.get(key, ZERO) + net
    breakdown = tuple(
        VatLine(
            category, rate, base, ZERO if category in _UNTAXED else cents(base * rate / HUNDRED)
        )
        for (category, rate), base in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    )
    net = sum((v.base for v in breakdown), ZERO)
    tax = sum((v.tax for v in breakdown), ZERO)
    return Totals(net, tax, net + tax, breakdown, tuple(nets))
