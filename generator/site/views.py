"""Page data for the internal site, computed from the Book (templates only lay it out)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from generator import locale as fmt
from generator.book.agenda import is_all_day
from generator.book.book import Book
from generator.book.progress import Step, action_day
from generator.schema.common import State
from generator.site import charts
from generator.site.boards import pipelines
from generator.site.renewals import add_reminders
from generator.site.stock_chart import level_chart
from generator.site.weeks import weeks_of

WINDOW = 14
"""Days around today on the dashboard."""

_STATE_SERIES = (("s-open", State.OPEN), ("s-progress", State.IN_PROGRESS), ("s-done", State.DONE))


def title_of(kind: str, record: Any) -> str:
    """The display name of a record."""
    if kind == "contact":
        return record.full_name
    if kind == "project":
        return record.title
    return record.name


def _entries(book: Book, ids: tuple[str, ...] | list[str]) -> list[Any]:
    return [book.interactions[i] for i in ids]


def dashboard(book: Book, lang: str) -> dict[str, Any]:
    """Pipelines per stage, actions per user, states around today, money per month."""
    today = book.today
    overdue: dict[str, list[Any]] = defaultdict(list)
    upcoming: dict[str, list[Any]] = defaultdict(list)
    horizon = today + timedelta(days=WINDOW)
    per_day: dict[date, dict[State, int]] = defaultdict(lambda: dict.fromkeys(State, 0))
    first = today - timedelta(days=WINDOW)
    for entry in book.interactions.values():
        r = entry.record
        if first <= r.date <= horizon:
            per_day[r.date][r.state] += 1
        item = action(book, entry, lang)
        if item is None:
            continue
        if item["day"] < today:
            overdue[r.user].append(item)
        elif item["day"] <= horizon:
            upcoming[r.user].append(item)
    add_reminders(book, lang, overdue, upcoming)
    days = [first + timedelta(days=n) for n in range(2 * WINDOW + 1)]
    en = lang.startswith("en")
    states_chart = charts.stacked_columns(
        [(fmt.day_month(d, lang), [per_day[d][s] for _, s in _STATE_SERIES]) for d in days],
        [(css, fmt.state_label(s, lang)) for css, s in _STATE_SERIES],
        charts.Chart(
            "chart-states",
            "Interactions by state" if en else "Interactions par état",
            (
                f"Interactions per day from {fmt.day_date(first, lang)} to "
                f"{fmt.day_date(horizon, lang)}, stacked by state; today is marked."
                if en
                else f"Nombre d'interactions par jour, du {fmt.day_date(first, lang)} au "
                f"{fmt.day_date(horizon, lang)}, empilées par état ; aujourd'hui est marqué."
            ),
        ),
        highlight=WINDOW,
    )
    months = _last_months(today, 12)
    money_rows = [
        (
            month,
            book.turnover_by_month.get(key, Decimal(0)),
            book.purchases_by_month.get(key, Decimal(0)),
        )
        for key, month in months
    ]
    money_chart = charts.inflow_outflow_columns(
        [
            (_month_lines(month, index, lang), turnover, purchases)
            for index, (month, turnover, purchases) in enumerate(money_rows)
        ],
        (
            ("turnover", "Turnover excl. VAT" if en else "Chiffre d'affaires HT"),
            ("purchases", "Purchases (outflows)" if en else "Achats (sorties)"),
        ),
        charts.Chart(
            "chart-money",
            "Turnover and purchases by month" if en else "Chiffre d'affaires et achats par mois",
            (
                f"Turnover above the line, purchases below it, from "
                f"{fmt.month_name(months[0][1], lang)} to {fmt.month_name(months[-1][1], lang)}; "
                "the table below gives every amount."
                if en
                else "Chiffre d'affaires au-dessus de la ligne, achats en dessous, de "
                f"{fmt.month_name(months[0][1], lang)} à {fmt.month_name(months[-1][1], lang)} ; "
                "le tableau qui suit donne chaque montant."
            ),
        ),
        shown=lambda v: fmt.whole_money(v, lang),
        tip=lambda v: fmt.money(v, lang),
    )
    users = book.settings.users
    return {
        "pipelines": pipelines(book),
        "actions": [
            {
                "user": users[u].name if u in users else u,
                "overdue": sorted(overdue.get(u, []), key=_action_order),
                "upcoming": sorted(upcoming.get(u, []), key=_action_order),
            }
            for u in sorted(
                set(overdue) | set(upcoming), key=lambda u: users[u].name if u in users else u
            )
        ],
        "states_chart": states_chart,
        "money_chart": money_chart,
        "months": [(f"{m:%Y-%m}", fmt.month_name(m, lang), t, p) for m, t, p in money_rows],
        "stock_alerts": stock_alerts(book),
        "window": WINDOW,
    }


STEP_LABELS = {
    Step.ISSUE: ("émettre", "issue"),
    Step.FOLLOW_UP: ("relancer", "follow up"),
    Step.INVOICE: ("facturer", "invoice"),
    Step.DELIVER: ("livrer", "deliver"),
    Step.COLLECT: ("encaisser", "collect"),
    Step.REMIND: ("relancer le paiement", "send a payment reminder"),
}
"""What someone must do about a document, as the dashboard says it."""


def action(book: Book, entry: Any, lang: str) -> dict[str, Any] | None:
    """An interaction on someone's list: the day it calls for action, its next step;
    ``None`` when nothing is left to do (:func:`generator.book.progress.action_day`)."""
    progress = book.progress.get(entry.id)
    day = action_day(entry, progress)
    if day is None:
        return None
    if progress is not None and progress.steps:
        index = 1 if lang.startswith("en") else 0
        step = ", ".join(STEP_LABELS[s][index] for s in progress.steps)
        return {"entry": entry, "day": day, "step": step, "document_step": True}
    # an opportunity or a task: the next step its user wrote, first line
    step = (entry.record.next_step or "").strip().split("\n", 1)[0] or None
    return {"entry": entry, "day": day, "step": step, "document_step": False}


def _action_order(item: dict[str, Any]) -> tuple[date, str]:
    return item["day"], item["entry"].id


def _last_months(today: date, count: int) -> list[tuple[str, date]]:
    """The ``count`` months up to ``today``'s, oldest first: (``2026-03`` key, first day)."""
    year, month = today.year, today.month
    result = []
    for _ in range(count):
        result.append((f"{year:04d}-{month:02d}", date(year, month, 1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def _month_lines(month: date, index: int, lang: str) -> tuple[str, ...]:
    """A month's label under its columns: ``mars``, with the year under the first month
    and under January."""
    name = fmt.month_name(month, lang, short=True)
    return (name, str(month.year)) if index == 0 or month.month == 1 else (name,)


def record_list(book: Book, kind: str) -> dict[str, Any]:
    """Rows of a list page: the choice fields of the firm's own fields (a column and a
    filter each), and for companies and contacts their interest centres (a contact's own
    and its company's), for the list's interest filter."""
    declared = book.settings.custom_fields.get(kind) or {}  # type: ignore[call-overload]
    choice_fields = [
        (key, spec.label, list(spec.choices))
        for key, spec in declared.items()
        if spec.type == "choice"
    ]
    context: dict[str, Any] = {
        "rows": list(book.by_kind(kind).values()),
        "choice_fields": choice_fields,
    }
    if kind in ("company", "contact"):
        from generator.book.campaigns import interests_of

        context["interests"] = book.settings.interests
        context["row_interests"] = {
            e.id: sorted(
                e.record.interests if kind == "company" else interests_of(e.record, book.companies)
            )
            for e in context["rows"]
        }
    return context


def record_page(book: Book, kind: str, record_id: str, changes: Any) -> dict[str, Any]:
    """A record's own data, its related records and its timeline."""
    entry = book.by_kind(kind)[record_id]
    index = {
        "company": book.interactions_by_company,
        "contact": book.interactions_by_contact,
        "project": book.interactions_by_project,
    }.get(kind)
    timeline = _entries(book, index.get(record_id, ())) if index is not None else []
    context: dict[str, Any] = {
        "entry": entry,
        "r": entry.record,
        "timeline": sorted(timeline, key=lambda e: (e.record.date, e.id), reverse=True),
        "changes": changes,
    }
    if kind in ("company", "contact"):
        context["custom"] = custom_fields_shown(book, kind, entry.record)
    if kind == "company":
        context["contacts"] = [
            book.contacts[c] for c in book.contacts_by_company.get(record_id, ())
        ]
        context["projects"] = projects_of(book, "company", record_id)
    elif kind == "contact":
        from generator.site.campaigns import bounce_why, consent_text

        context["projects"] = projects_of(book, "contact", record_id)
        context["consent_text"] = consent_text
        context["bounce_why"] = bounce_why
    elif kind == "project":
        context["margin"] = book.project_margins.get(record_id)
    elif kind == "product":
        context["on_hand"] = book.stock_on_hand.get(record_id)
        context["serials"] = sorted(book.serials_in_stock.get(record_id, ()))
        context["movements"] = [
            book.movements[m] for m in reversed(book.movements_by_product.get(record_id, ()))
        ]
        context["level_chart"] = level_chart(book, record_id, book.settings.lang)
    return context


def custom_fields_shown(book: Book, kind: str, record: Any) -> list[tuple[str, str]]:
    """The firm's own fields of a contact or company (``settings.custom_fields``), as
    (label, text) in the order they are declared; the empty ones left out."""
    from generator.locale import day_date

    shown: list[tuple[str, str]] = []
    declared = book.settings.custom_fields.get(kind) or {}  # type: ignore[call-overload]
    for key, spec in declared.items():
        value = record.custom.get(key)
        if value is None or value == []:
            continue
        if isinstance(value, date):
            text = day_date(value, book.settings.lang)
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        shown.append((spec.label, text))
    return shown


def projects_of(book: Book, kind: str, record_id: str) -> list[tuple[Any, str | None]]:
    """The projects a company or a contact takes part in, with its role in each (the
    ``role`` of the project's link to it; ``None`` when the link names none), latest
    start first."""
    index = book.projects_by_company if kind == "company" else book.projects_by_contact
    found = []
    for project_id in dict.fromkeys(index.get(record_id, ())):
        entry = book.projects[project_id]
        links = entry.record.companies if kind == "company" else entry.record.contacts
        roles = [link.role for link in links if link.id == record_id and link.role]
        found.append((entry, ", ".join(dict.fromkeys(roles)) or None))
    return sorted(
        found, key=lambda item: (item[0].record.start or date.min, item[0].id), reverse=True
    )


def stock_alerts(book: Book) -> list[tuple[Any, Decimal]]:
    """Stock-managed products at or below their alert level."""
    default = book.settings.stock.alert_level
    alerts = []
    for product_id, level in book.stock_on_hand.items():
        entry = book.products[product_id]
        threshold = entry.record.alert_level if entry.record.alert_level is not None else default
        if level <= 0 or (threshold is not None and level < threshold):
            alerts.append((entry, level))
    return sorted(alerts, key=lambda a: a[1])


def agenda(book: Book) -> dict[str, Any]:
    """Dated interactions and timed sessions by week, 4 weeks back and 8 ahead."""
    first = book.today - timedelta(days=book.today.weekday() + 28)
    last = first + timedelta(weeks=12) - timedelta(days=1)
    items: dict[date, list[tuple[Any, Any]]] = defaultdict(list)
    for entry in book.interactions.values():
        r = entry.record
        if r.start is not None:
            all_day = is_all_day(r.start, r.end)
            for moment in book.occurrences.get(entry.id, ()):
                if first <= moment.date() <= last:
                    items[moment.date()].append((entry, None if all_day else moment))
        elif first <= r.date <= last:
            items[r.date].append((entry, None))
    for day, day_items in items.items():  # timed ones first, by time, then by id
        day_items.sort(key=lambda i: (i[1] is None, i[1] or day, i[0].id))
    return {"weeks": weeks_of(book.today, first, 12, items)}


def changes(book: Book, recent: Any) -> list[Any]:
    """Recent field-level changes, newest first (at most 300)."""
    return list(recent or [])[:300]
