"""Stock replay: validated movements in date order → levels and serials in stock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from generator.schema.common import Direction, MovementStatus


@dataclass(slots=True)
class StockIssue:
    """Something the replay found wrong, located on a movement line (or serial)."""

    code: str
    movement_id: str
    path: str
    loc: tuple[str | int, ...]
    params: dict[str, Any]


@dataclass(slots=True)
class StockState:
    """Levels and serials in stock after a replay, and the issues met on the way; with a
    ``snapshot`` date, the levels and serials in stock at the end of that day too."""

    levels: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    serials: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    issues: list[StockIssue] = field(default_factory=list)
    levels_at: dict[str, Decimal] | None = None
    serials_at: dict[str, set[str]] | None = None

    def take_snapshot(self) -> None:
        """Keep a copy of the levels and serials as they are now."""
        self.levels_at = dict(self.levels)
        self.serials_at = {product: set(s) for product, s in self.serials.items()}


def movement_order(entry: Any) -> tuple[date, int, str]:
    """Movements of a day: receipts before shipments, then by id."""
    r = entry.record
    return (r.date, 0 if r.direction is Direction.IN else 1, entry.id)


def replay(
    movements: Iterable[Any],
    managed: set[str],
    until: date | None = None,
    *,
    snapshot: date | None = None,
) -> StockState:
    """Apply validated movements (``Entry`` objects) up to ``until`` included (all by
    default); with ``snapshot``, the state at the end of that day is kept on the way
    (:attr:`StockState.levels_at`), so that one pass gives both the issues of every
    movement and the stock of a day.

    Only lines of ``managed`` products count: a line of an unknown or unmanaged product
    is reported by its own check, not as a stock problem too.
    """
    state = StockState()
    validated = [m for m in movements if m.record.status is MovementStatus.VALIDATED]
    validated.sort(key=movement_order)
    for entry in validated:
        r = entry.record
        if until is not None and r.date > until:
            break
        if snapshot is not None and state.levels_at is None and r.date > snapshot:
            state.take_snapshot()
        sign = 1 if r.direction is Direction.IN else -1
        for index, line in enumerate(r.lines):
            product = line.product
            if product not in managed:
                continue
            before = state.levels[product]
            after = before + sign * line.quantity
            state.levels[product] = after
            if after < 0 <= before:
                state.issues.append(
                    StockIssue(
                        "stock-negative",
                        entry.id,
                        entry.path,
                        ("lines", index, "quantity"),
                        {"product": product, "level": after, "date": r.date, "available": before},
                    )
                )
            in_stock = state.serials[product]
            for s_index, serial in enumerate(line.serials):
                loc = ("lines", index, "serials", s_index)
                if sign > 0:
                    if serial in in_stock:
                        state.issues.append(
                            StockIssue(
                                "serial-already-in-stock",
                                entry.id,
                                entry.path,
                                loc,
                                {"product": product, "serial": serial, "date": r.date},
                            )
                        )
                    in_stock.add(serial)
                elif serial in in_stock:
                    in_stock.remove(serial)
                else:
                    state.issues.append(
                        StockIssue(
                            "serial-not-in-stock",
                            entry.id,
                            entry.path,
                            loc,
                            {
                                "product": product,
                                "serial": serial,
                                "date": r.date,
                                "in_stock": sorted(in_stock),
                            },
                        )
                    )
    if snapshot is not None and state.levels_at is None:
        state.take_snapshot()
    return state
