"""The checks of a large Book shared by two processes give what one process gives, in the
same order; a check that fails in the forked child is run again, and fails, in the parent."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from generator.checks.parallel import SHARED_FROM, run_each


def _check(index: int) -> list[Any]:
    time.sleep(0.02)  # long enough for both processes to take some
    return [(index, os.getpid()), index * 2]


def test_both_processes_run_checks_and_the_order_is_kept() -> None:
    shared = run_each(12, _check, records=SHARED_FROM, jobs=2)
    assert [found[1] for found in shared] == [i * 2 for i in range(12)]
    runners = {found[0][1] for found in shared}
    assert os.getpid() in runners and len(runners) == 2


def test_a_small_book_is_checked_here() -> None:
    alone = run_each(5, _check, records=SHARED_FROM - 1, jobs=2)
    assert {found[0][1] for found in alone} == {os.getpid()}


def test_a_check_failing_in_the_child_is_run_again_here() -> None:
    parent = os.getpid()

    def flaky(index: int) -> list[Any]:
        if os.getpid() != parent and index == 9:
            raise RuntimeError("only in the child")
        return _check(index)

    shared = run_each(10, flaky, records=SHARED_FROM, jobs=2)
    assert [found[1] for found in shared] == [i * 2 for i in range(10)]


def test_a_failing_check_fails_in_the_parent() -> None:
    def broken(index: int) -> list[Any]:
        if index == 9:
            raise ValueError("broken check")
        return _check(index)

    with pytest.raises(ValueError, match="broken check"):
        run_each(10, broken, records=SHARED_FROM, jobs=2)
