"""The fields a column may fill, and the mapping proposed from a file's headers.

A header is matched by its words (case, accents, punctuation and spacing ignored) against
French and English synonyms — what Excel users, Google Contacts and Outlook write — then,
for the rest, by rapidfuzz's similarity to those synonyms. Each field is taken once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from generator.book.book import Book

ADDRESS_PARTS = ("street", "postcode", "city", "country")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "company.name": (
        "raison sociale",
        "societe",
        "company",
        "entreprise",
        "organisation",
        "organization",
        "company name",
        "nom de la societe",
        "nom societe",
        "employeur",
        "organization name",
        "organization 1 name",
        "etablissement",
    ),
    "company.kind": ("nature", "type", "statut", "type de societe", "type de fiche"),
    "company.legal_form": ("forme juridique", "legal form"),
    "company.siret": ("siret", "n siret", "numero siret", "no siret"),
    "company.siren": ("siren", "n siren", "numero siren"),
    "company.vat_number": (
        "tva",
        "n tva",
        "numero de tva",
        "tva intracommunautaire",
        "vat",
        "vat number",
        "n tva intracommunautaire",
    ),
    "company.website": ("site web", "site", "website", "web", "url", "web page", "site internet"),
    "company.street": ("adresse societe", "rue societe", "company street", "adresse entreprise"),
    "company.postcode": (
        "code postal societe",
        "cp societe",
        "company postcode",
        "company postal code",
    ),
    "company.city": ("ville societe", "company city"),
    "company.country": ("pays societe", "company country"),
    "company.phone": (
        "telephone societe",
        "tel societe",
        "company phone",
        "standard",
        "company main phone",
    ),
    "company.email": ("e mail societe", "email societe", "company email", "courriel societe"),
    "company.interests": ("centres d interet societe", "company interests"),
    "company.note": ("note societe", "company note"),
    "contact.civility": ("civilite", "salutation", "title", "titre de civilite"),
    "contact.first_name": ("prenom", "first name", "given name", "firstname"),
    "contact.last_name": (
        "nom",
        "nom de famille",
        "last name",
        "family name",
        "surname",
        "lastname",
    ),
    "contact.full_name": (
        "nom complet",
        "full name",
        "name",
        "display name",
        "nom et prenom",
        "contact",
    ),
    "contact.role": ("fonction", "poste", "job title", "role", "titre", "organization 1 title"),
    "contact.email": (
        "email",
        "e mail",
        "courriel",
        "mel",
        "adresse email",
        "adresse e mail",
        "email address",
        "e mail address",
        "e mail 1 value",
        "adresse electronique",
    ),
    "contact.phone": (
        "telephone",
        "tel",
        "phone",
        "business phone",
        "telephone bureau",
        "phone 1 value",
        "tel fixe",
        "telephone professionnel",
        "tel bureau",
        "numero de telephone",
    ),
    "contact.mobile": (
        "portable",
        "mobile",
        "mobile phone",
        "tel portable",
        "gsm",
        "cellulaire",
        "telephone portable",
        "phone 2 value",
    ),
    "contact.street": (
        "adresse",
        "rue",
        "street",
        "address",
        "business street",
        "address 1 street",
        "adresse postale",
        "voie",
    ),
    "contact.postcode": (
        "cp",
        "code postal",
        "postcode",
        "zip",
        "postal code",
        "business postal code",
        "address 1 postal code",
        "zip code",
    ),
    "contact.city": ("ville", "city", "commune", "business city", "address 1 city", "localite"),
    "contact.country": ("pays", "country", "business country region", "address 1 country"),
    "contact.interests": (
        "centres d interet",
        "centre d interet",
        "interets",
        "interests",
        "tags",
        "labels",
        "categories",
        "group membership",
    ),
    "contact.note": ("note", "notes", "commentaire", "commentaires", "remarques", "comments"),
    "contact.optin_source": ("source opt in", "source du consentement", "opt in source"),
    "contact.optin_date": (
        "date opt in",
        "opt in",
        "optin",
        "consentement",
        "date de consentement",
    ),
}
"""Synonyms of each field, written as :func:`normalise` leaves them."""

COMPANY_ONLY = {
    "contact.phone": "company.phone",
    "contact.email": "company.email",
    "contact.street": "company.street",
    "contact.postcode": "company.postcode",
    "contact.city": "company.city",
    "contact.country": "company.country",
    "contact.interests": "company.interests",
    "contact.note": "company.note",
}
"""For a company import, the fields a header names go to the company."""

COMPANY_FIELDS = frozenset(f for f in SYNONYMS if f.startswith("company.")) | frozenset(
    COMPANY_ONLY.values()
)
CONTACT_FIELDS = frozenset(SYNONYMS) | frozenset(COMPANY_ONLY.values())
"""For a contact import: the contact's fields and those of the company it works for."""

