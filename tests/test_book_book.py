"""The Book: indexes and computed views, built from inline YAML."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.testing import book_from_yaml, load_yaml

RECORDS = {
    "data/companies/mes-beaux-sapins.yaml": (
        'name: Mes Beaux Sapins\nkind: client\nsiren: "552100554"\n'
    ),
    "data/companies/pepinieres.yaml": "name: Pépinières du Rhône\nkind: supplier\n",
    "data/contacts/jeanne-sapin.yaml": "first_name: Jeanne\nlast_name: Sapin\ncompany: mes-beaux-sapins\n",
    "data/projects/sapins-2026.yaml": "title: Extranet client / Mes Beaux Sapins\n",
    "data/interactions/2026/devis.yaml": """\
        kind: sale
        type: "Vente - 3 - Devis"
        user: benoit
        subject: Sapins / Nordmann 2 m / Mes Beaux Sapins
        date: 2026-03-21
        contact: jeanne-sapin
        company: mes-beaux-sapins
        project: sapins-2026
        budget: 1500.00
        state: in_progress
    """,
    "data/interactions/2026/relance.yaml": """\
        kind: sale
        type: "Vente - 3 - Devis"
        user: claire
        subject: Sapins / Épicéas / Mes Beaux Sapins
        date: 2026-02-01
        company: mes-beaux-sapins
        budget: 250.10
        state: open
    """,
    "data/interactions/2025/facture.yaml": """\
        kind: sale
        type: "Vente - 6 - Gagné"
        user: benoit
        subject: Facture sapins
        date: 2025-12-01
        company: mes-beaux-sapins
        state: done
        document:
          kind: invoice
          lines: [{description: Sapin, quantity: 2, unit_price: 45.00, vat_rate: 20}]
    """,
    "data/stock/products/nordmann-200.yaml": "name: Sapin\nprice: 45.00\nvat_rate: 20\nstock_managed: true\nsupplier: pepinieres\n",
    "data/stock/movements/2026/in-1.yaml": """\
        direction: in
        date: 2026-02-01
        status: validated
        lines: [{product: nordmann-200, quantity: 50}]
    """,
    "data/stock/movements/2026/out-1.yaml": """\
        direction: out
        date: 2026-03-01
        status: validated
        lines: [{product: nordmann-200, quantity: 12.5}]
    """,
    "data/stock/movements/2026/out-draft.yaml": """\
        direction: out
        date: 2026-03-02
        status: draft
        lines: [{product: nordmann-200, quantity: 30}]
    """,
}


@pytest.fixture(scope="module")
def book():
    return book_from_yaml(RECORDS)


def test_indexes_are_sorted_by_date(book) -> None:
    assert book.interactions_by_company["mes-beaux-sapins"] == ("facture", "relance", "devis")
    assert book.interactions_by_contact["jeanne-sapin"] == ("devis",)
    assert book.interactions_by_project["sapins-2026"] == ("devis",)
    assert book.interactions_by_user["benoit"] == ("facture", "devis")
    assert book.contacts_by_company["mes-beaux-sapins"] == ("jeanne-sapin",)


def test_documents_are_not_opportunities(book) -> None:
    assert book.documents == ("facture",)
    assert set(book.opportunities) == {"devis", "relance"}


def test_pipeline_totals_count_opportunities_per_stage(book) -> None:
    totals = {t.stage: t for t in book.pipeline_totals["sale"]}
    assert totals["Vente - 3 - Devis"].count == 2
    assert totals["Vente - 3 - Devis"].amount == Decimal("1750.10")
    assert totals["Vente - 6 - Gagné"].count == 0
    assert book.pipeline_totals["sale"][0].stage == "Vente - 1 - Prise de contact"


def test_stock_on_hand_counts_validated_movements_only(book) -> None:
    assert book.stock_on_hand["nordmann-200"] == Decimal("37.5")


def test_book_is_frozen(book) -> None:
    with pytest.raises((AttributeError, TypeError)):
        book.today = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        book.companies["x"] = None  # type: ignore[index]
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        book.companies["mes-beaux-sapins"].record.name = "Autre"


def test_open_interactions_by_user(book) -> None:
    assert book.open_interactions_by_user() == {"benoit": 1, "claire": 1}


def test_no_book_when_there_are_errors() -> None:
    broken = dict(RECORDS)
    broken["data/contacts/x.yaml"] = "last_name: X\ncompany: nowhere\n"
    result = load_yaml(broken)
    assert result.book is None
    assert [p.code for p in result.problems if p.severity != "info"] == ["ref-unknown"]


def test_datetimes_are_in_the_settings_timezone() -> None:
    files = dict(RECORDS)
    files["data/interactions/2026/atelier.yaml"] = """\
        kind: project
        type: "Projet - 1 - À faire"
        user: benoit
        subject: Atelier
        date: 2026-06-01
        start: 2026-06-01T09:00
        end: 2026-06-01T17:00
        state: open
    """
    book = book_from_yaml(files)
    start = book.interactions["atelier"].record.start
    assert start.utcoffset().total_seconds() == 7200
