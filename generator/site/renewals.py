"""Renewals on the internal site: reminders on the dashboard, the « Renouvellements » page.

Everything comes from :attr:`generator.book.book.Book.renewals`; a contract whose renewal
is coming (within ``settings.renewals.notice_days``) or overdue is put on its user's
lists, and the page lists them by month of their renewal date.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from babel.dates import format_date

from generator.book.book import Book
from generator.book.renewals import RenewalState
from generator.locale import babel_locale

PAGE = "renouvellements.md"
RENEW_STEP = ("renouveler", "renew")


def add_reminders(
    book: Book,
    lang: str,
    overdue: MutableMapping[str, list[Any]],
    upcoming: MutableMapping[str, list[Any]],
) -> None:
    """Put each coming or overdue renewal on its user's list of the dashboard."""
    step = RENEW_STEP[lang.startswith("en")]
    for renewal in book.renewals.values():
        if not renewal.reminds:
            continue
        entry = book.interactions[renewal.contract]
        item = {"entry": entry, "day": renewal.due, "step": step, "document_step": True}
        target = overdue if renewal.state is RenewalState.OVERDUE else upcoming
        target.setdefault(entry.record.user, []).append(item)


def renewals_page(book: Book, lang: str = "fr") -> dict[str, Any]:
    """The renewals to do (overdue, then coming), then those further ahead, by month;
    and the last ones done."""
    rows = []
    for renewal in book.renewals.values():
        entry = book.interactions[renewal.contract]
        rows.append(
            {
                "renewal": renewal,
                "entry": entry,
                "month": format_date(renewal.due, "LLLL y", locale=babel_locale(lang)),
                "renewed_by": [book.interactions[i] for i in renewal.renewed_by],
            }
        )
    overdue = [r for r in rows if r["renewal"].state is RenewalState.OVERDUE]
    ahead = [r for r in rows if r["renewal"].state in (RenewalState.COMING, RenewalState.LATER)]
    done = [r for r in rows if r["renewal"].state is RenewalState.RENEWED]
    months: dict[str, list[Any]] = {}
    for row in ahead:
        months.setdefault(row["month"], []).append(row)
    return {
        "overdue": overdue,
        "months": list(months.items()),
        "done": sorted(done, key=lambda r: r["renewal"].due, reverse=True)[:30],
        "notice_days": book.settings.renewals.notice_days,
    }


def renewed_by(book: Book, record_id: str) -> list[Any]:
    """The interactions that renew ``record_id`` (for its card: « renouvelé par … »)."""
    renewal = book.renewals.get(record_id)
    return [book.interactions[i] for i in renewal.renewed_by] if renewal is not None else []
