"""User-facing formatting through Babel: amounts, dates, labels and grammar (plural and
ordinal categories), French by default.

Messages choose their words with a small subset of ICU MessageFormat (Babel gives the
categories, never the words; :func:`expand`):

- ``{count, plural, one {# pièce} other {# pièces}}``: the branch of ``count``'s plural
  category in the language (``zero``, ``one``, ``two``, ``few``, ``many``, ``other``;
  ``=0 {…}`` matches an exact value first), ``#`` is the number written in the language;
- ``{day, selectordinal, one {#er} other {#}}``: the ordinal category (« 1er », « 2 »);
- ``{gender, select, f {émise} other {émis}}``: the branch named by the parameter's value,
  ``other`` otherwise (the gender of what the message names).

Everything else is a ``str.format`` template (``{{`` and ``}}`` are literal braces).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.core import Locale


def _dates() -> Any:
    """Babel's dates, imported when first used: with its time zones, a tenth of the
    startup of a command that formats no date."""
    from babel import dates

    return dates


def _numbers() -> Any:
    """Babel's numbers, imported when first used."""
    from babel import numbers

    return numbers


def babel_locale(lang: str) -> str:
    """The Babel locale for a Carnet language (``fr`` → ``fr_FR``)."""
    return "en_GB" if lang.startswith("en") else "fr_FR"


@lru_cache(maxsize=8192)
def money(amount: Decimal | int | None, lang: str = "fr", currency: str = "EUR") -> str:
    """``1 500,00 €`` (narrow no-break space as group separator in French)."""
    if amount is None:
        return ""
    return _numbers().format_currency(amount, currency, locale=babel_locale(lang))


@lru_cache(maxsize=8192)
def number(value: Decimal | int | None, lang: str = "fr") -> str:
    """A quantity: ``12,5``."""
    if value is None:
        return ""
    return _numbers().format_decimal(value, locale=babel_locale(lang))


@lru_cache(maxsize=16)
def _locale(lang: str) -> Locale:
    from babel.core import Locale

    return Locale.parse(babel_locale(lang))


def _quantity(value: object) -> Decimal | None:
    try:
        found = Decimal(str(value).replace("\u202f", "").replace("\xa0", "").replace(",", "."))
    except ArithmeticError:
        return None
    return found if found.is_finite() else None


def plural_category(count: object, lang: str = "fr") -> str:
    """CLDR plural category of ``count`` (``one``, ``many``, ``other``…) in ``lang``:
    French says « 0 pièce », « 1,5 heure », « 2 pièces »."""
    quantity = _quantity(count)
    return "other" if quantity is None else _locale(lang).plural_form(abs(quantity))


def ordinal_category(count: object, lang: str = "fr") -> str:
    """CLDR ordinal category of ``count`` (French: ``one`` for 1, « 1er »)."""
    quantity = _quantity(count)
    return "other" if quantity is None else _locale(lang).ordinal_form(abs(quantity))


_CHOICE = re.compile(r"\{\s*\w+\s*,\s*(?:plural|selectordinal|select)\s*,")
"""The start of a choice block: templates without one are left as they are, fast."""


def expand(template: str, lang: str, params: dict[str, Any], missing: str = "") -> str:
    """``template`` with every ``plural``, ``selectordinal`` and ``select`` block replaced by
    its branch for ``params`` (see the module's docstring); placeholders are left for
    ``str.format``. A parameter absent from ``params`` takes the ``other`` branch and
    ``#`` becomes ``missing``."""
    if _CHOICE.search(template) is None:
        return template
    out: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if template.startswith(("{{", "}}"), i):
            out.append(template[i : i + 2])
            i += 2
            continue
        if char != "{":
            out.append(char)
            i += 1
            continue
        end = _closing(template, i)
        out.append(_block(template[i + 1 : end], lang, params, missing))
        i = end + 1
    return "".join(out)


