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


def test_the_feeds_planned_in_one_pass_hold_what_each_scope_keeps() -> None:
    """Each feed holds, sorted, the timed interactions its scope keeps: all of them, a
    user's, those booking a resource, a project's (found in one pass, not one per feed)."""
    from conftest import ROOT

    from generator.calendars.feeds import plan_feeds

    book = load(ROOT, today=TODAY, use_cache=False).book
    assert book is not None
    timed = [e for e in book.interactions.values() if e.record.start is not None]
    keeps = {
        "all": lambda r, key: True,
        "user": lambda r, key: r.user == key,
        "resource": lambda r, key: key in r.resources,
        "project": lambda r, key: r.project == key,
    }
    feeds = plan_feeds(book)
    seen = set()
    for feed in feeds:
        expected = tuple(sorted(e.id for e in timed if keeps[feed.scope](e.record, feed.key)))
        assert feed.interactions == expected, feed.path
        if expected:
            seen.add(feed.scope)
    assert seen == set(keeps), "the example should fill a feed of every scope"
    assert len(feeds) == 1 + len(book.settings.users) + len(book.settings.resources) + len(
        book.projects
    )


def test_boards_and_lists_grouped_in_one_pass_hold_what_each_pipeline_keeps() -> None:
    """Every board holds its pipeline's open (or recently done) opportunities by stage and
    date, every list its pipeline's working interactions, newest first, whether the
    interactions are grouped once for all pipelines or not."""
    from functools import cache, partial

    from conftest import ROOT

    from generator.site import boards

    book = load(ROOT, today=TODAY, use_cache=False).book
    assert book is not None
    grouped = cache(partial(boards.by_pipeline, book))
    for kind, pipeline in book.settings.pipelines.items():
        ours = [e for e in book.interactions.values() if e.record.kind == kind]
        working = [e for e in ours if boards._on_working_list(book, e.record)]
        listed = boards.interaction_list(book, kind, grouped)
        assert listed["rows"] == sorted(working, key=lambda e: (e.record.date, e.id))[::-1]
        assert listed["archived"] == len(ours) - len(working)
        assert boards.interaction_list(book, kind) == listed
        open_ = [e for e in working if e.record.document is None]
        columns = [
            (
                stage,
                sorted((e for e in open_ if e.record.type == stage), key=lambda e: e.record.date),
            )
            for stage in pipeline.stages
        ]
        assert boards.board(book, kind, grouped)["columns"] == columns
        assert boards.board(book, kind) == boards.board(book, kind, grouped)
    assert all(boards.board(book, k)["columns"] for k in book.settings.pipelines)


def test_problems_are_placed_from_the_kept_tree_only_while_their_file_is_the_same(
    tmp_path: Path,
) -> None:
    """``carnet serve`` keeps the YAML trees that placed the last run's problems: a file
    unchanged is not composed again, a file edited is (its problem moves with its line)."""
    from generator.files.reading import locate
    from generator.problems import make_problem

    path = "data/companies/x.yaml"
    (tmp_path / "data" / "companies").mkdir(parents=True)
    (tmp_path / path).write_text("id: x\nname: X\nsiret: '123'\n", encoding="utf-8")
    problem = make_problem("field-unknown", path, line=0, column=0, loc=("siret",), key="siret")
    kept: dict = {}
    first = locate(tmp_path, [problem], "fr", kept)
    assert (first[0].line, first[0].column) == (3, 8)
    tree = kept[path][1]
    again = locate(tmp_path, [problem], "fr", kept)
    assert again == first and kept[path][1] is tree, "an unchanged file was composed again"
    (tmp_path / path).write_text("# moved\nid: x\nname: X\n\nsiret: '123'\n", encoding="utf-8")
    moved = locate(tmp_path, [problem], "fr", kept)
    assert (moved[0].line, moved[0].column) == (5, 8)
    assert locate(tmp_path, [problem], "fr") == moved  # as a run that keeps nothing


def test_kept_card_inputs_are_those_worked_out_again() -> None:
    """The inputs of interaction cards kept between stagings (the record pages' keys are
    made of them) are reused only while they are what the new Book gives: an interaction
    moved to another company, or a company gone, is worked out again."""
    from dataclasses import replace

    from conftest import ROOT
    from test_book_reuse import _records

    from generator.book.book import build_book
    from generator.site.depends import card_inputs, keep_cards, kept_cards

    book = load(ROOT, today=TODAY, use_cache=False).book
    assert book is not None
    memo: dict = {}

    def staging(book) -> dict:
        kept = kept_cards(book, memo)
        for interaction_id, inputs in kept.items():
            assert inputs == card_inputs(book, interaction_id), interaction_id
        cards = dict(kept)
        for interaction_id in book.interactions:
            cards.setdefault(interaction_id, card_inputs(book, interaction_id))
        keep_cards(book, memo, cards)
        return kept

    assert staging(book) == {}
    assert len(staging(book)) >= len(book.interactions) - len(book.renewals) - 5
    records = _records(book)
    interactions = records.by_kind["interaction"]
    moved = next(e for e in interactions.values() if e.record.company and not e.record.renews)
    other = next(c for c in records.by_kind["company"] if c != moved.record.company)
    interactions[moved.id] = replace(
        moved, record=moved.record.model_copy(update={"company": other})
    )
    kept = staging(build_book(records, book.today))
    assert moved.id not in kept and len(kept) > len(book.interactions) // 2
    # settings whose pipeline has no won stage: no contract to renew; then won again,
    # every record the same object: the contracts' cards follow their renewals again
    contract = next(c for c in book.renewals if not book.renewals[c].renewed_by)
    kind = interactions[contract].record.kind
    pipelines = dict(book.settings.pipelines)
    pipelines[kind] = pipelines[kind].model_copy(update={"won": None})
    unwon = book.settings.model_copy(update={"pipelines": pipelines})
    records.settings = unwon
    unwon_book = build_book(records, book.today)
    assert contract not in unwon_book.renewals
    staging(unwon_book)
    records.settings = book.settings
    staging(build_book(records, book.today))
    gone = next(e.record.company for e in interactions.values() if e.record.company != other)
    del records.by_kind["company"][gone]
    records.ids["company"].discard(gone)
    staging(build_book(records, book.today))
    # a contract renewed by another interaction: its card now follows that one too
    contract = next(iter(book.renewals))
    renewing = next(
        e
        for e in interactions.values()
        if e.id != contract and not e.record.renews and e.id not in book.renewals
    )
    interactions[renewing.id] = replace(
        renewing, record=renewing.record.model_copy(update={"renews": contract})
    )
    renewed = build_book(records, book.today)
    assert renewing.id in renewed.renewals[contract].renewed_by
    staging(renewed)