FUZZY_CUTOFF = 86


def known_fields(kind: str, custom: dict[str, list[str]] | None = None) -> frozenset[str]:
    """Every field a column may fill in an import of ``kind`` (custom fields included)."""
    base = COMPANY_FIELDS if kind == "company" else CONTACT_FIELDS
    extra: set[str] = set()
    for record_kind, keys in (custom or {}).items():
        if record_kind == "company" or kind == "contact":
            extra |= {f"{record_kind}.{key}" for key in keys}
    return base | extra


_NOT_WORD = re.compile(r"[^a-z0-9]+")
_NOT_LETTER = re.compile(r"[\W_]+")


@lru_cache(maxsize=1 << 16)
def normalise(header: str) -> str:
    """``"Tél. portable"`` → ``"tel portable"``: lower case, no accents, words only (in
    any script: « Иван Петров » → ``"иван петров"``).

    Remembered: an import compares each name several times (duplicates, file names)."""
    text = header.lower()
    if text.isascii():
        return " ".join(_NOT_WORD.sub(" ", text).split())
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NOT_LETTER.sub(" ", text).split())


def ascii_words(text: str) -> str:
    """:func:`normalise`'s words in ASCII letters and digits only (for a file name);
    a word in another script is left out."""
    found = normalise(text)
    return found if found.isascii() else " ".join(_NOT_WORD.sub(" ", found).split())


@dataclass(frozen=True, slots=True)
class Guess:
    """The field proposed for one column, and how it was found (``synonym`` or ``fuzzy``
    with its score); ``field`` is ``None`` for a column left unmatched."""

    column: str
    field: str | None
    how: str = ""
    score: float = 0.0


def guess_mapping(
    headers: list[str], kind: str, custom_labels: dict[str, str] | None = None
) -> list[Guess]:
    """The field proposed for each header (``custom_labels``: custom field → its label)."""
    table = {f: list(words) for f, words in SYNONYMS.items()}
    for field_name, label in (custom_labels or {}).items():
        table.setdefault(field_name, []).extend(
            [normalise(label), normalise(field_name.split(".")[-1])]
        )
    if kind == "company":
        merged: dict[str, list[str]] = {}
        for f, words in table.items():
            merged.setdefault(COMPANY_ONLY.get(f, f), []).extend(words)
        table = {f: w for f, w in merged.items() if f.startswith("company.")}
    by_word = {word: f for f, words in table.items() for word in words}
    taken: set[str] = set()
    guesses: list[Guess | None] = [None] * len(headers)
    for index, header in enumerate(headers):
        found = by_word.get(normalise(header))
        if found and found not in taken:
            taken.add(found)
            guesses[index] = Guess(header, found, "synonym", 100.0)
    choices = list(by_word)
    for index, header in enumerate(headers):
        if guesses[index] is not None:
            continue
        key = normalise(header)
        best = process.extractOne(
            key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF
        )
        if key and best is not None and by_word[best[0]] not in taken:
            taken.add(by_word[best[0]])
            guesses[index] = Guess(header, by_word[best[0]], "fuzzy", round(best[1], 1))
        else:
            guesses[index] = Guess(header, None)
    return [g for g in guesses if g is not None]


def custom_fields(book: Book) -> dict[str, list[str]]:
    """The firm's own fields by record kind (``settings.custom_fields``), when declared."""
    declared = getattr(book.settings, "custom_fields", None) or {}
    return {kind: list(fields) for kind, fields in dict(declared).items()}
