"""A product's stock level over time, as inline SVG for its page on the internal site.

A step line from the first validated movement to today (the level changes on movement
days only), a dashed line at the alert level, one dot per movement day with its level in
a tooltip. Drawn at build time like :mod:`generator.site.charts`: no script, every label
escaped.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from html import escape

from generator import locale as fmt
from generator.book.book import Book
from generator.schema.common import Direction, MovementStatus

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 30


def level_steps(book: Book, product_id: str) -> list[tuple[date, Decimal]]:
    """(day, level at the end of that day) for each day a validated movement changed it."""
    change: dict[date, Decimal] = defaultdict(Decimal)
    for movement_id in book.movements_by_product.get(product_id, ()):
        r = book.movements[movement_id].record
        if r.status is not MovementStatus.VALIDATED:
            continue
        sign = 1 if r.direction is Direction.IN else -1
        for line in r.lines:
            if line.product == product_id:
                change[r.date] += sign * line.quantity
    level = Decimal(0)
    steps = []
    for day in sorted(change):
        level += change[day]
        steps.append((day, level))
    return steps


def level_chart(book: Book, product_id: str, lang: str = "fr") -> str:
    """The SVG chart, or ``""`` when no validated movement concerns the product."""
    steps = level_steps(book, product_id)
    if not steps:
        return ""
    product = book.products[product_id].record
    en = lang.startswith("en")
    first = steps[0][0]
    last = max(book.today, steps[-1][0])
    span = max((last - first).days, 1)
    alert = product.alert_level
    values = [v for _, v in steps] + [alert or Decimal(0), Decimal(0)]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span

    def y(value: Decimal) -> float:
        usable = HEIGHT - TOP - BOTTOM
        return TOP + usable * float((high - value) / (high - low))

    points: list[str] = []
    dots: list[str] = []
    for index, (day, level) in enumerate(steps):
        if index:
            points.append(f"{x(day):.1f},{y(steps[index - 1][1]):.1f}")
        points.append(f"{x(day):.1f},{y(level):.1f}")
        tip = f"{fmt.day_date(day, lang)} : {fmt.number(level, lang)} {product.unit}"
        dots.append(
            f'<circle cx="{x(day):.1f}" cy="{y(level):.1f}" r="3" class="level-dot" '
            f'fill="currentColor"><title>{escape(tip)}</title></circle>'
        )
    points.append(f"{x(last):.1f},{y(steps[-1][1]):.1f}")
    parts = [
        f'<line x1="{LEFT}" y1="{y(Decimal(0)):.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{y(Decimal(0)):.1f}" stroke="#999" stroke-width="1"/>',
        f'<polyline class="level" points="{" ".join(points)}" fill="none" '
        'stroke="currentColor" stroke-width="2"/>',
        *dots,
    ]
    if alert is not None:
        label = ("alert level " if en else "seuil d'alerte ") + fmt.number(alert, lang)
        parts.append(
            f'<line class="alert" x1="{LEFT}" y1="{y(alert):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(alert):.1f}" stroke="#e57373" stroke-dasharray="5 4" stroke-width="1.5">'
            f"<title>{escape(label)}</title></line>"
        )
    for value in sorted({low, high, Decimal(0)}):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" class="label" '
            f'font-size="10">{escape(fmt.number(value, lang))}</text>'
        )
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" class="label" '
            f'font-size="10">{escape(fmt.day_date(day, lang))}</text>'
        )
    title = ("Stock level of " if en else "Niveau de stock de ") + product.name
    now = f"{fmt.number(steps[-1][1], lang)} {product.unit}"
    if en:
        desc = f"From {fmt.day_date(first, lang)} to {fmt.day_date(last, lang)}; now {now}."
    else:
        desc = f"Du {fmt.day_date(first, lang)} au {fmt.day_date(last, lang)} ; aujourd'hui {now}."
    if alert is not None:
        desc += (" Alert level: " if en else " Seuil d'alerte : ") + fmt.number(alert, lang) + "."
    return (
        f'<svg class="carnet-chart stock-level" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="stock-level-title stock-level-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="stock-level-title">{escape(title)}</title>'
        f'<desc id="stock-level-desc">{escape(desc)}</desc>{"".join(parts)}</svg>'
    )
