"""Charts as inline SVG, drawn at build time: no JavaScript library, no CDN.

Every chart has a ``<title>`` and a ``<desc>`` (read by screen readers), axes with their
values, and a legend when it shows several series. Labels are formatted by the caller
(:mod:`generator.site.views`, in the site's language) and escaped here; colours come
from CSS classes so the theme decides them. Axis labels are thinned out so that they
never overlap, whatever the number of columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH = 720
FONT = 12
"""Font size of labels, in the units of the drawing (720 wide)."""
CHAR = 0.62 * FONT
"""A generous width of one character of a label: used to keep labels apart."""

Number = Decimal | int


@dataclass(frozen=True, slots=True)
class Chart:
    """What every chart carries: an id unique on its page, a title and a description."""

    ident: str
    title: str
    desc: str


def _svg(chart: Chart, height: int, body: str, width: int = WIDTH) -> str:
    ident = escape(chart.ident)
    return (
        f'<svg class="carnet-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.desc)}</desc>{body}</svg>'
    )


def label_width(text: str) -> float:
    """How wide a label may be drawn (an upper estimate, in drawing units)."""
    return len(text) * CHAR


def nice_step(span: Number, count: int = 4, *, whole: bool = True) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) cutting ``span`` in about
    ``count`` parts; at least 1 when ``whole`` (counts, euros)."""
    span = Decimal(span)
    if span <= 0:
        return Decimal(1)
    raw = span / count
    power = Decimal(10) ** math.floor(math.log10(raw))
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if whole and factor == Decimal("2.5") and power < 10:
            continue  # 2.5 of a whole unit is no round step
        step = power * factor
        if step >= raw:
            break
    if whole:
        step = max(step.to_integral_value(rounding="ROUND_CEILING"), Decimal(1))
    return step


def _text(x: float, y: float, label: str, css: str = "label", anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}" '
        f'font-size="{FONT}">{escape(label)}</text>'
    )


def _legend(series: Sequence[tuple[str, str]], y: float, left: float) -> str:
    """Swatches and names in a row, each placed after the previous one's name."""
    parts, x = [], left
    for css, name in series:
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" class="{css}"/>'
            + _text(x + 14, y, name, "label legend", "start")
        )
        x += 14 + label_width(name) + 18
    return f'<g class="legend">{"".join(parts)}</g>'


def _y_axis(
    ticks: Sequence[tuple[float, str]], left: float, right: float, zero: float | None = None
) -> str:
    """Grid lines and their values on the left; ``zero``: the base line, drawn darker."""
    parts = []
    for y, shown in ticks:
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" class="grid"/>'
            + _text(left - 6, y + 4, shown, "label axis", "end")
        )
    if zero is not None:
        parts.append(
            f'<line x1="{left:.1f}" y1="{zero:.1f}" x2="{right:.1f}" y2="{zero:.1f}" class="base"/>'
        )
    return f'<g class="axis">{"".join(parts)}</g>'


def shown_labels(widths: Sequence[float], step: float, anchor: int = 0) -> list[int]:
    """Indexes of the column labels to draw so that none overlaps the next: every n-th
    label, counted from ``anchor`` (today's column stays labelled)."""
    if not widths:
        return []
    every = max(1, math.ceil((max(widths) + 6) / step))
    return [i for i in range(len(widths)) if (i - anchor) % every == 0]


def horizontal_bars(rows: Sequence[tuple[str, Number, str]], chart: Chart, css: str = "bar") -> str:
    """One bar per row: (label, value, value shown as text); the value is written at the
    end of its bar, so no axis is needed. The drawing is as wide as its longest label and
    value need (it stays readable in a narrow card); ``css``: the bars' class."""
    if not rows:
        return ""
    peak = max((abs(Decimal(v)) for _, v, _ in rows), default=Decimal(0)) or Decimal(1)
    bar_left = 8 + max(label_width(label) for label, _, _ in rows)
    bar_width, line = 180, 26
    width = math.ceil(bar_left + bar_width + 10 + max(label_width(s) for _, _, s in rows))
    parts = []
    for index, (label, value, shown) in enumerate(rows):
        y = index * line + 4
        size = int(Decimal(bar_width) * abs(Decimal(value)) / peak)
        parts.append(
            _text(bar_left - 8, y + 15, label, "label", "end")
            + f'<rect x="{bar_left:.1f}" y="{y + 2}" width="{max(size, 1)}" height="18" '
            f'class="{css}"><title>{escape(label)} : {escape(shown)}</title></rect>'
            + _text(bar_left + size + 6, y + 15, shown, "value", "start")
        )
    return _svg(chart, len(rows) * line + 8, "".join(parts), width=width)


