"""The seller (BG-4) and the buyer (BG-7) of a Factur-X e-invoice, with their French
identifiers: SIREN (scheme 0002), SIRET (0009) and electronic address (0225 by default).

The buyer is the interaction's company (or its contact's company); a contact without a
company is a private person (B2C). A French company is B2B; a foreign one B2BINT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.book.book import Book
from generator.book.records import Entry
from generator.documents.facturx.codes import EAS_EMAIL, EAS_SIREN, SCHEME_SIREN, SCHEME_SIRET
from generator.locale import money
from generator.problems import Refused
from generator.schema.common import Address


@dataclass(frozen=True, slots=True)
class Buyer:
    """The buyer as the e-invoice sees it: its party dict and the facts the rules need."""

    party: dict[str, Any]
    professional: bool
    country: str
    siren: str | None
    endpoint: tuple[str, str] | None
    source: str
    vat_number: str | None = None
    delivery: dict[str, Any] | None = None

    @property
    def bar(self) -> str:
        """The BAR note: B2B, B2BINT (foreign company), B2C or B2CINT."""
        base = "B2B" if self.professional else "B2C"
        return base if self.country == "FR" else f"{base}INT"


def seller(book: Book) -> dict[str, Any]:
    """BG-4: SIREN (BT-30), SIRET (BT-29), VAT number (BT-31), legal form, capital and RCS
    (BT-33), address, electronic address (BT-34: ``einvoice_address``, else the SIREN)."""
    firm = book.settings.firm
    siren = siren_of(firm.siren, firm.siret)
    party: dict[str, Any] = {"name": firm.name, **address(firm.address)}
    party.update(_legal(siren, firm.siret))
    if firm.vat_number:
        party["vat_identifier"] = compact(firm.vat_number)
    elif siren:
        party["tax_identifier"] = siren  # BT-32 for a firm without VAT number (BR-E-02)
    capital = money(firm.capital, book.settings.lang, book.settings.currency)
    legal = [firm.legal_form, f"capital {capital}" if firm.capital else None, firm.rcs]
    if any(legal):
        party["legal_info"] = " — ".join(x for x in legal if x)
    endpoint = endpoint_of(firm.einvoice_address) or ((siren, EAS_SIREN) if siren else None)
    if endpoint:
        party["einvoicing_addr"], party["einvoicing_addr_schemeid"] = endpoint
    return party


def buyer(book: Book, entry: Entry) -> Buyer:
    """BG-7 of the interaction ``entry``."""
    record = entry.record
    contact = book.contacts.get(record.contact) if record.contact else None
    company_id = record.company or (contact.record.company if contact else None)
    company = book.companies.get(company_id) if company_id else None
    home = book.settings.firm.address.country
    if company is not None:
        return _company(company, contact, home)
    if contact is None:
        raise Refused("einvoice-no-buyer", id=entry.id)
    person = contact.record
    name = " ".join(x for x in (person.civility, person.full_name) if x)
    party: dict[str, Any] = {"name": name, **address(person.address, home)}
    endpoint = email_of(person.email)
    if endpoint:
        party["einvoicing_addr"], party["einvoicing_addr_schemeid"] = endpoint
    country = person.address.country if person.address else home
    return Buyer(party, False, country, None, endpoint, contact.path)


def _company(company: Entry, contact: Entry | None, home: str) -> Buyer:
    c = company.record
    siren = siren_of(c.siren, c.siret)
    country = c.address.country if c.address else home
    party: dict[str, Any] = {"name": c.name, **address(c.address, home), **_legal(siren, c.siret)}
    vat_number = compact(c.vat_number) if c.vat_number else None
    if vat_number:
        party["vat_identifier"] = vat_number
    if contact is not None:
        who = contact.record
        person = {"name": who.full_name, "email": who.email, "phone": who.phone or who.mobile}
        party["contacts"] = [{k: v for k, v in person.items() if v}]
    endpoint = (
        endpoint_of(c.einvoice_address)
        or ((siren, EAS_SIREN) if siren and country == "FR" else None)
        or email_of(c.email)
        or email_of(contact.record.email if contact else None)
    )
    if endpoint:
        party["einvoicing_addr"], party["einvoicing_addr_schemeid"] = endpoint
    delivery = None
    if c.delivery_address is not None and c.delivery_address != c.address:
        delivery = {"name": c.name, **address(c.delivery_address, home)}
    return Buyer(party, True, country, siren, endpoint, company.path, vat_number, delivery)


def _legal(siren: str | None, siret: str | None) -> dict[str, Any]:
    """BT-30 (SIREN, scheme 0002) and BT-29 (SIRET, scheme 0009, when consistent)."""
    if siren is None:
        return {}
    legal: dict[str, Any] = {"legal_identifier": siren, "legal_identifier_schemeid": SCHEME_SIREN}
    value = compact(siret or "")
    if re.fullmatch(r"\d{14}", value) and value.startswith(siren):  # BR-FR-09
        legal["identifiers"] = {SCHEME_SIRET: value}
    return legal


def address(place: Address | None, default_country: str = "FR") -> dict[str, str]:
    """The party dict's address keys (a country at least: BT-40 and BT-55 are required)."""
    if place is None:
        return {"country_code": default_country}
    fields = {
        "addr_l1": place.street,
        "addr_l2": place.street2,
        "postcode": place.postcode,
        "city": place.city,
        "country_code": place.country,
    }
    return {k: v for k, v in fields.items() if v}


def siren_of(siren: str | None, siret: str | None) -> str | None:
    """Nine digits: the SIREN, else the first nine of the SIRET."""
    for value in (compact(siren or ""), compact(siret or "")[:9]):
        if re.fullmatch(r"\d{9}", value):
            return value
    return None


def endpoint_of(value: str | None) -> tuple[str, str] | None:
    """An ``einvoice_address`` as (id, EAS scheme): ``0225`` (the French directory's
    address, which starts with the SIREN) unless it is an e-mail (``EM``) or names its
    scheme (``0088:5790000435975``)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    explicit = re.fullmatch(r"(\d{4}|[A-Z]{2}):(\S+)", value)
    if explicit:
        return explicit.group(2), explicit.group(1)
    if "@" in value:
        return value, EAS_EMAIL
    return value, EAS_SIREN


def email_of(value: str | None) -> tuple[str, str] | None:
    """An e-mail as an electronic address (scheme EM)."""
    return (value.strip(), EAS_EMAIL) if value and "@" in value else None


def compact(value: str) -> str:
    """Without spaces: ``FR 44 732 829 320`` → ``FR44732829320``."""
    return re.sub(r"\s+", "", value)
