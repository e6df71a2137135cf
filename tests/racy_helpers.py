"""Helpers of the tests of the file table and the reused listing: a copy of the example
business, and waiting for the clock's next second (what was written before is then no
longer racy: the racy-timestamp rule only distrusts the second of the last reading)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECOND = 1_000_000_000


def next_second() -> None:
    """Wait until the clock enters a new second."""
    now = time.time_ns()
    time.sleep((SECOND - now % SECOND) / SECOND + 0.01)


def example_copy(tmp_path: Path) -> Path:
    """``tmp_path`` holding a copy of the example business's ``data/``, a second old."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    next_second()
    return tmp_path
