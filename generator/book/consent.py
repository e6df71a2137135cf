"""Who may be written to: consent (opt-in, opt-out, B2B or B2C) and disabled addresses.

The single owner of these rules, computed once per Book (:func:`consents`):

- a contact without a company is a private person (B2C): written to only with an opt-in;
  a contact of a company (B2B) unless opted out, or only with an opt-in when
  ``settings.prospecting.b2b_requires_optin``;
- an opt-out wins over an opt-in of the same day or before (a later opt-in subscribes
  again);
- an address is disabled after a hard bounce, after three soft bounces within
  :data:`SOFT_WINDOW_DAYS` days, or by a domain bounce of any contact on its domain; a
  bounce counts against the address it names (one recorded without an address against
  the contact's current one), so a new address enables the contact again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from generator.book.records import Entry
from generator.schema.common import BounceKind
from generator.schema.parties import Bounce, Contact

SOFT_LIMIT = 3
"""Soft bounces that disable an address…"""
SOFT_WINDOW_DAYS = 90
"""… when they fall within this many days."""


class Refusal(StrEnum):
    """Why a contact is not written to (the order is the order of the checks)."""

    NO_EMAIL = "no-email"
    OPTED_OUT = "opted-out"
    NO_CONSENT = "no-consent"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Disabled:
    """Why an address is disabled, and since when."""

    address: str
    kind: BounceKind
    since: date
    by_contact: str
    """The contact whose bounce disabled it (another one for a domain bounce)."""


@dataclass(frozen=True, slots=True)
class Consent:
    """Whether one contact may receive campaigns, and why not."""

    contact: str
    address: str | None
    private: bool
    """B2C: a contact without a company."""
    refusal: Refusal | None
    disabled: Disabled | None = None

    @property
    def allowed(self) -> bool:
        """May be written to."""
        return self.refusal is None


def normalized(address: str | None) -> str:
    """An address as compared: trimmed, lower case."""
    return (address or "").strip().lower()


def domain_of(address: str | None) -> str:
    """The domain of an address (lower case), ``""`` without one."""
    return normalized(address).rpartition("@")[2]


def consents(contacts: Mapping[str, Entry], b2b_requires_optin: bool) -> dict[str, Consent]:
    """The consent of every contact, by id."""
    domains = _disabled_domains(contacts.values())
    result: dict[str, Consent] = {}
    for contact_id, entry in contacts.items():
        r = entry.record
        address = normalized(r.email) or None
        private = not r.company
        disabled = _disabled(contact_id, r, address, domains) if address else None
        result[contact_id] = Consent(
            contact_id,
            address,
            private,
            _refusal(r, address, private, b2b_requires_optin, disabled),
            disabled,
        )
    return result


def _refusal(
    r: Contact,
    address: str | None,
    private: bool,
    b2b_requires_optin: bool,
    disabled: Disabled | None,
) -> Refusal | None:
    optin, optout = r.optin, r.optout
    if address is None:
        return Refusal.NO_EMAIL
    if optout is not None and (optin is None or optin.date <= optout.date):
        return Refusal.OPTED_OUT
    if optin is None and (private or b2b_requires_optin):
        return Refusal.NO_CONSENT
    if disabled is not None:
        return Refusal.DISABLED
    return None


def _address_of(bounce: Bounce, current: str | None) -> str:
    return normalized(bounce.address) or (current or "")


def _disabled_domains(entries: Iterable[Entry]) -> dict[str, Disabled]:
    """Every domain a domain bounce disabled: its first such bounce."""
    found: dict[str, Disabled] = {}
    for entry in entries:
        current = normalized(entry.record.email) or None
        for bounce in entry.record.bounces:
            if bounce.kind is not BounceKind.DOMAIN:
                continue
            address = _address_of(bounce, current)
            domain = domain_of(address)
            if domain and (domain not in found or bounce.date < found[domain].since):
                found[domain] = Disabled(address, BounceKind.DOMAIN, bounce.date, entry.id)
    return found


def _disabled(
    contact_id: str, r: Contact, address: str, domains: Mapping[str, Disabled]
) -> Disabled | None:
    """Why ``address`` (the contact's current one) is disabled, the earliest reason."""
    reasons: list[Disabled] = []
    softs: list[date] = []
    for bounce in r.bounces:
        if _address_of(bounce, address) != address:
            continue
        if bounce.kind is BounceKind.HARD:
            reasons.append(Disabled(address, BounceKind.HARD, bounce.date, contact_id))
        elif bounce.kind is BounceKind.SOFT:
            softs.append(bounce.date)
    softs.sort()
    window = timedelta(days=SOFT_WINDOW_DAYS)
    for i in range(len(softs) - SOFT_LIMIT + 1):
        last = softs[i + SOFT_LIMIT - 1]
        if last - softs[i] <= window:
            reasons.append(Disabled(address, BounceKind.SOFT, last, contact_id))
            break
    domain = domains.get(domain_of(address))
    if domain is not None:
        reasons.append(Disabled(address, BounceKind.DOMAIN, domain.since, domain.by_contact))
    return min(reasons, key=lambda d: d.since) if reasons else None
