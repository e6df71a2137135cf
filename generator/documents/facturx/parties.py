"""The seller (BG-4) and the buyer (BG-7) of a Factur-X e-invoice, with their French
identifiers: SIREN (scheme 0002), SIRET (0009) and electronic address (0225 by default).

Who the buyer is and which identifiers it has is :mod:`generator.book.parties`' (the
e-invoice checks read the same); here they become the party dicts of the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.book.book import Book
from generator.book.parties import (
    buyer_identity,
    compact,
    endpoint_of,
    seller_endpoint,
    siren_of,
)
from generator.book.records import Entry
from generator.documents.facturx.codes import SCHEME_SIREN, SCHEME_SIRET
from generator.locale import money
from generator.problems import Refused
from generator.schema.common import Address

__all__ = ["Buyer", "address", "buyer", "compact", "endpoint_of", "seller", "siren_of"]


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
    endpoint = seller_endpoint(book)
    if endpoint:
        party["einvoicing_addr"], party["einvoicing_addr_schemeid"] = endpoint
    return party


def buyer(book: Book, entry: Entry) -> Buyer:
    """BG-7 of the interaction ``entry``."""
    who = buyer_identity(book, entry)
    if who is None:
        raise Refused("einvoice-no-buyer", id=entry.id)
    home = book.settings.firm.address.country
    if who.company is not None:
        c = who.company.record
        party: dict[str, Any] = {
            "name": c.name,
            **address(c.address, home),
            **_legal(who.siren, c.siret),
        }
        if who.vat_number:
            party["vat_identifier"] = who.vat_number
        if who.contact is not None:
            person = who.contact.record
            shown = {
                "name": person.full_name,
                "email": person.email,
                "phone": person.phone or person.mobile,
            }
            party["contacts"] = [{k: v for k, v in shown.items() if v}]
        delivery = None
        if c.delivery_address is not None and c.delivery_address != c.address:
            delivery = {"name": c.name, **address(c.delivery_address, home)}
    else:
        person = who.contact.record  # type: ignore[union-attr]
        name = " ".join(x for x in (person.civility, person.full_name) if x)
        party = {"name": name, **address(person.address, home)}
        delivery = None
    if who.endpoint:
        party["einvoicing_addr"], party["einvoicing_addr_schemeid"] = who.endpoint
    return Buyer(
        party,
        who.professional,
        who.country,
        who.siren,
        who.endpoint,
        who.source,
        who.vat_number,
        delivery,
    )


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
