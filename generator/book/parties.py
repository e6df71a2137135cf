"""Who buys on a sales document, with the identifiers a French e-invoice needs: SIREN
(the first nine digits of a SIRET), VAT number and electronic address (EN 16931 BT-49:
``einvoice_address``, else the SIREN in the French directory's scheme 0225, else an
e-mail).

The buyer is the interaction's company (or its contact's company); a contact without a
company is a private person (B2C). A French company is B2B, a foreign one B2BINT. Read by
the e-invoice checks (:mod:`generator.checks.einvoice`) and by the Factur-X writer
(:mod:`generator.documents.facturx.parties`), which must agree on every identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.book.book import Book
from generator.book.records import Entry

EAS_SIREN = "0225"
"""BT-34-1 / BT-49-1: the French directory's electronic address, starting with the SIREN."""
EAS_EMAIL = "EM"


@dataclass(frozen=True, slots=True)
class BuyerIdentity:
    """The buyer of a document as the e-invoice sees it."""

    company: Entry | None
    contact: Entry | None
    professional: bool
    country: str
    siren: str | None
    vat_number: str | None
    endpoint: tuple[str, str] | None
    """Electronic address and its EAS scheme (BT-49, BT-49-1)."""
    source: str
    """The file the buyer's identifiers come from (company, else contact)."""

    @property
    def bar(self) -> str:
        """The BAR note: B2B, B2BINT (foreign company), B2C or B2CINT."""
        base = "B2B" if self.professional else "B2C"
        return base if self.country == "FR" else f"{base}INT"


def buyer_identity(book: Book, entry: Entry) -> BuyerIdentity | None:
    """The buyer of the interaction ``entry``; ``None`` when it names neither a company
    nor a contact that exists."""
    record = entry.record
    contact = book.contacts.get(record.contact) if record.contact else None
    company_id = record.company or (contact.record.company if contact else None)
    company = book.companies.get(company_id) if company_id else None
    home = book.settings.firm.address.country
    if company is not None:
        c = company.record
        siren = siren_of(c.siren, c.siret)
        country = c.address.country if c.address else home
        endpoint = (
            endpoint_of(c.einvoice_address)
            or ((siren, EAS_SIREN) if siren and country == "FR" else None)
            or email_of(c.email)
            or email_of(contact.record.email if contact else None)
        )
        vat_number = compact(c.vat_number) if c.vat_number else None
        return BuyerIdentity(
            company, contact, True, country, siren, vat_number, endpoint, company.path
        )
    if contact is None:
        return None
    person = contact.record
    country = person.address.country if person.address else home
    return BuyerIdentity(
        None, contact, False, country, None, None, email_of(person.email), contact.path
    )


def seller_endpoint(book: Book) -> tuple[str, str] | None:
    """BT-34: the firm's ``einvoice_address``, else its SIREN (scheme 0225)."""
    firm = book.settings.firm
    siren = siren_of(firm.siren, firm.siret)
    return endpoint_of(firm.einvoice_address) or ((siren, EAS_SIREN) if siren else None)


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
