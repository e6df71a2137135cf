"""The checks of the records alone, run in a forked child while the Book is built
(generator/checks/early.py), give what one process gives: the same problems, in the same
order, on a generated repository with an error for each of those checks."""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import pytest

from generator.book.book import build_book
from generator.book.intake import parse_records
from generator.book.records import Records
from generator.book.variants import index_book
from generator.checks import CHECKS, run_checks
from generator.checks.early import RECORD_CHECKS, EarlyChecks, start_early_checks
from generator.files.cache import Cache
from generator.files.reading import read_sources
from generator.load import load, load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import generate

TODAY = date(2026, 11, 25)

BROKEN = {
    # one problem for each record check, besides those the generator seeds
    "companies/zz-siren-faux.yaml": "name: Z\nkind: client\nsiren: '123456789'\n",
    "companies/zz-interet.yaml": "name: Z\nkind: client\ninterests: [astronomie]\n",
    "interactions/2026/zz-etape.yaml": (
        "kind: sale\ntype: Inconnue\nuser: benoit\nsubject: S\ndate: 2026-01-02\n"
    ),
    "stock/products/zz-tva.yaml": (
        "name: Z\nunit: heure\nprice: 10\nvat_rate: 7\nstock_managed: false\nnature: service\n"
    ),
    "interactions/2026/zz-fin.yaml": (
        'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: S\ndate: 2026-01-05\n'
        "start: 2026-01-05T10:00\nend: 2026-01-05T09:00\n"
    ),
    "interactions/2026/zz-media.yaml": (
        'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: S\ndate: 2026-01-03\n'
        "media: Pigeon\ncontact: zz-inconnu\n"
    ),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated repository above the size at which the checks are shared, with its
    seeded errors and those of :data:`BROKEN`."""
    root = tmp_path_factory.mktemp("early")
    generate.generate(root, scale=0.1)
    for rel, text in BROKEN.items():
        path = root / "data" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    contact = next(
        path
        for path in sorted((root / "data" / "contacts").glob("*.yaml"))
        if "\ncompany: " in path.read_text(encoding="utf-8")
    )
    companies = sorted((root / "data" / "companies").glob("*.yaml"))
    elsewhere = companies[-1].stem
    (root / "data" / "projects" / "zz-extranet.yaml").write_text(
        f"title: Z\nstart: 2026-01-01\ncompanies:\n  - {{id: {companies[0].stem}, role: client}}\n"
        "extranet: {enabled: true, password_env: CARNET_EXTRANET_ZZ, kinds: [sale]}\n",
        encoding="utf-8",
    )
    (root / "data" / "interactions" / "2026" / "zz-hors-projet.yaml").write_text(
        'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: S\ndate: 2026-01-06\n'
        f"company: {elsewhere}\nproject: zz-extranet\ndocument:\n  kind: invoice\n"
        "  number: F2026-9999\n  issued: 2026-01-06\n"
        "  lines:\n    - {description: X, quantity: 1, unit_price: 10, vat_rate: 20}\n",
        encoding="utf-8",
    )
    (root / "data" / "interactions" / "2026" / "zz-double.yaml").write_text(
        'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: S\ndate: 2026-01-07\n'
        f"company: {elsewhere}\ndocument:\n  kind: invoice\n"
        "  number: F2026-9999\n  issued: 2026-01-07\n"
        "  lines:\n    - {description: Y, quantity: 1, unit_price: 10, vat_rate: 20}\n",
        encoding="utf-8",
    )
    (root / "data" / "interactions" / "2026" / "zz-ailleurs.yaml").write_text(
        'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: S\n'
        f"date: 2026-01-04\ncontact: {contact.stem}\ncompany: {elsewhere}\n",
        encoding="utf-8",
    )
    return root


def _records(repo: Path) -> Records:
    settings, _ = load_settings(repo)
    sources = read_sources(repo, None, jobs=1)
    records, _, _ = parse_records(
        sources, Cache(None, tracked=False), settings, "fr", 1, write_cache=False
    )
    return records


def test_a_shared_run_prints_what_a_serial_run_prints(repo: Path) -> None:
    shared = load(repo, today=TODAY, use_cache=False, need_book=False, jobs=2)
    serial = load(repo, today=TODAY, use_cache=False, need_book=False, jobs=1)
    assert [p.to_data() for p in shared.problems] == [p.to_data() for p in serial.problems]
    codes = {p.code for p in serial.problems}
    found = {
        "ref-unknown",
        "stage-invalid",
        "list-value-unknown",
        "contact-company-mismatch",
        "vat-rate-unknown",
        "dates-order",
        "document-outside-project",
        "number-duplicate",
    }
    assert found <= codes, found - codes


def test_the_child_finds_each_record_check_s_problems_in_order(repo: Path) -> None:
    records = _records(repo)
    early = start_early_checks(records, TODAY, jobs=2)
    assert early is not None
    found = early.problems()
    book = build_book(records, TODAY)
    assert set(found) == set(RECORD_CHECKS)
    for check in RECORD_CHECKS:
        assert found[check] == check(book), check.__name__
    assert all(found[check] for check in RECORD_CHECKS)  # each has something to say
    assert run_checks(book, jobs=2, early=found) == run_checks(book, jobs=1)


def test_the_index_holds_the_book_s_records_in_the_book_s_order(repo: Path) -> None:
    records = _records(repo)
    book, index = build_book(records, TODAY), index_book(records, TODAY)
    for kind in ("company", "contact", "project", "interaction", "product", "movement"):
        assert list(index.by_kind(kind)) == list(book.by_kind(kind))
        assert list(index.by_kind(kind).values()) == list(book.by_kind(kind).values())
    assert index.ids == book.ids and index.files == book.files and index.lang == book.lang


def test_record_checks_are_checks_and_small_runs_stay_in_one_process(repo: Path) -> None:
    assert set(RECORD_CHECKS) <= set(CHECKS)
    records = _records(repo)
    assert start_early_checks(records, TODAY, jobs=1) is None


def test_a_child_that_dies_leaves_every_check_to_this_process(repo: Path) -> None:
    context = get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=os._exit, args=(3,))
    child.start()
    sender.close()
    assert EarlyChecks(child, receiver).problems() == {}
    assert child.exitcode == 3
    book = build_book(_records(repo), TODAY)
    assert run_checks(book, jobs=1, early={}) == run_checks(book, jobs=1)


def test_a_child_still_running_is_ended_when_nobody_waits() -> None:
    context = get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=time.sleep, args=(60,), daemon=True)
    child.start()
    sender.close()
    started = time.monotonic()
    EarlyChecks(child, receiver).close()
    assert not child.is_alive() and time.monotonic() - started < 10
