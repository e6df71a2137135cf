"""Campaigns in the Book: who each one reaches (and who it leaves out, and why), what its
send log and the replies say (statistics), and the interest centres' members.

Computed once per Book from :mod:`generator.book.consent`; the ``campaigns/`` package
sends what :func:`audiences` decided, the site shows it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from generator.book.consent import Consent, Refusal
from generator.book.records import Entry
from generator.schema.campaigns import SendState
from generator.schema.common import BounceKind


class Exclusion(StrEnum):
    """Why a targeted contact does not receive a campaign."""

    NO_EMAIL = "no-email"
    OPTED_OUT = "opted-out"
    NO_CONSENT = "no-consent"
    DISABLED = "disabled"
    DUPLICATE = "duplicate"
    EXCLUDED = "excluded"


@dataclass(frozen=True, slots=True)
class Recipient:
    """One message of a campaign: the contact and the address it goes to."""

    contact: str
    address: str


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a campaign reaches, by contact id, and who it leaves out with the reason."""

    recipients: tuple[Recipient, ...]
    excluded: tuple[tuple[str, Exclusion], ...]
    unknown: tuple[str, ...] = ()
    """Contacts named in ``include`` or ``exclude`` that do not exist (a check reports)."""


@dataclass(frozen=True, slots=True)
class CampaignStats:
    """What happened to a campaign: sent, bounced, delivered, unsubscribed."""

    sent: int = 0
    uncertain: int = 0
    """Messages whose send was started but never confirmed (« en cours »)."""
    bounced: Mapping[BounceKind, int] = field(default_factory=dict)
    unsubscribed: int = 0
    by_interest: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    """Per interest centre of the recipients: (sent, bounced, unsubscribed)."""

    @property
    def bounced_total(self) -> int:
        """Recipients with at least one bounce of the campaign."""
        return sum(self.bounced.values())

    @property
    def delivered(self) -> int:
        """Sent less bounced."""
        return self.sent - self.bounced_total


@dataclass(frozen=True, slots=True)
class InterestCentre:
    """The contacts and companies of one interest centre."""

    contacts: tuple[str, ...]
    companies: tuple[str, ...]
    reachable: int
    """Contacts who may be written to (consent, address enabled)."""


_REFUSALS = {
    Refusal.NO_EMAIL: Exclusion.NO_EMAIL,
    Refusal.OPTED_OUT: Exclusion.OPTED_OUT,
    Refusal.NO_CONSENT: Exclusion.NO_CONSENT,
    Refusal.DISABLED: Exclusion.DISABLED,
}


def interests_of(contact: object, companies: Mapping[str, Entry]) -> frozenset[str]:
    """A contact's interest centres: its own and its company's."""
    own = set(getattr(contact, "interests", ()))
    company = companies.get(getattr(contact, "company", None) or "")
    if company is not None:
        own.update(company.record.interests)
    return frozenset(own)


def _targeted(campaign: object, contact: object, companies: Mapping[str, Entry]) -> bool:
    target = campaign.target  # type: ignore[attr-defined]
    interests = interests_of(contact, companies)
    if target.interests_any and not interests & set(target.interests_any):
        return False
    if target.interests_all and not set(target.interests_all) <= interests:
        return False
    if interests & set(target.interests_none):
        return False
    if target.kinds:
        company = companies.get(getattr(contact, "company", None) or "")
        kind = "private" if company is None else company.record.kind.value
        if kind not in {k.value for k in target.kinds}:
            return False
    return True


def audience(
    campaign: object,
    contacts: Mapping[str, Entry],
    companies: Mapping[str, Entry],
    consent: Mapping[str, Consent],
) -> Audience:
    """Who ``campaign`` reaches: its target, then the consent rules, one message per
    address (the first contact by id keeps it), the hand-made exclusions last."""
    target = campaign.target  # type: ignore[attr-defined]
    excluded_by_hand = set(target.exclude)
    chosen = [c for c, e in contacts.items() if _targeted(campaign, e.record, companies)]
    chosen_set = set(chosen)
    chosen += [c for c in dict.fromkeys(target.include) if c in contacts and c not in chosen_set]
    recipients: list[Recipient] = []
    excluded: list[tuple[str, Exclusion]] = []
    seen: set[str] = set()
    for contact_id in sorted(chosen):
        state = consent[contact_id]
        if contact_id in excluded_by_hand:
            excluded.append((contact_id, Exclusion.EXCLUDED))
        elif state.refusal is not None:
            excluded.append((contact_id, _REFUSALS[state.refusal]))
        elif state.address in seen:
            excluded.append((contact_id, Exclusion.DUPLICATE))
        else:
            seen.add(state.address or "")
            recipients.append(Recipient(contact_id, state.address or ""))
    unknown = tuple(c for c in (*target.include, *target.exclude) if c not in contacts)
    return Audience(tuple(recipients), tuple(excluded), unknown)


def statistics(
    campaign_id: str,
    send_log: object | None,
    contacts: Mapping[str, Entry],
    companies: Mapping[str, Entry],
) -> CampaignStats:
    """The statistics of ``campaign_id`` from its send log and the contacts' replies."""
    sent: set[str] = set()
    uncertain = 0
    for sending in getattr(send_log, "sendings", ()):
        if sending.state is SendState.SENT:
            sent.add(sending.contact)
        else:
            uncertain += 1
    bounced: dict[BounceKind, int] = defaultdict(int)
    bounced_ids: set[str] = set()
    unsubscribed: set[str] = set()
    for contact_id, entry in contacts.items():
        r = entry.record
        kinds = [b.kind for b in r.bounces if b.campaign == campaign_id]
        if kinds:
            worst = max(kinds, key=lambda k: list(BounceKind).index(k))
            bounced[worst] += 1
            bounced_ids.add(contact_id)
        if r.optout is not None and r.optout.campaign == campaign_id:
            unsubscribed.add(contact_id)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for contact_id in sent:
        entry = contacts.get(contact_id)
        if entry is None:
            continue
        for interest in interests_of(entry.record, companies):
            row = per[interest]
            row[0] += 1
            row[1] += contact_id in bounced_ids
            row[2] += contact_id in unsubscribed
    return CampaignStats(
        sent=len(sent),
        uncertain=uncertain,
        bounced=dict(bounced),
        unsubscribed=len(unsubscribed),
        by_interest={k: (v[0], v[1], v[2]) for k, v in sorted(per.items())},
    )


def interest_centres(
    interests: list[str],
    contacts: Mapping[str, Entry],
    companies: Mapping[str, Entry],
    consent: Mapping[str, Consent],
) -> dict[str, InterestCentre]:
    """Each interest centre of the settings: its contacts (their own interests or their
    company's), its companies, and how many of its contacts may be written to."""
    members: dict[str, list[str]] = {i: [] for i in interests}
    for contact_id, entry in contacts.items():
        for interest in interests_of(entry.record, companies):
            members.setdefault(interest, []).append(contact_id)
    firms: dict[str, list[str]] = {i: [] for i in members}
    for company_id, entry in companies.items():
        for interest in entry.record.interests:
            firms.setdefault(interest, []).append(company_id)
            members.setdefault(interest, [])
    return {
        interest: InterestCentre(
            tuple(ids),
            tuple(firms.get(interest, ())),
            sum(1 for c in ids if consent[c].allowed),
        )
        for interest, ids in members.items()
    }
