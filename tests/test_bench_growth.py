"""The growth report of the bench (bench/growth.py): fitted exponent and table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import growth


def _run(scale: float, files: int, seconds: float) -> dict[str, object]:
    results = [
        {"name": "floor", "seconds": seconds / 2, "peak_rss_mib": 0.0, "runs": [seconds / 2]},
        {"name": "validate-cold", "seconds": seconds, "peak_rss_mib": 100.0 * scale},
        {"name": "site-full", "seconds": 0, "peak_rss_mib": 0.0, "failed": "exit 2"},
    ]
    return {"scale": scale, "files": {"companies": files}, "results": results}


def test_the_exponent_of_a_linear_and_a_quadratic_growth() -> None:
    assert growth.fitted_exponent([(10, 1.0), (100, 10.0), (1000, 100.0)]) == pytest.approx(1)
    assert growth.fitted_exponent([(10, 1.0), (100, 100.0)]) == pytest.approx(2)
    assert growth.fitted_exponent([(10, 1.0)]) is None


def test_the_table_lists_each_scale_with_its_exponent_and_leaves_failures_out() -> None:
    text = growth.table([_run(1, 1000, 4.0), _run(0.1, 100, 0.5)])
    lines = text.splitlines()
    assert lines[0] == "| measurement | 0.1 (100 files) | 1 (1,000 files) | k |"
    assert "| validate, cold | 0.50 s, 10 MiB | 4.00 s, 100 MiB | 0.90 |" in lines
    assert not any("full build" in line for line in lines)
