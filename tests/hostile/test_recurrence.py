"""Recurrence rules: one that never matches is decided fast, a rare one is found.

dateutil stops at UNTIL only on a date that matches, so a rule that never matches walks
on to the year 9999 (seconds per rule, twice: the check and the bookings). A hostile
repository full of them must not make ``carnet validate`` crawl; a valid rule whose next
date is years away (Monday 29 February: 2044) must not be reported as producing none.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from generator.checks.agenda import SEARCH_HORIZON, occurrences
from tests.hostile.conftest import assert_no_crash

START = datetime(2026, 11, 25, 9, 0)
NEVER = [
    "FREQ=DAILY;BYYEARDAY=366;BYMONTH=1",
    "FREQ=WEEKLY;BYYEARDAY=-366;BYMONTH=12",
    "FREQ=DAILY;BYWEEKNO=53;BYMONTH=3",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYYEARDAY=59",
    "FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=31;BYMONTH=2,4,6,9,11,3;BYSETPOS=9",
]


def add_interaction(repo: Path, name: str, rule: str, *, resource: bool = True) -> Path:
    """An interaction of the example business recurring by ``rule``."""
    path = repo / "data" / "interactions" / "2026" / f"{name}.yaml"
    path.write_text(
        "kind: project\n"
        'type: "Projet - 1 - À faire"\n'
        "user: claire\n"
        f"subject: Réunion {name}\n"
        "date: 2026-11-25\n"
        "state: open\n"
        "start: 2026-11-25T09:00\n"
        "end: 2026-11-25T10:00\n"
        f'recurrence: "{rule}"\n' + ("resources: [local-321]\n" if resource else ""),
        encoding="utf-8",
    )
    return path


def _never(rule: str, **bounds: object) -> bool:
    """The rule yields nothing, or is refused at once as one that never matches."""
    try:
        return occurrences(START, rule, **bounds) == []  # type: ignore[arg-type]
    except ValueError as refused:
        return "ne tombe jamais" in str(refused)


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_matches_is_decided_fast(rule: str) -> None:
    began = time.perf_counter()
    assert _never(rule, limit=1, horizon=SEARCH_HORIZON)
    assert _never(rule)  # the bookings' expansion
    assert time.perf_counter() - began < 0.5, rule


def test_validate_reports_never_matching_rules_fast_and_located(carnet, repo: Path) -> None:
    for index, rule in enumerate(NEVER):
        add_interaction(repo, f"jamais-{index}", rule)
    began = time.perf_counter()
    result = carnet(repo, "validate", "--no-cache")
    elapsed = time.perf_counter() - began
    assert_no_crash(result)
    assert result.exit_code == 1
    for index in range(len(NEVER)):
        where = f"data/interactions/2026/jamais-{index}.yaml:9:13: error: "
        assert where in result.output, result.output
    assert "[recurrence-invalid]" in result.output
    assert elapsed < 10, f"validate took {elapsed:.1f} s"  # 6 rules x 2 walks to 9999 before


@pytest.mark.parametrize(
    ("rule", "first"),
    [
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", datetime(2044, 2, 29, 9, 0)),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", datetime(2044, 2, 29, 9, 0)),
        ("FREQ=MONTHLY;BYMONTH=2;BYDAY=5MO", datetime(2044, 2, 29, 9, 0)),
        ("FREQ=DAILY;BYDAY=MO", datetime(2026, 11, 30, 9, 0)),  # not on the start's day
        ("FREQ=WEEKLY;BYMONTH=3", datetime(2027, 3, 3, 9, 0)),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;INTERVAL=2", datetime(2044, 2, 29, 9, 0)),
    ],
)
def test_a_rare_rule_has_its_next_date(rule: str, first: datetime) -> None:
    began = time.perf_counter()
    assert occurrences(START, rule, limit=1, horizon=SEARCH_HORIZON) == [first]
    assert time.perf_counter() - began < 0.5


def test_validate_accepts_monday_29_february(carnet, repo: Path) -> None:
    add_interaction(repo, "lundi-29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")
    add_interaction(repo, "lundis", "FREQ=DAILY;BYDAY=MO", resource=False)
    result = carnet(repo, "validate", "--no-cache")
    assert_no_crash(result)
    assert "lundi-29" not in result.output and "lundis" not in result.output, result.output
    assert result.exit_code == 0, result.output


def test_until_before_the_start_still_yields_nothing(carnet, repo: Path) -> None:
    add_interaction(repo, "avant", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20250630")
    result = carnet(repo, "validate", "--no-cache")
    assert result.exit_code == 1
    assert "data/interactions/2026/avant.yaml:9:13: error: " in result.output


def test_easter_rules_are_refused(carnet, repo: Path) -> None:
    """BYEASTER (a dateutil extension, not RFC 5545) does not repeat every 400 years."""
    add_interaction(repo, "paques", "FREQ=YEARLY;BYEASTER=0")
    result = carnet(repo, "validate", "--no-cache")
    assert result.exit_code == 1
    assert "data/interactions/2026/paques.yaml:9:13: error: " in result.output


HOURS = ",".join(str(hour) for hour in range(24))
COSTLY = [
    f"FREQ=DAILY;BYSETPOS=1;BYYEARDAY=366;BYMONTH=1;BYHOUR={HOURS}",  # refused at once
    f"FREQ=DAILY;INTERVAL=7;BYDAY=TU;BYHOUR={HOURS};BYSETPOS=1",  # Wednesdays only: never
    f"FREQ=WEEKLY;BYWEEKNO=1;BYMONTH=6;BYHOUR={HOURS}",
    f"FREQ=MONTHLY;BYMONTHDAY=31;BYYEARDAY=1;BYHOUR={HOURS}",
    "FREQ=YEARLY;BYDAY=53MO;BYYEARDAY=1",
]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYYEARDAY=366;BYMONTH=1",
        "FREQ=DAILY;BYYEARDAY=-1,-2;BYMONTH=1,2,3",
        "FREQ=DAILY;BYYEARDAY=1;BYMONTHDAY=2",
        "FREQ=DAILY;BYYEARDAY=60;BYMONTH=2;BYMONTHDAY=28",
        "FREQ=DAILY;BYWEEKNO=1;BYMONTH=6",
        "FREQ=DAILY;BYWEEKNO=-1;BYMONTH=7",
        "FREQ=DAILY;BYWEEKNO=20;BYYEARDAY=1",
    ],
)
def test_combinations_that_never_match_are_refused_up_front(rule: str) -> None:
    with pytest.raises(ValueError, match="ne tombe jamais"):
        occurrences(START, rule)


@pytest.mark.parametrize(
    ("rule", "first"),
    [
        ("FREQ=YEARLY;BYYEARDAY=60;BYMONTH=2;BYMONTHDAY=29", datetime(2028, 2, 29, 9, 0)),
        ("FREQ=YEARLY;BYYEARDAY=366;BYMONTH=12", datetime(2028, 12, 31, 9, 0)),
        ("FREQ=YEARLY;BYWEEKNO=1;BYMONTH=12;BYDAY=MO", datetime(2029, 12, 31, 9, 0)),
        ("FREQ=YEARLY;BYWEEKNO=53;BYMONTH=1;BYDAY=FR", datetime(2027, 1, 1, 9, 0)),
        ("FREQ=YEARLY;BYYEARDAY=-1;BYMONTHDAY=31", datetime(2026, 12, 31, 9, 0)),
    ],
)
def test_combinations_at_the_edges_still_match(rule: str, first: datetime) -> None:
    assert occurrences(START, rule, limit=1, horizon=SEARCH_HORIZON) == [first]


def test_many_costly_rules_keep_validate_linear(carnet, repo: Path) -> None:
    """300 rules that never match (or only after a long walk): each was walked day by day
    over a hundred years, 74 s in all; the work of the searches is bounded per run."""
    baseline = time.perf_counter()
    assert carnet(repo, "validate", "--no-cache").exit_code == 0
    baseline = time.perf_counter() - baseline
    for index in range(300):
        add_interaction(repo, f"couteuse-{index}", COSTLY[index % len(COSTLY)], resource=False)
    began = time.perf_counter()
    result = carnet(repo, "validate", "--no-cache")
    elapsed = time.perf_counter() - began
    assert_no_crash(result)
    assert result.exit_code == 1
    assert result.output.count("[recurrence-invalid]") == 300, result.output[-2000:]
    assert elapsed < baseline + 4, f"validate took {elapsed:.1f} s ({baseline:.1f} s without)"


def _reference(start: datetime, rule: str, limit: int, horizon) -> list[datetime]:
    """dateutil's own dates, the rule moved by whole 400-year cycles near the year 9999 so
    that a walk that never matches stays short (what Carnet did before metering)."""
    from datetime import timedelta
    from itertools import islice

    from dateutil.rrule import rrulestr

    cycle = timedelta(days=146_097)
    parsed = rrulestr(rule, dtstart=start)
    end = start + horizon
    if parsed._until is not None:
        end = min(end, parsed._until)
    shift = cycle * max(0, (9999 - end.year) // 400)
    moved = parsed.replace(dtstart=start + shift, until=end + shift, count=None)
    wanted = min(parsed._count, limit) if parsed._count is not None else limit
    return [o - shift for o in islice(moved, wanted)]


def test_metering_never_loses_a_date() -> None:
    """The meter stops a walk only once every day up to the horizon was looked at: the
    dates are dateutil's own, for rules of every shape, sparse and dense."""
    from datetime import timedelta

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    parts = st.fixed_dictionaries(
        {"FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])},
        optional={
            "INTERVAL": st.integers(1, 9).map(str),
            "BYMONTH": st.lists(st.integers(1, 12), min_size=1, max_size=3),
            "BYMONTHDAY": st.lists(st.integers(-31, 31).filter(bool), min_size=1, max_size=3),
            "BYYEARDAY": st.lists(st.integers(-366, 366).filter(bool), min_size=1, max_size=2),
            "BYWEEKNO": st.lists(st.integers(-53, 53).filter(bool), min_size=1, max_size=2),
            "BYDAY": st.lists(
                st.sampled_from(["MO", "TU", "FR", "SU", "1MO", "-1FR", "2TU", "53MO", "-2SU"]),
                min_size=1,
                max_size=3,
            ),
            "BYHOUR": st.lists(st.integers(0, 23), min_size=1, max_size=3),
            "BYSETPOS": st.lists(st.sampled_from([1, 2, -1]), min_size=1, max_size=2),
            "COUNT": st.integers(1, 30).map(str),
        },
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(parts, st.integers(1, 40), st.sampled_from([365, 366 * 5, 366 * 30]))
    def check(chosen: dict, limit: int, days: int) -> None:
        rule = ";".join(
            f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in chosen.items()
        )
        try:
            expected = _reference(START, rule, limit, timedelta(days=days))
        except (ValueError, TypeError, IndexError):  # dateutil refuses it, or fails on it
            return
        try:
            got = occurrences(START, rule, limit=limit, horizon=timedelta(days=days))
        except ValueError as refused:
            assert expected == [] or "BYSETPOS" in str(refused), (rule, refused)
            return
        assert got == expected, rule

    check()
