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


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_matches_is_decided_fast(rule: str) -> None:
    began = time.perf_counter()
    assert occurrences(START, rule, limit=1, horizon=SEARCH_HORIZON) == []
    assert occurrences(START, rule) == []  # the bookings' expansion
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
