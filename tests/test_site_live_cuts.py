"""What ``carnet serve`` leaves out of a rebuild to answer an edit faster, and the proof
that what it serves and what it leaves behind stay exact."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import TODAY
from test_site_live import Served, edit, served  # noqa: F401  (the fixture)

from generator.files.cache import Cache
from generator.load import load
from generator.site.serve import WhenResting

SALE = Path("data") / "interactions" / "2026" / "vente-site-auto-ecole-confluence.yaml"


def records_cache(repo: Path) -> dict:
    stored = Cache(repo, tracked=False).load("records")
    assert isinstance(stored, dict)
    return stored


def test_an_edit_leaves_the_records_cache_until_the_server_rests(served: Served) -> None:  # noqa: F811
    """The records cache is not written again after each edit (it costs more than the
    parse of the edited file): it is written once the server rests or stops, with the
    edit; and a later validate answers as a cold one, whether it was written or not."""
    cache_file = Cache(served.repo, tracked=False).path("records")
    before = cache_file.read_bytes()
    old_entry = records_cache(served.repo)[SALE.as_posix()]
    edit(served.repo / SALE, "subject: Site web /", "subject: Site web différé /")
    served.rebuild()
    assert cache_file.read_bytes() == before, "the whole cache was written after one edit"
    unsaved = load(served.repo, today=TODAY)  # a validate while the server runs: exact
    cold = load(served.repo, today=TODAY, use_cache=False)
    assert unsaved.problems == cold.problems
    assert unsaved.book is not None and cold.book is not None
    assert unsaved.book.interactions == cold.book.interactions

    served.memo.save()  # what the server does once it rests
    entry = records_cache(served.repo)[SALE.as_posix()]
    assert entry[0] != old_entry[0], "the edited file is cached with its old content"
    assert "Site web différé" in entry[3]
    warm = load(served.repo, today=TODAY)
    assert warm.problems == load(served.repo, today=TODAY, use_cache=False).problems
    assert warm.book is not None
    sale = next(e for e in warm.book.interactions.values() if e.path == SALE.as_posix())
    assert sale.record.subject.startswith("Site web différé")


def test_the_deferred_work_waits_for_a_pause_and_runs_at_the_stop() -> None:
    done: list[float] = []
    resting = WhenResting(lambda: done.append(time.monotonic()), delay=0.3)
    with resting.busy():
        pass
    with resting.busy():  # a second rebuild puts the work off again
        pass
    assert not done
    time.sleep(0.6)
    assert len(done) == 1, "the work did not run once the rebuilds paused"
    resting.stop()
    assert len(done) == 2
