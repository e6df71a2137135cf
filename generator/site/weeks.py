"""Calendar weeks of the site's agendas (the firm's, each user's, each resource's)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any


def weeks_of(
    today: date, first: date, count: int, items: Mapping[date, list[Any]]
) -> list[dict[str, Any]]:
    """``count`` weeks from the Monday ``first``: each with its Monday, ISO number, the
    days that hold ``items`` (in their order) and whether it holds ``today``."""
    weeks = []
    for week in range(count):
        monday = first + timedelta(weeks=week)
        days = [
            (day, items[day])
            for day in (monday + timedelta(days=n) for n in range(7))
            if items.get(day)
        ]
        current = monday <= today < monday + timedelta(days=7)
        weeks.append(
            {"monday": monday, "number": monday.isocalendar()[1], "days": days, "current": current}
        )
    return weeks