def placeholders(template: str) -> set[str]:
    """The parameters ``template`` prints: its placeholders and the numbers of its
    plurals, in every branch (the subject of a ``select`` only chooses words)."""
    import string

    names: set[str] = set()
    i = 0
    while i < len(template):
        if template.startswith(("{{", "}}"), i):
            i += 2
            continue
        if template[i] != "{":
            i += 1
            continue
        end = _closing(template, i)
        inner = template[i + 1 : end]
        head = inner.split(",", 2)
        if len(head) == 3 and head[1].strip() in ("plural", "selectordinal", "select"):
            if head[1].strip() != "select":
                names.add(head[0].strip())
            for branch in _branches(head[2]).values():
                names |= placeholders(branch)
        else:
            names |= {n for _, n, _, _ in string.Formatter().parse("{" + inner + "}") if n}
        i = end + 1
    return names


def _closing(text: str, start: int) -> int:
    """Index of the brace that closes the one at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unbalanced braces in message: {text!r}")


def _block(inner: str, lang: str, params: dict[str, Any], missing: str) -> str:
    """One ``{…}``: a placeholder is given back as it is, a choice is expanded."""
    head = inner.split(",", 2)
    if len(head) < 3 or head[1].strip() not in ("plural", "selectordinal", "select"):
        return "{" + inner + "}"
    name, kind, body = head[0].strip(), head[1].strip(), head[2]
    branches = _branches(body)
    value = params.get(name)
    if value is None:
        chosen = branches["other"]
    elif kind == "select":
        chosen = branches.get(str(value), branches["other"])
    else:
        quantity = _quantity(value)
        category = (plural_category if kind == "plural" else ordinal_category)(value, lang)
        exact = f"={quantity.normalize():f}" if quantity is not None else None
        chosen = branches.get(exact or "", branches.get(category, branches["other"]))
    if kind != "select":
        shown = missing if value is None else _number_text(value, lang)
        chosen = chosen.replace("#", shown)
    return expand(chosen, lang, params, missing)


def _number_text(value: object, lang: str) -> str:
    quantity = _quantity(value)
    return str(value) if quantity is None else number(quantity, lang)


def _branches(body: str) -> dict[str, str]:
    """``one {…} other {…}`` as ``{"one": "…", "other": "…"}``."""
    branches: dict[str, str] = {}
    i = 0
    while i < len(body):
        start = body.find("{", i)
        if start < 0:
            break
        end = _closing(body, start)
        branches[body[i:start].strip()] = body[start + 1 : end]
        i = end + 1
    if "other" not in branches:
        raise ValueError(f"a plural or select block needs an 'other' branch: {body!r}")
    return branches


def counted(count: object, one: str, other: str, lang: str = "fr") -> str:
    """« 1 opportunité », « 3 opportunités »: the number and the word of its plural
    category (templates: ``{{ n | plural("opportunité", "opportunités") }}``)."""
    word = one if plural_category(count, lang) == "one" else other
    return f"{_number_text(count, lang)} {word}"


def unit_label(unit: str | None, quantity: object, lang: str = "fr") -> str | None:
    """The unit agreed with the quantity: « 40 heures », « 1,5 heure », « 1 pièce ».

    Babel says whether the quantity takes the plural; the plural of a unit the user
    typed is the regular one (« -s », « -x » after « -au »/« -eu »), and words that are
    invariable, abbreviated (``kg``, ``m2``) or compound are left as typed."""
    if (
        not unit
        or plural_category(quantity, lang) == "one"
        or len(unit) < 3
        or not unit.isalpha()
        or unit.endswith(("s", "x", "z"))
    ):
        return unit
    if lang.startswith("en"):
        return unit + "s"
    return unit + ("x" if unit.endswith(("au", "eu")) else "s")


DAY_ORDINALS = {"fr": {"one": "er"}}
"""The word after the day of the month, by its ordinal category: « 1er avril », « 2 avril »
(English dates write the bare number)."""


def _day_pattern(day: date, lang: str) -> str:
    """Babel's pattern of the day of the month: ``d``, ``d'er'`` for « 1er »."""
    words = DAY_ORDINALS.get(lang[:2], {})
    word = words.get(ordinal_category(day.day, lang), "")
    return f"d'{word}'" if word else "d"


