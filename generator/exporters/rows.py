"""The rows an export writes: one per contact or company, filtered, in columns whose
headers ``carnet import guess`` maps back to the same fields (a round trip)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.book.book import Book


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the export: its French and English headers, and its value."""

    fr: str
    en: str
    value: Callable[[Any, Any], Any]
    """(record, its company or ``None``) → the cell's value."""


def _get(name: str) -> Callable[[Any, Any], Any]:
    return lambda r, _c: getattr(r, name, None)


def _address(part: str, of_company: bool = False) -> Callable[[Any, Any], Any]:
    def value(r: Any, c: Any) -> Any:
        holder = c if of_company else r
        address = getattr(holder, "address", None) if holder is not None else None
        return getattr(address, part, None) if address is not None else None

    return value


def _company(name: str) -> Callable[[Any, Any], Any]:
    return lambda _r, c: getattr(c, name, None) if c is not None else None


def _interests(r: Any, _c: Any) -> str:
    return ", ".join(r.interests)


def _optin(r: Any, _c: Any) -> Any:
    return r.optin.date if r.optin is not None else None


CONTACT_COLUMNS = (
    Column("Civilité", "Civility", _get("civility")),
    Column("Prénom", "First name", _get("first_name")),
    Column("Nom", "Last name", _get("last_name")),
    Column("Fonction", "Job title", _get("role")),
    Column("E-mail", "E-mail", _get("email")),
    Column("Téléphone", "Phone", _get("phone")),
    Column("Portable", "Mobile", _get("mobile")),
    Column("Rue", "Street", _address("street")),
    Column("Code postal", "Postcode", _address("postcode")),
    Column("Ville", "City", _address("city")),
    Column("Pays", "Country", _address("country")),
    Column("Centres d'intérêt", "Interests", _interests),
    Column("Date opt-in", "Opt-in date", _optin),
    Column("Source opt-in", "Opt-in source", lambda r, _c: r.optin.source if r.optin else None),
    Column("Note", "Note", _get("note")),
    Column("Société", "Company", _company("name")),
    Column("Nature", "Type", lambda _r, c: c.kind.value if c is not None else None),
    Column("SIRET", "SIRET", _company("siret")),
    Column("SIREN", "SIREN", _company("siren")),
    Column("N° TVA", "VAT number", _company("vat_number")),
    Column("Adresse société", "Company street", _address("street", True)),
    Column("Code postal société", "Company postcode", _address("postcode", True)),
    Column("Ville société", "Company city", _address("city", True)),
    Column("Pays société", "Company country", _address("country", True)),
    Column("Téléphone société", "Company phone", _company("phone")),
    Column("E-mail société", "Company email", _company("email")),
    Column("Site web", "Website", _company("website")),
    Column(
        "Centres d'intérêt société",
        "Company interests",
        lambda _r, c: ", ".join(c.interests) if c is not None else None,
    ),
    Column("Note société", "Company note", _company("note")),
)

COMPANY_COLUMNS = (
    Column("Raison sociale", "Company", _get("name")),
    Column("Nature", "Type", lambda r, _c: r.kind.value),
    Column("Forme juridique", "Legal form", _get("legal_form")),
    Column("SIRET", "SIRET", _get("siret")),
    Column("SIREN", "SIREN", _get("siren")),
    Column("N° TVA", "VAT number", _get("vat_number")),
    Column("Rue", "Street", _address("street")),
    Column("Code postal", "Postcode", _address("postcode")),
    Column("Ville", "City", _address("city")),
    Column("Pays", "Country", _address("country")),
    Column("Téléphone", "Phone", _get("phone")),
    Column("E-mail", "E-mail", _get("email")),
    Column("Site web", "Website", _get("website")),
    Column("Centres d'intérêt", "Interests", _interests),
    Column("Note", "Note", _get("note")),
)


@dataclass(frozen=True, slots=True)
class Export:
    """What an export holds: its columns and, lazily, its records (record, company)."""

    kind: str
    columns: tuple[Column, ...]
    records: list[tuple[Any, Any]]

    def header(self, lang: str) -> list[str]:
        """The header row in ``lang``."""
        return [c.en if lang.startswith("en") else c.fr for c in self.columns]

    def rows(self) -> Iterator[list[Any]]:
        """Each record's cells (``None`` for an empty one)."""
        for record, company in self.records:
            yield [c.value(record, company) for c in self.columns]


def select(
    book: Book, kind: str, *, interests: list[str] | None = None, consent: bool = False
) -> Export:
    """The contacts or companies to export: with one of ``interests`` when given, and
    only those the prospecting rules allow to be written to with ``consent``."""
    wanted = set(interests or ())
    chosen: list[tuple[Any, Any]] = []
    for entry in sorted(book.of(kind), key=lambda e: e.id):
        record = entry.record
        if wanted and not wanted & set(record.interests):
            continue
        company = book.get("company", record.company) if kind == "contact" else None
        if consent:
            allowed = (
                book.consent[entry.id].allowed
                if kind == "contact"
                else not book.settings.prospecting.b2b_requires_optin  # a company gives none
            )
            if not allowed:
                continue
        chosen.append((record, company))
    columns = CONTACT_COLUMNS if kind == "contact" else COMPANY_COLUMNS
    return Export(kind, columns + custom_columns(book, kind), chosen)


def _custom(key: str) -> Callable[[Any, Any], Any]:
    def value(r: Any, _c: Any) -> Any:
        found = r.custom.get(key)
        return ", ".join(map(str, found)) if isinstance(found, list) else found

    return value


def custom_columns(book: Book, kind: str) -> tuple[Column, ...]:
    """A column per custom field of ``kind`` (``settings.custom_fields``), headed by its
    label (``carnet import guess`` maps the label back to the field)."""
    declared = book.settings.custom_fields.get(kind) or {}  # type: ignore[call-overload]
    return tuple(Column(spec.label, spec.label, _custom(key)) for key, spec in declared.items())