def stacked_columns(
    columns: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    chart: Chart,
    highlight: int | None = None,
) -> str:
    """Columns stacked by series, with a count axis: ``columns`` are (label, count per
    series), ``series`` (css class, name); the ``highlight`` column is marked (today)."""
    if not columns:
        return ""
    height, left, right, top, bottom = 250, 40, WIDTH - 10, 34, 26
    base = height - bottom
    peak = max((sum(counts) for _, counts in columns), default=0) or 1
    step_value = nice_step(peak)
    ceiling = step_value * math.ceil(Decimal(peak) / step_value)
    scale = (base - top) / float(ceiling)
    step = (right - left) / len(columns)
    ticks = [
        (base - float(v) * scale, str(int(v)))
        for v in (step_value * n for n in range(int(ceiling / step_value) + 1))
    ]
    parts = [_legend(series, 14, left), _y_axis(ticks, left, right, base)]
    if highlight is not None:
        x = left + highlight * step
        parts.append(
            f'<rect x="{x:.1f}" y="{top - 4}" width="{step:.1f}" height="{base - top + 4}" '
            'class="today-band"/>'
        )
    for index, (label, counts) in enumerate(columns):
        x = left + index * step + step * 0.15
        y = float(base)
        for (css, name), count in zip(series, counts, strict=True):
            if not count:
                continue
            h = count * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'class="{css}"><title>{escape(label)} — {escape(name)} : {count}</title></rect>'
            )
    anchor = highlight if highlight is not None else 0
    for index in shown_labels([label_width(label) for label, _ in columns], step, anchor):
        css = "label today" if index == highlight else "label"
        parts.append(_text(left + (index + 0.5) * step, base + 16, columns[index][0], css))
    return _svg(chart, height, "".join(parts))


def inflow_outflow_columns(
    columns: Sequence[tuple[Sequence[str], Decimal, Decimal]],
    series: tuple[tuple[str, str], tuple[str, str]],
    chart: Chart,
    shown: Callable[[Decimal], str],
    tip: Callable[[Decimal], str],
) -> str:
    """Money in and out per period: the inflow (turnover) rises above the base line, the
    outflow (purchases) goes below it in its own colour; both are positive amounts and
    the axis shows them as such (``shown``: an axis value, ``tip``: an exact amount).
    ``columns`` are (label lines, inflow, outflow)."""
    if not columns:
        return ""
    height, left, right, top, bottom = 300, 78, WIDTH - 10, 34, 34
    peak_in = max((max(i, Decimal(0)) for _, i, _ in columns), default=Decimal(0))
    peak_out = max((max(o, Decimal(0)) for _, _, o in columns), default=Decimal(0))
    step_value = nice_step(peak_in + peak_out or 1, 5)
    above = max(math.ceil(peak_in / step_value), 1)
    below = math.ceil(peak_out / step_value)
    scale = (height - top - bottom) / float(step_value * (above + below))
    zero = top + float(step_value * above) * scale
    ticks = [
        (zero - n * float(step_value) * scale, shown(abs(step_value * n)))
        for n in range(-below, above + 1)
    ]
    step = (right - left) / len(columns)
    width = step * 0.36
    parts = [_legend(series, 14, left), _y_axis(ticks, left, right, zero)]
    (in_css, in_name), (out_css, out_name) = series
    for index, (lines, inflow, outflow) in enumerate(columns):
        x = left + index * step + step * 0.12
        name = " ".join(lines)
        h_in = float(max(inflow, Decimal(0))) * scale
        h_out = float(max(outflow, Decimal(0))) * scale
        parts.append(
            f'<rect x="{x:.1f}" y="{zero - h_in:.1f}" width="{width:.1f}" height="{h_in:.1f}" '
            f'class="{in_css}"><title>{escape(name)} — {escape(in_name)} : '
            f"{escape(tip(inflow))}</title></rect>"
            f'<rect x="{x + width + 2:.1f}" y="{zero:.1f}" width="{width:.1f}" '
            f'height="{h_out:.1f}" class="{out_css}"><title>{escape(name)} — '
            f"{escape(out_name)} : {escape(tip(outflow))}</title></rect>"
        )
    widths = [max(map(label_width, lines), default=0) for lines, _, _ in columns]
    for index in shown_labels(widths, step):
        x = left + (index + 0.5) * step
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if n == 0 else FONT + 2}">{escape(line)}</tspan>'
            for n, line in enumerate(columns[index][0])
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" class="label" '
            f'font-size="{FONT}">{spans}</text>'
        )
    return _svg(chart, height, "".join(parts))
