"""Amounts, dates and rates as documents print them, in one language and currency
(through :mod:`generator.locale`, Babel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator import locale
from generator.money import plain_rate


@dataclass(frozen=True, slots=True)
class Fmt:
    """Formatting in one language and currency."""

    lang: str
    currency: str = "EUR"

    def money(self, amount: Decimal | None) -> str:
        """``1 500,00 €``; empty for ``None``."""
        return locale.money(amount, self.lang, self.currency)

    def day(self, day: date | None) -> str:
        """``lundi 5 novembre 2018``."""
        return locale.long_date(day, self.lang)

    def short(self, day: date | None) -> str:
        """``05/11/2018``."""
        return locale.short_date(day, self.lang)

    def number(self, value: Decimal | int | None) -> str:
        """``12,5``."""
        return locale.number(value, self.lang)

    def rate(self, rate: Decimal) -> str:
        """``5,5 %``."""
        return f"{self.number(plain_rate(rate))}\u00a0%"