@lru_cache(maxsize=8192)
def long_date(day: date | None, lang: str = "fr") -> str:
    """``lundi 5 novembre 2018``, ``mercredi 1er avril 2026``."""
    if day is None:
        return ""
    return _dates().format_date(
        day, f"EEEE {_day_pattern(day, lang)} MMMM y", locale=babel_locale(lang)
    )


@lru_cache(maxsize=8192)
def day_date(day: date | None, lang: str = "fr") -> str:
    """``1er avril 2026``, ``25 novembre 2026`` (no weekday: dates inside sentences and
    document references)."""
    if day is None:
        return ""
    return _dates().format_date(day, f"{_day_pattern(day, lang)} MMMM y", locale=babel_locale(lang))


def month_label(day: date, lang: str = "fr") -> str:
    """``mars 2026`` (charts, monthly tables)."""
    return _dates().format_date(day, "LLLL y", locale=babel_locale(lang))


@lru_cache(maxsize=8192)
def short_date(day: date | None, lang: str = "fr") -> str:
    """``05/11/2018`` (sortable tables use the ISO date as their key)."""
    if day is None:
        return ""
    return (
        _dates().format_date(day, "short", locale=babel_locale(lang))
        if lang.startswith("en")
        else day.strftime("%d/%m/%Y")
    )


@lru_cache(maxsize=1024)
def day_month(day: date, lang: str = "fr") -> str:
    """``05/11``: a day of a short span (chart labels)."""
    return _dates().format_date(day, "dd/MM", locale=babel_locale(lang))


@lru_cache(maxsize=1024)
def month_name(day: date, lang: str = "fr", *, short: bool = False) -> str:
    """``mars 2026`` (``short``: ``mars``, ``sept.``: the month alone, abbreviated)."""
    return _dates().format_date(day, "MMM" if short else "MMMM y", locale=babel_locale(lang))


@lru_cache(maxsize=1024)
def whole_money(amount: Decimal | int, lang: str = "fr", currency: str = "EUR") -> str:
    """``1 500 €``: an amount without cents, for chart axes whose values are round."""
    return _numbers().format_currency(
        amount, currency, format="#,##0.##\u00a0¤", currency_digits=False, locale=babel_locale(lang)
    )


def date_time(moment: datetime | None, lang: str = "fr") -> str:
    """``lundi 1er juin 2026 à 09:00``."""
    if moment is None:
        return ""
    day = _day_pattern(moment.date(), lang)
    pattern = (
        f"EEEE {day} MMMM y 'à' HH:mm" if not lang.startswith("en") else "EEEE d MMMM y 'at' HH:mm"
    )
    return _dates().format_datetime(
        moment, pattern, tzinfo=moment.tzinfo, locale=babel_locale(lang)
    )


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


FEMININE_DOCUMENTS = frozenset(
    {"order", "invoice", "deposit_invoice", "intermediate_invoice", "balance_invoice"}
)
"""Documents whose French name is feminine (« commande », « facture… »)."""


def document_gender(kind: str) -> str:
    """``f`` or ``m``: the grammatical gender of the document's French name, for the
    messages' ``{gender, select, f {…} other {…}}``."""
    return "f" if str(kind) in FEMININE_DOCUMENTS else "m"


INVOICE_STATE_LABELS = {
    "draft": ("brouillon", "draft"),
    "credit": ("avoir imputé", "credit applied"),
    "paid": ("payée", "paid"),
    "due": ("à payer", "due"),
    "overdue": ("en retard", "overdue"),
}
"""An invoice's money state (:attr:`generator.book.ledger.InvoiceStatus.state`)."""
