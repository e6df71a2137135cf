"""Money: Decimal arithmetic with one rounding rule (EN 16931), and every rounding.

Each line's net amount is rounded to the cent; VAT is computed per (category, rate) on
the sum of that group's line nets; everything rounds ROUND_HALF_UP (never the banker's
rounding of ``Decimal.quantize``'s default). No other module rounds a decimal: amounts
written into data, quantities shown to people and figures of the e-invoice XML all come
through the functions here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
_UNTAXED = frozenset({"Z", "E", "AE", "K", "G", "O"})
"""VAT categories (EN 16931 UNTDID 5305) that carry no tax: zero-rated, exempt, reverse
charge, intra-EU supply, export, outside the scope."""


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (the only rounding in Carnet)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, places: int) -> Decimal:
    """``value`` with at most ``places`` decimals, half up; unchanged when it has fewer."""
    limit = Decimal(1).scaleb(-places)
    return value if value == value.quantize(limit) else value.quantize(limit, ROUND_HALF_UP)


def plain_quantity(quantity: Decimal) -> Decimal:
    """A quantity as a person writes it: ``50`` rather than ``50.00``, ``0.5``."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    return quantity.normalize()


def plain_rate(rate: Decimal | int) -> Decimal:
    """A VAT rate without trailing zeros or exponent: ``20``, ``5.5``."""
    value = Decimal(rate).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def line_net(quantity: Decimal, unit_price: Decimal, discount: Decimal = ZERO) -> Decimal:
    """quantity × unit price × (1 − discount %), rounded to the cent."""
    return cents(Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount) / HUNDRED))


def tax_of(base: Decimal, rate: Decimal) -> Decimal:
    """The VAT of ``base`` at ``rate`` % (of one group: on the sum of its line nets)."""
    return cents(base * Decimal(rate) / HUNDRED)


def share_out(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` (in cents) split in proportion to ``weights``, in cents, adding up to
    ``total`` exactly: each share rounds down (to the cent below), then the cents left
    go one by one to the shares that lost most (largest remainders, earlier first on a
    tie)."""
    whole = sum(weights, ZERO)
    if not weights or whole == ZERO:
        return [ZERO for _ in weights]
    exact = [total * w / whole for w in weights]
    shares = [(e / CENT).to_integral_value(rounding=ROUND_FLOOR) * CENT for e in exact]
    left = int((total - sum(shares, ZERO)) / CENT)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += CENT
    return shares


def net_for_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The net amount (in cents) of one line at ``rate`` % whose amount incl. VAT is
    ``gross``, or the closest to it when no net reaches it exactly (the net grows a cent
    at a time and its VAT by 0 or 1 cent: some gross amounts fall between two nets). On
    a tie, the lower net."""
    guess = cents(gross / (1 + Decimal(rate) / HUNDRED))
    candidates = (guess - CENT, guess, guess + CENT)
    return min(candidates, key=lambda net: (abs(net + tax_of(net, rate) - gross), net))


@dataclass(frozen=True, slots=True)
class VatLine:
    """VAT of one (category, rate) group."""

    category: str
    """The EN 16931 category code (``S``, ``Z``, ``E``, ``AE``…)."""
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
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        net = line_net(line.quantity, line.unit_price, line.discount)  # type: ignore[attr-defined]
        nets.append(net)
        key = (line.vat_category, plain_rate(line.vat_rate))  # type: ignore[attr-defined]
        groups[key] = groups.get(key, ZERO) + net
    breakdown = tuple(
        VatLine(category, rate, base, ZERO if category in _UNTAXED else tax_of(base, rate))
        for (category, rate), base in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    )
    net = sum((v.base for v in breakdown), ZERO)
    tax = sum((v.tax for v in breakdown), ZERO)
    return Totals(net, tax, net + tax, breakdown, tuple(nets))
