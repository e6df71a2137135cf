"""The bundled example business: clean, rich enough for every later feature."""

from __future__ import annotations

import json
from collections import Counter

from conftest import ROOT, TODAY

from generator.load import load
from generator.schema.common import State


def test_example_validates_clean_in_strict_mode(carnet) -> None:
    result = carnet("validate", "--strict", "--format", "json", "--no-cache", repo=ROOT)
    assert result.exit_code == 0, result.output
    # the one info: the example's justified advice above a client's profile (Conformité)
    problems = json.loads(result.stdout)
    assert [p["code"] for p in problems] == ["kyc-justified"]


def test_example_is_rich_enough(example_repo) -> None:
    result = load(example_repo, today=TODAY, use_cache=False)
    book = result.book
    assert book is not None, [p.format_text() for p in result.problems]
    assert len(book.companies) >= 12
    kinds = Counter(e.record.kind for e in book.companies.values())
    assert {"client", "prospect", "supplier", "partner"} <= set(kinds)
    assert len(book.contacts) >= 25
    assert any(e.record.company is None for e in book.contacts.values()), "a private person"
    assert any(e.record.optin for e in book.contacts.values())
    assert any(e.record.bounces for e in book.contacts.values())
    assert len(book.projects) >= 6
    projects = [e.record for e in book.projects.values()]
    assert any(not p.public for p in projects), "a private project"
    assert sum(1 for p in projects if p.extranet and p.extranet.enabled) >= 2
    assert len(book.interactions) >= 80
    interactions = [e.record for e in book.interactions.values()]
    assert {i.kind for i in interactions} == {"sale", "purchase", "project", "support"}
    assert {i.state for i in interactions} == set(State)
    for kind in ("sale", "purchase", "project", "support"):
        assert len({i.type for i in interactions if i.kind == kind}) >= 3, kind
    assert any("local-321" in i.resources and i.recurrence for i in interactions)
    products = [e.record for e in book.products.values()]
    assert any(p.serial_tracked for p in products)
    assert any(p.nature == "service" for p in products)
    assert len(book.movements) >= 10


def test_summary_lists_records_and_open_work(carnet, example_repo) -> None:
    result = carnet("summary", repo=example_repo)
    assert result.exit_code == 0, result.output
    assert "Fiches" in result.stdout
    assert "interaction" in result.stdout
    assert "Benoît Martin" in result.stdout
    assert "0 erreur," in result.stdout
