"""User-facing formatting through Babel: amounts, dates, labels, French by default."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal


def babel_locale(lang: str) -> str:
    """The Babel locale for a Carnet language (``fr`` → ``fr_FR``)."""
    return "en_GB" if lang.startswith("en") else "fr_FR"


@lru_cache(maxsize=8192)
def money(amount: Decimal | int | None, lang: str = "fr", currency: str = "EUR") -> str:
    """``1 500,00 €`` (narrow no-break space as group separator in French)."""
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=babel_locale(lang))


@lru_cache(maxsize=8192)
def number(value: Decimal | int | None, lang: str = "fr") -> str:
    """A quantity: ``12,5``."""
    if value is None:
        return ""
    return format_decimal(value, locale=babel_locale(lang))


@lru_cache(maxsize=8192)
def long_date(day: date | None, lang: str = "fr") -> str:
    """``lundi 5 novembre 2018``."""
    if day is None:
        return ""
    return format_date(day, "EEEE d MMMM y", locale=babel_locale(lang))


@lru_cache(maxsize=8192)
def day_date(day: date | None, lang: str = "fr") -> str:
    """``1 avril 2026`` (no weekday: dates inside sentences and document references)."""
    if day is None:
        return ""
    return format_date(day, "d MMMM y", locale=babel_locale(lang))


@lru_cache(maxsize=8192)
def short_date(day: date | None, lang: str = "fr") -> str:
    """``05/11/2018`` (sortable tables use the ISO date as their key)."""
    if day is None:
        return ""
    return (
        format_date(day, "short", locale=babel_locale(lang))
        if lang.startswith("en")
        else day.strftime("%d/%m/%Y")
    )


@lru_cache(maxsize=1024)
def day_month(day: date, lang: str = "fr") -> str:
    """``05/11``: a day of a short span (chart labels)."""
    return format_date(day, "dd/MM", locale=babel_locale(lang))


@lru_cache(maxsize=1024)
def month_name(day: date, lang: str = "fr", *, short: bool = False) -> str:
    """``mars 2026`` (``short``: ``mars``, ``sept.``: the month alone, abbreviated)."""
    return format_date(day, "MMM" if short else "MMMM y", locale=babel_locale(lang))


@lru_cache(maxsize=1024)
def whole_money(amount: Decimal | int, lang: str = "fr", currency: str = "EUR") -> str:
    """``1 500 €``: an amount without cents, for chart axes whose values are round."""
    return format_currency(
        amount, currency, format="#,##0.##\u00a0¤", currency_digits=False, locale=babel_locale(lang)
    )


def date_time(moment: datetime | None, lang: str = "fr") -> str:
    """``lundi 1 juin 2026 à 09:00``."""
    if moment is None:
        return ""
    pattern = "EEEE d MMMM y 'à' HH:mm" if not lang.startswith("en") else "EEEE d MMMM y 'at' HH:mm"
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=babel_locale(lang))


STATE_LABELS = {
    "open": ("Ouvert", "Open"),
    "in_progress": ("En cours", "In progress"),
    "done": ("Terminé", "Done"),
}
"""An interaction's states, as the manual names them."""


def state_label(state: str, lang: str = "fr") -> str:
    """Ouvert, En cours, Terminé."""
    fr, en = STATE_LABELS[str(state)]
    return en if lang.startswith("en") else fr


DOCUMENT_LABELS = {
    "quote": ("devis", "quote"),
    "order": ("commande", "order"),
    "invoice": ("facture", "invoice"),
    "deposit_invoice": ("facture d'acompte", "deposit invoice"),
    "intermediate_invoice": ("facture intermédiaire", "intermediate invoice"),
    "balance_invoice": ("facture de solde", "balance invoice"),
    "credit_note": ("avoir", "credit note"),
    "delivery_note": ("bon de livraison", "delivery note"),
    "purchase_order": ("bon de commande fournisseur", "purchase order"),
}


def document_label(kind: str, lang: str | None = "fr") -> str:
    """« facture d'acompte », « avoir »… (or the English name)."""
    fr, en = DOCUMENT_LABELS.get(str(kind), (str(kind), str(kind)))
    return en if (lang or "fr").startswith("en") else fr


INVOICE_STATE_LABELS = {
    "draft": ("brouillon", "draft"),
    "credit": ("avoir imputé", "credit applied"),
    "paid": ("payée", "paid"),
    "due": ("à payer", "due"),
    "overdue": ("en retard", "overdue"),
}
"""An invoice's money state (:attr:`generator.book.ledger.InvoiceStatus.state`)."""
