"""Code lists, fixed texts and number formats of Carnet's Factur-X e-invoices (EN 16931
and French CTC).

Kept apart from :mod:`generator.documents.facturx.cii` so that the builder reads as the
mapping from the Book to the data dict, and the tables can be read (and reviewed) at once.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from generator.book import parties
from generator.book.franchise import FRANCHISE_MENTION
from generator.money import cents, plain_rate, round_to
from generator.schema.common import DocumentKind, VatCategory

TYPE_CODES: dict[DocumentKind, str] = {
    DocumentKind.INVOICE: "380",
    DocumentKind.DEPOSIT_INVOICE: "386",
    # An intermediate invoice bills a share of an order before it is complete, and the
    # balance invoice deducts it like a deposit: it is a prepayment invoice (UNTDID 1001 386).
    DocumentKind.INTERMEDIATE_INVOICE: "386",
    DocumentKind.BALANCE_INVOICE: "380",
    DocumentKind.CREDIT_NOTE: "381",
}
"""BT-3, UNTDID 1001 (the French CTC accepts 380, 386, 381 among others)."""

PAYMENT_MEANS_SEPA_TRANSFER = "58"
"""BT-81, UNTDID 4461: SEPA credit transfer."""

EAS_SIREN, EAS_EMAIL = parties.EAS_SIREN, parties.EAS_EMAIL
"""BT-34-1 / BT-49-1: the French directory's address (it starts with the SIREN), an e-mail."""
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"

UNITS: dict[str, str] = {
    "piece": "C62",
    "unite": "C62",
    "u": "C62",
    "exemplaire": "C62",
    "article": "C62",
    "participant": "C62",
    "personne": "C62",
    "repas": "C62",
    "heure": "HUR",
    "h": "HUR",
    "minute": "MIN",
    "min": "MIN",
    "jour": "DAY",
    "journee": "DAY",
    "j": "DAY",
    "demi-journee": "HD",
    "semaine": "WEE",
    "mois": "MON",
    "an": "ANN",
    "annee": "ANN",
    "forfait": "LS",
    "lot": "LS",
    "kg": "KGM",
    "kilogramme": "KGM",
    "g": "GRM",
    "gramme": "GRM",
    "tonne": "TNE",
    "t": "TNE",
    "l": "LTR",
    "litre": "LTR",
    "ml": "MLT",
    "m": "MTR",
    "metre": "MTR",
    "km": "KMT",
    "kilometre": "KMT",
    "cm": "CMT",
    "m2": "MTK",
    "m²": "MTK",
    "metre carre": "MTK",
    "m3": "MTQ",
    "m³": "MTQ",
    "metre cube": "MTQ",
    "paire": "PR",
    "boite": "XBX",
    "carton": "XBX",
    "paquet": "XPK",
    "colis": "XPK",
    "ensemble": "SET",
    "kit": "SET",
}
"""BT-130, UN/ECE Recommendation 20 (and 21 for the X… packages); others are C62 (one)."""

DEFAULT_UNIT = "C62"


def unit_code(unit: str | None) -> str:
    """The UN/ECE code of a unit as people type it (« heure », « jours », « m² »)."""
    if not unit:
        return DEFAULT_UNIT
    key = unicodedata.normalize("NFKD", unit.strip().lower())
    key = "".join(c for c in key if not unicodedata.combining(c) or c in "²³")
    key = re.sub(r"\s+", " ", key.rstrip("."))
    if key in UNITS:
        return UNITS[key]
    if key.endswith(("s", "x")) and key[:-1] in UNITS:
        return UNITS[key[:-1]]
    return DEFAULT_UNIT


def exemption(category: VatCategory, *, franchise: bool, domestic: bool) -> tuple[str, str]:
    """BT-121 and BT-120 (code, text) of an untaxed VAT category; ``("", "")`` for S and Z."""
    if category is VatCategory.EXEMPT:
        if franchise:
            return "VATEX-FR-FRANCHISE", FRANCHISE_MENTION
        return "", "Exonération de TVA"
    if category is VatCategory.REVERSE_CHARGE:
        if domestic:
            return "VATEX-FR-AE", "Autoliquidation"
        return "VATEX-EU-AE", "Autoliquidation"
    if category is VatCategory.INTRA_EU:
        return "VATEX-EU-IC", "Livraison intracommunautaire exonérée, art. 262 ter I du CGI"
    if category is VatCategory.EXPORT:
        return "VATEX-EU-G", "Exportation exonérée, art. 262 I du CGI"
    if category is VatCategory.OUTSIDE_SCOPE:
        return "VATEX-EU-O", "Hors du champ d'application de la TVA"
    return "", ""


TEXTS: dict[str, tuple[str, str]] = {
    "indemnity": (
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : {amount}",
        "Fixed compensation for recovery costs in case of late payment: {amount}",
    ),
    "no_indemnity": (
        "Indemnité forfaitaire pour frais de recouvrement : non applicable (client particulier)",
        "Fixed compensation for recovery costs: not applicable (private customer)",
    ),
    "debits": (
        "Option pour le paiement de la taxe d'après les débits",
        "VAT paid on debits (option)",
    ),
    "terms_due": ("Paiement au plus tard le {day}", "Payment due by {day}"),
    "terms_days": ("Paiement à {days} jours", "Payment within {days} days"),
    "terms_credit": (
        "Avoir sur la facture {number} du {day}",
        "Credit note on invoice {number} of {day}",
    ),
    "transfer": ("Virement", "Credit transfer"),
}


def text(key: str, lang: str, **params: object) -> str:
    """A fixed text of the e-invoice in ``lang`` (French unless ``en``)."""
    fr, en = TEXTS[key]
    return (en if lang.startswith("en") else fr).format(**params)


# --- number formats (BR-DEC and BR-FR-DEC rules) -------------------------------------------

_PRICE_DECIMALS = 6  # BR-FR-DEC-03: prices have at most 6 decimals
_QUANTITY_DECIMALS = 4  # BR-FR-DEC-02: quantities at most 4


def amount_text(value: Decimal) -> str:
    """An amount from ``generator.money`` (already in cents) as ``1234.50``."""
    return f"{cents(value):.2f}"


def price_value(value: Decimal) -> Decimal:
    """A unit price with at most 6 decimals (a price, never an amount: amounts are the
    Book's, to the cent)."""
    return round_to(Decimal(value), _PRICE_DECIMALS)


def quantity_text(value: Decimal) -> str:
    """A quantity with at most 4 decimals, without useless zeros: ``10``, ``0.5``."""
    return plain(round_to(Decimal(value), _QUANTITY_DECIMALS))


def rate_text(category: VatCategory, rate: Decimal) -> str:
    """BT-119 / BT-152: ``20``, ``5.5``; 0 for every category but S (BR-E-05, BR-AE-05…)."""
    return str(plain_rate(rate)) if category is VatCategory.STANDARD else "0"


def plain(value: Decimal) -> str:
    """A decimal without exponent nor useless zeros: ``45``, ``12.5``."""
    written = format(value.normalize(), "f")
    return "0" if written == "-0" else written
