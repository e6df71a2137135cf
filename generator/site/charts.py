"""Charts as inline SVG, drawn at build time: no JavaScript library, no CDN.

Every label is escaped; colours come from CSS classes so the theme decides them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

WIDTH = 720


def _svg(height: int, body: str, title: str) -> str:
    return (
        f'<svg class="carnet-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _column_label(x: float, y: int, label: str, css: str = "label") -> str:
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" class="{css}" font-size="9">'
        f"{escape(label)}</text>"
    )


def _legend(series: Sequence[tuple[str, str]], height: int, spacing: int) -> str:
    return "".join(
        f'<rect x="{30 + i * spacing}" y="{height - 16}" width="10" height="10" class="{css}"/>'
        f'<text x="{44 + i * spacing}" y="{height - 7}" class="label">{escape(name)}</text>'
        for i, (css, name) in enumerate(series)
    )


def horizontal_bars(rows: Sequence[tuple[str, Decimal | int, str]], title: str) -> str:
    """One bar per row: (label, value, value shown as text)."""
    if not rows:
        return ""
    peak = max((abs(Decimal(v)) for _, v, _ in rows), default=Decimal(0)) or Decimal(1)
    bar_left, bar_width, line = 260, 330, 26
    parts = []
    for index, (label, value, shown) in enumerate(rows):
        y = index * line + 4
        width = int(Decimal(bar_width) * abs(Decimal(value)) / peak)
        parts.append(
            f'<text x="{bar_left - 8}" y="{y + 15}" text-anchor="end" class="label">{escape(label)}</text>'
            f'<rect x="{bar_left}" y="{y + 2}" width="{max(width, 1)}" height="18" class="bar"/>'
            f'<text x="{bar_left + width + 6}" y="{y + 15}" class="value">{escape(shown)}</text>'
        )
    return _svg(len(rows) * line + 8, "".join(parts), title)


def stacked_columns(
    columns: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    title: str,
    highlight: int | None = None,
) -> str:
    """Columns stacked by series: columns are (label, counts per series), series (css, name)."""
    if not columns:
        return ""
    peak = max((sum(counts) for _, counts in columns), default=0) or 1
    height, top, bottom = 220, 10, 40
    usable = height - top - bottom
    step = (WIDTH - 40) / len(columns)
    parts = []
    for index, (label, counts) in enumerate(columns):
        x = 30 + index * step
        y = height - bottom
        for (css, name), count in zip(series, counts, strict=True):
            if not count:
                continue
            h = usable * count / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'class="{css}"><title>{escape(label)} — {escape(name)} : {count}</title></rect>'
            )
        css = "label today" if index == highlight else "label"
        parts.append(_column_label(x + step * 0.35, height - bottom + 14, label, css))
    return _svg(height, "".join(parts) + _legend(series, height, 140), title)


def grouped_columns(
    columns: Sequence[tuple[str, Sequence[Decimal]]],
    series: Sequence[tuple[str, str]],
    title: str,
) -> str:
    """Side-by-side columns per group (e.g. turnover and purchases per month)."""
    if not columns:
        return ""
    peak = max((max(values, default=Decimal(0)) for _, values in columns), default=Decimal(0))
    peak = peak or Decimal(1)
    height, top, bottom = 220, 10, 40
    usable = height - top - bottom
    step = (WIDTH - 40) / len(columns)
    width = step * 0.8 / max(len(series), 1)
    parts = []
    for index, (label, values) in enumerate(columns):
        x = 30 + index * step
        for offset, ((css, name), value) in enumerate(zip(series, values, strict=True)):
            h = float(Decimal(usable) * max(value, Decimal(0)) / peak)
            parts.append(
                f'<rect x="{x + offset * width:.1f}" y="{height - bottom - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" class="{css}"><title>{escape(label)} — {escape(name)} : '
                f"{value}</title></rect>"
            )
        parts.append(_column_label(x + step * 0.4, height - bottom + 14, label))
    return _svg(height, "".join(parts) + _legend(series, height, 160), title)
