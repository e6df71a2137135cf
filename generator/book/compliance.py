"""Advisers' compliance, computed once: each contact's filled questionnaires with their
score and profile, the current one, and every recommendation judged against the profile
valid at its date.

A sale interaction (pipeline ``sale``) that recommends or sells to a contact a product
with a ``risk:`` (``products:`` or document lines) is a recommendation. A document made
from another recommendation (``document.from`` or ``document.order``) is the same advice
and is not judged twice. A filled questionnaire is valid from its date for its
questionnaire's ``validity_months``; the newest valid one is current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from generator.book.questionnaires import AnswerRow, score_answers
from generator.book.records import Entry
from generator.schema import Settings
from generator.schema.compliance import FilledQuestionnaire

EXPIRING_DAYS = 60
"""A current questionnaire that expires within this many days is to be renewed."""
RECOMMENDING_PIPELINE = "sale"


@dataclass(frozen=True, slots=True)
class Profile:
    """One filled questionnaire of a contact, scored."""

    index: int
    """Its position in the contact's ``kyc:`` list (where its problems are located)."""
    questionnaire: str
    title: str
    date: date
    valid_until: date
    """The first day it is no longer valid."""
    signed: bool
    document: str | None
    score: int
    profile: str | None
    """The name of its profile band (``None`` when no band reaches the score)."""
    max_risk: int | None
    rows: tuple[AnswerRow, ...]

    def valid_on(self, day: date) -> bool:
        """Filled on or before ``day`` and not expired then."""
        return self.date <= day < self.valid_until


class KycState(StrEnum):
    """Where a contact's questionnaire stands today."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class ContactKyc:
    """A contact's questionnaires, newest first, and where they stand today."""

    contact: str
    required: bool
    """One of its interest centres asks for a questionnaire."""
    profiles: tuple[Profile, ...]
    current: Profile | None
    """The newest one valid today."""
    state: KycState


class Verdict(StrEnum):
    """What a recommendation is, against the profile valid at its date."""

    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"
    JUSTIFIED = "justified"
    MISSING = "missing"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A sale interaction that recommends products with a risk to a contact."""

    interaction: str
    contact: str
    date: date
    products: tuple[tuple[str, int], ...]
    """Each product recommended and its risk (SRI), in the order named."""
    risk: int
    """The highest of those risks."""
    profile: Profile | None
    """The questionnaire valid at its date (``None``: missing or expired)."""
    verdict: Verdict
    justification: str | None

    @property
    def above(self) -> tuple[tuple[str, int], ...]:
        """The products whose risk exceeds the profile's maximum."""
        limit = self.profile.max_risk if self.profile is not None else None
        return tuple(p for p in self.products if limit is not None and p[1] > limit)


@dataclass(frozen=True, slots=True)
class Compliance:
    """Every contact with a questionnaire or asked for one, and every recommendation."""

    contacts: Mapping[str, ContactKyc]
    recommendations: Mapping[str, Recommendation]
    """By interaction id, by date."""
    by_contact: Mapping[str, tuple[str, ...]]
    """Recommendations to each contact, by date."""


def scored(settings: Settings, index: int, filled: FilledQuestionnaire) -> Profile | None:
    """``filled`` scored against its questionnaire (``None``: unknown questionnaire)."""
    questionnaire = settings.questionnaires.get(filled.questionnaire)
    if questionnaire is None:
        return None
    result = score_answers(questionnaire, filled.answers)
    return Profile(
        index=index,
        questionnaire=filled.questionnaire,
        title=questionnaire.title,
        date=filled.date,
        valid_until=filled.date + relativedelta(months=questionnaire.validity_months),
        signed=filled.signed,
        document=filled.document,
        score=result.score,
        profile=result.band.name if result.band else None,
        max_risk=result.band.max_risk if result.band else None,
        rows=result.rows,
    )


def _contact_kyc(settings: Settings, entry: Entry, today: date) -> ContactKyc:
    record = entry.record
    wanted = {
        interest for q in settings.questionnaires.values() for interest in q.required_for_interests
    }
    profiles = [scored(settings, i, f) for i, f in enumerate(record.kyc)]
    found = sorted(
        (p for p in profiles if p is not None), key=lambda p: (p.date, p.index), reverse=True
    )
    current = next((p for p in found if p.valid_on(today)), None)
    if current is not None:
        expiring = current.valid_until - today <= timedelta(days=EXPIRING_DAYS)
        state = KycState.EXPIRING if expiring else KycState.VALID
    else:
        state = KycState.EXPIRED if found else KycState.MISSING
    return ContactKyc(entry.id, bool(wanted & set(record.interests)), tuple(found), current, state)


def _risky_products(entry: Entry, products: Mapping[str, Entry]) -> tuple[tuple[str, int], ...]:
    r = entry.record
    named = list(r.products)
    if r.document is not None:
        named += [line.product for line in r.document.lines if line.product]
    found = []
    for product_id in dict.fromkeys(named):
        product = products.get(product_id)
        if product is not None and product.record.risk is not None:
            found.append((product_id, product.record.risk))
    return tuple(found)


def _judge(
    entry: Entry, kyc: ContactKyc | None, risky: tuple[tuple[str, int], ...]
) -> Recommendation:
    r = entry.record
    risk = max(p[1] for p in risky)
    profiles = kyc.profiles if kyc is not None else ()
    before = [p for p in profiles if p.date <= r.date]
    valid = next((p for p in before if p.valid_on(r.date)), None)
    justification = r.adequacy_justification
    if valid is None:
        verdict = Verdict.EXPIRED if before else Verdict.MISSING
    elif valid.max_risk is None or risk <= valid.max_risk:
        verdict = Verdict.ADEQUATE
    else:
        verdict = Verdict.JUSTIFIED if justification else Verdict.INADEQUATE
    return Recommendation(entry.id, r.contact, r.date, risky, risk, valid, verdict, justification)


def compliance(
    settings: Settings,
    contacts: Mapping[str, Entry],
    interactions: Iterable[Entry],
    products: Mapping[str, Entry],
    today: date,
) -> Compliance:
    """The compliance view of the business (``interactions`` by date)."""
    if not settings.questionnaires:
        empty: Mapping[str, tuple[str, ...]] = MappingProxyType({})
        return Compliance(MappingProxyType({}), MappingProxyType({}), empty)
    kyc = {key: _contact_kyc(settings, entry, today) for key, entry in contacts.items()}
    kyc = {key: k for key, k in kyc.items() if k.required or k.profiles}
    candidates: dict[str, tuple[Entry, tuple[tuple[str, int], ...]]] = {}
    for entry in interactions:
        r = entry.record
        if r.kind != RECOMMENDING_PIPELINE or not r.contact or r.contact not in contacts:
            continue
        if r.document is not None and r.document.kind in ("credit_note", "purchase_order"):
            continue
        risky = _risky_products(entry, products)
        if risky:
            candidates[entry.id] = (entry, risky)
    found: dict[str, Recommendation] = {}
    by_contact: dict[str, list[str]] = {}
    for key, (entry, risky) in candidates.items():
        document = entry.record.document
        if document is not None and (document.from_ or document.order) in candidates:
            continue  # the same advice as the document it was made from
        found[key] = _judge(entry, kyc.get(entry.record.contact), risky)
        by_contact.setdefault(entry.record.contact, []).append(key)
    return Compliance(
        MappingProxyType(kyc),
        MappingProxyType(found),
        MappingProxyType({k: tuple(v) for k, v in by_contact.items()}),
    )
