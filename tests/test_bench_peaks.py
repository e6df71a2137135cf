"""The bench's peak memory of a command (bench/run.py ``TreePeaks``): the command's and
each of its descendants' own peaks, summed, as the performance issue defines it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import run

HOLD = """
import os, time
held = bytearray({mib} << 20)
for i in range(0, len(held), 4096):
    held[i] = 1
time.sleep(0.4)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_worker_s_peak_is_added_to_its_parent_s(tmp_path: Path) -> None:
    """A parent holding 60 MiB waits for a child holding 120 MiB of its own: the sum of
    their peaks is over 180 MiB (the largest process alone, as wait4 says, is not)."""
    script = (
        "import subprocess, sys\n"
        + HOLD.format(mib=60)
        + f"subprocess.run([sys.executable, '-c', {HOLD.format(mib=120)!r}], check=True)\n"
    )
    bench = run.Bench(tmp_path, 1, tmp_path)
    child = bench.run(["-c", script], "peaks")
    assert child.returncode == 0, child.stderr
    assert child.max_rss_kib / 1024 >= 180
    assert child.max_rss_kib / 1024 < 180 + 3 * 40  # three interpreters, nothing counted twice
