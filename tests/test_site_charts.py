"""The dashboard's charts: inline SVG with a title and a description, axes with French
values, French month and day labels, a legend, purchases drawn as outflows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from itertools import pairwise

import pytest
from conftest import ROOT, TODAY

from generator.load import load
from generator.site import charts, views
from generator.site.stock_chart import level_chart

SVG = "{http://www.w3.org/2000/svg}"
NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def book():
    result = load(ROOT, today=TODAY, use_cache=False, jobs=1)
    assert result.book is not None
    return result.book


@pytest.fixture(scope="module")
def dashboard(book):
    return views.dashboard(book, "fr")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, css: str = "") -> list[str]:
    return [
        "".join(t.itertext())
        for t in root.iter(f"{SVG}text")
        if css in (t.get("class") or "").split() or not css
    ]


def assert_described(root: ET.Element) -> None:
    """A ``<title>`` and a ``<desc>`` that the SVG names as its label."""
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_every_chart_has_a_title_and_a_description(book, dashboard) -> None:
    roots = [parse(dashboard["states_chart"]), parse(dashboard["money_chart"])]
    roots += [parse(p["chart"]) for p in dashboard["pipelines"]]
    roots.append(parse(level_chart(book, "nordmann-150")))
    for root in roots:
        assert_described(root)
    ids = [r.find(f"{SVG}title").get("id") for r in roots[:-1]]
    assert len(set(ids)) == len(ids), "two charts of the dashboard share an id"


def test_money_chart_has_a_french_axis_months_and_a_legend(dashboard) -> None:
    root = parse(dashboard["money_chart"])
    axis = texts(root, "axis")
    assert axis and all(re.fullmatch(rf"\d{{1,3}}(?:{NNBSP}\d{{3}})*{NBSP}€", v) for v in axis), (
        axis
    )
    assert any(NNBSP in v for v in axis), "thousands are grouped the French way"
    assert "-" not in "".join(axis) and "−" not in "".join(axis)
    months = ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert months[0] == "déc.2025" and "janv.2026" in months and months[-1] == "nov."
    assert not re.search(r"\d{4}-\d{2}", dashboard["money_chart"])
    assert texts(root, "legend") == ["Chiffre d'affaires HT", "Achats (sorties)"]
    assert [m[1] for m in dashboard["months"]][-3:] == [
        "septembre 2026",
        "octobre 2026",
        "novembre 2026",
    ]


def test_purchases_go_below_the_line_with_positive_amounts(book, dashboard) -> None:
    root = parse(dashboard["money_chart"])
    [base] = [line for line in root.iter(f"{SVG}line") if line.get("class") == "base"]
    zero = float(base.get("y1"))
    rects = {css: [] for css in ("turnover", "purchases")}
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("class") in rects and rect.find(f"{SVG}title") is not None:
            rects[rect.get("class")].append(rect)
    assert len(rects["purchases"]) == len(rects["turnover"]) == 12
    bought = [r for r in rects["purchases"] if float(r.get("height")) > 0]
    assert bought, "the example buys something in the last twelve months"
    for rect in bought:
        assert float(rect.get("y")) == pytest.approx(zero, abs=0.11)
        tip = rect.find(f"{SVG}title").text
        assert re.search(rf"Achats \(sorties\) : \d{{1,3}}(?:{NNBSP}\d{{3}})*,\d\d{NBSP}€$", tip), (
            tip
        )
    for rect in rects["turnover"]:
        bottom = float(rect.get("y")) + float(rect.get("height"))
        assert bottom == pytest.approx(zero, abs=0.11)
    november = book.purchases_by_month.get(f"{TODAY:%Y-%m}", Decimal(0))
    assert dashboard["months"][-1][3] == november >= 0


def test_day_labels_are_spaced_and_today_is_labelled(dashboard) -> None:
    root = parse(dashboard["states_chart"])
    days = [
        t
        for t in root.iter(f"{SVG}text")
        if "axis" not in t.get("class") and re.fullmatch(r"\d\d/\d\d", t.text or "")
    ]
    assert 5 <= len(days) < 29, "29 days cannot all be labelled in 720 units"
    xs = [float(t.get("x")) for t in days]
    gap = min(b - a for a, b in pairwise(xs))
    assert gap >= charts.label_width("25/11") + 4
    [today] = [t for t in days if "today" in t.get("class")]
    assert today.text == "25/11"
    assert texts(root, "legend") == ["Ouvert", "En cours", "Terminé"]
    assert texts(root, "axis")[0] == "0"


def test_nice_steps_and_thinned_labels() -> None:
    assert charts.nice_step(Decimal(9300), 5) == 2000
    assert charts.nice_step(Decimal(3), 4) == 1
    assert charts.nice_step(Decimal(48000), 4) == 20000
    assert charts.nice_step(Decimal(100), 4) == 25
    assert charts.shown_labels([30.0] * 29, 23.0, anchor=14) == list(range(0, 29, 2))
    assert charts.shown_labels([10.0] * 5, 40.0) == [0, 1, 2, 3, 4]
