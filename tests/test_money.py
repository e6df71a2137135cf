"""Money rules (EN 16931): property tests on random documents, and the split's arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from generator.invoicing.split import PartSpec, parse_decimal, parse_part
from generator.money import ZERO, cents, document_totals, line_net
from generator.problems import Refused
from generator.schema.common import VatCategory


@dataclass(frozen=True)
class Line:
    """What document_totals reads of a line."""

    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    vat_rate: Decimal
    vat_category: VatCategory


amounts = st.decimals(min_value=Decimal("-5000"), max_value=Decimal("5000"), places=2)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3)
rates = st.sampled_from([Decimal(20), Decimal(10), Decimal("5.5"), Decimal("2.1"), Decimal(0)])
categories = st.sampled_from([VatCategory.STANDARD, VatCategory.REVERSE_CHARGE, VatCategory.EXEMPT])
lines = st.builds(
    Line,
    quantity=quantities,
    unit_price=amounts,
    discount=st.sampled_from([Decimal(0), Decimal(5), Decimal("12.5"), Decimal(100)]),
    vat_rate=rates,
    vat_category=categories,
)


@given(st.lists(lines, min_size=1, max_size=12))
def test_totals_are_the_sum_of_the_breakdown_and_of_the_lines(doc: list[Line]) -> None:
    totals = document_totals(doc)
    assert totals.net == sum((v.base for v in totals.breakdown), ZERO)
    assert totals.tax == sum((v.tax for v in totals.breakdown), ZERO)
    assert totals.net == sum(totals.line_nets, ZERO)
    assert totals.gross == totals.net + totals.tax
    for amount in (totals.net, totals.tax, totals.gross, *totals.line_nets):
        assert amount == cents(amount)  # everything is in cents
    for vat in totals.breakdown:
        if vat.category is VatCategory.STANDARD:
            assert vat.tax == cents(vat.base * vat.rate / 100)  # VAT per rate, on the sum
        else:
            assert vat.tax == ZERO


def test_rounding_is_half_up_per_line() -> None:
    assert line_net(Decimal(3), Decimal("0.125")) == Decimal("0.38")
    assert line_net(Decimal(1), Decimal("10.00"), Decimal("12.5")) == Decimal("8.75")
    two = [Line(Decimal(1), Decimal("0.125"), ZERO, Decimal(20), VatCategory.STANDARD)] * 2
    assert document_totals(two).net == Decimal("0.26")  # 0.13 + 0.13, not round(0.25)


def test_amounts_typed_the_french_or_the_english_way() -> None:
    assert parse_decimal("1500,00") == parse_decimal("1500.00") == Decimal("1500.00")
    assert parse_decimal("1 500,50 €") == Decimal("1500.50")


def test_parts_parse_percent_amount_and_rest() -> None:
    assert parse_part("30%:2026-04-01:due=2026-05-01:template=acompte") == PartSpec(
        Decimal(30), None, date(2026, 4, 1), due=date(2026, 5, 1), template="acompte"
    )
    assert parse_part("1500,00:2026-05-01").amount == Decimal("1500.00")
    assert parse_part("rest:2026-06-01").rest


def test_bad_parts_are_explained() -> None:
    for text, words in (
        ("30%", "PART:DATE"),
        ("30%:2026-13-01", "AAAA-MM-JJ"),
        ("130%:2026-04-01", "entre 0 et 100"),
        ("-5:2026-04-01", "positif"),
        ("30%:2026-04-01:color=red", "due="),
        ("abc:2026-04-01", "illisible"),
    ):
        try:
            parse_part(text)
        except Refused as exc:
            assert words in str(exc) and exc.exit_code == 2, (text, str(exc))
        else:
            raise AssertionError(f"{text} accepted")


# --- one test per rounding rule (money.py is the only module that rounds) -------------


def test_cents_round_half_up_never_half_even() -> None:
    """Half a cent goes up (away from zero), where the banker's rounding would go to the
    even cent: 2.665 is 2.67, not 2.66."""
    from generator.invoicing.drafting import as_amount

    assert cents(Decimal("2.665")) == Decimal("2.67")
    assert cents(Decimal("2.675")) == Decimal("2.68")
    assert cents(Decimal("-2.665")) == Decimal("-2.67")
    assert cents(Decimal("0.004999")) == Decimal("0.00")
    assert as_amount(Decimal("2.665")) == Decimal("2.67")  # was 2.66 (quantize's default)


def test_line_net_is_rounded_before_the_vat() -> None:
    """EN 16931 BR-DEC-23: a line's net amount has two decimals; VAT is computed on the sum
    of the rounded nets of its group (BR-CO-17), not line by line."""
    three = [
        Line(Decimal(1), Decimal("0.334"), Decimal(0), Decimal(20), VatCategory.STANDARD)
        for _ in range(3)
    ]
    totals = document_totals(three)
    assert totals.line_nets == (Decimal("0.33"),) * 3
    assert totals.net == Decimal("0.99")
    assert totals.tax == Decimal("0.20")  # 20 % of 0.99 = 0.198, rounded once
    assert line_net(Decimal(3), Decimal("19.99"), Decimal("12.5")) == Decimal("52.47")


def test_untaxed_categories_carry_no_vat() -> None:
    """Reverse charge, exempt, zero-rated…: a group of those has a base and no tax."""
    exempt = [Line(Decimal(1), Decimal(100), Decimal(0), Decimal(20), VatCategory.REVERSE_CHARGE)]
    assert document_totals(exempt).tax == ZERO


def test_round_to_keeps_what_needs_no_rounding() -> None:
    """XML quantities (4 decimals) and prices (6 decimals): rounded half up, only when they
    have more."""
    from generator.money import round_to

    assert round_to(Decimal("1.23456"), 4) == Decimal("1.2346")
    assert round_to(Decimal("1.5"), 4) == Decimal("1.5")
    assert round_to(Decimal("0.00000050"), 6) == Decimal("0.000001")


def test_plain_quantity_is_what_a_person_writes() -> None:
    from generator.money import plain_quantity

    assert str(plain_quantity(Decimal("50.00"))) == "50"
    assert str(plain_quantity(Decimal("0.50"))) == "0.5"


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
        min_size=1,
        max_size=5,
    ),
)
def test_share_out_adds_up_to_the_cent(total: Decimal, weights: list[Decimal]) -> None:
    from generator.money import share_out

    shares = share_out(total, weights)
    assert sum(shares, ZERO) == total
    assert all(share == cents(share) for share in shares)
    whole = sum(weights, ZERO)
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - total * weight / whole) < Decimal("0.01")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2), rates)
def test_net_for_gross_is_exact_when_a_net_reaches_it(gross: Decimal, rate: Decimal) -> None:
    """The net whose gross is ``gross``; else the closest (never more than a cent off)."""
    from generator.money import net_for_gross, tax_of

    net = net_for_gross(gross, rate)
    reached = net + tax_of(net, rate)
    assert abs(reached - gross) <= Decimal("0.01")
    reachable = {n + tax_of(n, rate) for n in (net - Decimal("0.01"), net, net + Decimal("0.01"))}
    assert reached == gross or gross not in reachable
