"""Renewals of won contracts: when each is due, whether it is coming, overdue or done.

A won interaction (its pipeline's ``won`` stage) with a ``renewal:`` date is a contract
to renew. Its reminder shows from ``settings.renewals.notice_days`` before that date;
once the date has passed without an interaction that ``renews:`` it, it is overdue. This
is a view of the Book, never a validate problem: ``--strict`` in CI must not start
failing as days pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from generator.book.records import Entry
from generator.schema import Settings


class RenewalState(StrEnum):
    """Where a contract's renewal stands, as of today."""

    RENEWED = "renewed"
    OVERDUE = "overdue"
    COMING = "coming"
    LATER = "later"


@dataclass(frozen=True, slots=True)
class Renewal:
    """The renewal of one won contract."""

    contract: str
    """The won interaction's id."""
    due: date
    """Its ``renewal:`` date."""
    notice: date
    """From when its reminder shows."""
    state: RenewalState
    renewed_by: tuple[str, ...] = ()
    """The interactions that renew it (``renews:``), oldest first."""

    @property
    def reminds(self) -> bool:
        """Shown on its user's lists: coming within the notice, or overdue."""
        return self.state in (RenewalState.COMING, RenewalState.OVERDUE)


def is_won(settings: Settings, entry: Entry) -> bool:
    """The interaction stands at its pipeline's ``won`` stage."""
    pipeline = settings.pipelines.get(entry.record.kind)
    return pipeline is not None and pipeline.won is not None and entry.record.type == pipeline.won


def renewals(settings: Settings, interactions: Iterable[Entry], today: date) -> dict[str, Renewal]:
    """Every won contract with a ``renewal:`` date → its renewal, by due date."""
    # only the few contracts that renew or are renewed, in date order
    entries = sorted(
        (e for e in interactions if e.record.renews or e.record.renewal is not None),
        key=lambda e: (e.record.date, e.id),
    )
    renewed_by: dict[str, list[str]] = {}
    for entry in entries:
        if entry.record.renews:
            renewed_by.setdefault(entry.record.renews, []).append(entry.id)
    notice = timedelta(days=settings.renewals.notice_days)
    found: list[Renewal] = []
    for entry in entries:
        due = entry.record.renewal
        if due is None or not is_won(settings, entry):
            continue
        by = tuple(renewed_by.get(entry.id, ()))
        if by:
            state = RenewalState.RENEWED
        elif due < today:
            state = RenewalState.OVERDUE
        elif due - notice <= today:
            state = RenewalState.COMING
        else:
            state = RenewalState.LATER
        found.append(Renewal(entry.id, due, due - notice, state, by))
    found.sort(key=lambda r: (r.due, r.contract))
    return {r.contract: r for r in found}
