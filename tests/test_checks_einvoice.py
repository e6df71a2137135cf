"""E-invoice rules found by ``carnet validate`` before a document is issued: each one
located on the line or key to fix, in French and in English, each one what the EN 16931 or
French CTC schematron would reject; the VAT franchise's defaults (category E, 0 %)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from einvoice_check import check, compile_all
from test_documents_facturx import EXEMPT, EXEMPT_SETTINGS, PARTIES, SALES, SETTINGS, interaction

from generator.book.variants import with_entry
from generator.checks.einvoice import check_einvoice
from generator.documents.facturx.cii import invoice_xml
from generator.problems import Severity
from generator.schema.common import VatCategory
from generator.testing import book_from_yaml, load_yaml

FAULTY = {
    **PARTIES,
    "data/companies/sans-siren.yaml": "name: Sans Siren\nkind: client\n",
    "data/companies/annuaire.yaml": (
        'name: Annuaire\nkind: client\nsiren: "552100554"\neinvoice_address: "732829320_X"\n'
    ),
    "data/companies/berlin.yaml": (
        "name: Tannenbaum GmbH\nkind: client\nemail: r@tannenbaum.example\n"
        "address: {street: Unter den Linden 1, postcode: '10117', city: Berlin, country: DE}\n"
    ),
    "data/interactions/2026/zero.yaml": interaction(
        "Zéro",
        "2026-11-20",
        "kind: invoice\nlines:\n"
        "  - {description: Conseil, quantity: 1, unit_price: 100}\n"
        "  - {description: Livres, quantity: 1, unit_price: 10, vat_rate: 0}\n",
    ),
    "data/interactions/2026/devis.yaml": interaction(
        "Devis",
        "2026-11-20",
        "kind: quote\nlines:\n  - {description: Livres, quantity: 1, unit_price: 10, vat_rate: 0}\n",
    ),
    "data/interactions/2026/achat.yaml": interaction(
        "Achat",
        "2026-11-20",
        "kind: purchase_order\nlines:\n  - {description: Stylos, quantity: 1, unit_price: 10, vat_rate: 0}\n",
    ),
    "data/interactions/2026/sans-siren.yaml": interaction(
        "Sans SIREN",
        "2026-11-20",
        "kind: invoice\nlines:\n  - {description: Conseil, quantity: 1, unit_price: 100}\n",
        "company: sans-siren",
    ),
    "data/interactions/2026/annuaire.yaml": interaction(
        "Annuaire",
        "2026-11-20",
        "kind: invoice\nlines:\n  - {description: Conseil, quantity: 1, unit_price: 100}\n",
        "company: annuaire",
    ),
    "data/interactions/2026/intracom.yaml": interaction(
        "Intracom",
        "2026-11-20",
        "kind: invoice\nlines:\n"
        "  - {description: Sapins, quantity: 1, unit_price: 100, vat_rate: 0, vat_category: K}\n",
        "company: berlin",
    ),
    "data/interactions/2026/personne.yaml": interaction(
        "Personne",
        "2026-11-20",
        "kind: invoice\nlines:\n  - {description: Conseil, quantity: 1, unit_price: 100}\n",
        "document_ref: ABC-12",
    ),
}


def found(problems) -> set[tuple[str, str, int, str]]:
    return {(p.code, p.path, p.line, str(p.severity)) for p in problems if p.column}


def test_each_rule_is_an_error_located_on_what_to_fix() -> None:
    result = load_yaml(FAULTY, settings=SETTINGS)
    assert result.book is None  # errors: every command that writes refuses to start
    ours = [p for p in result.problems if p.code.startswith(("einvoice-", "franchise-"))]
    folder = "data/interactions/2026"
    assert found(ours) == {
        # the key or line to fix: 0 % in category S, on the line's vat_rate
        ("einvoice-zero-rate-standard", f"{folder}/zero.yaml", 12, "error"),
        ("einvoice-zero-rate-standard", f"{folder}/devis.yaml", 11, "error"),
        # the buyer's company is named on the interaction's « company » key
        ("einvoice-buyer-siren", f"{folder}/sans-siren.yaml", 7, "error"),
        ("einvoice-buyer-address", f"{folder}/sans-siren.yaml", 7, "error"),
        ("einvoice-buyer-directory", f"{folder}/annuaire.yaml", 7, "error"),
        ("einvoice-buyer-vat", f"{folder}/intracom.yaml", 11, "error"),
        ("einvoice-buyer-missing", f"{folder}/personne.yaml", 9, "error"),
    }
    by_code = {p.code: p for p in ours}
    zero = by_code["einvoice-zero-rate-standard"]
    assert "ligne 2 : TVA à 0 % en catégorie normale S" in zero.message
    assert "vat_category: Z" in zero.hint
    siren = by_code["einvoice-buyer-siren"]
    assert "data/companies/sans-siren.yaml" in siren.message
    assert "ajoutez siren" in siren.hint and "data/companies/sans-siren.yaml" in siren.hint
    assert "K" in by_code["einvoice-buyer-vat"].message


def test_rules_speak_english() -> None:
    result = load_yaml(FAULTY, settings=SETTINGS, lang="en")
    texts = {p.code: (p.message, p.hint) for p in result.problems}
    assert texts["einvoice-zero-rate-standard"][0].endswith(
        "line 2: 0 % VAT in the standard category S (e-invoice rule BR-S-05)"
    )
    assert "add siren (9 digits)" in texts["einvoice-buyer-siren"][1]


def test_seller_and_currency_faults_are_on_the_settings() -> None:
    settings = SETTINGS.replace('  siret: "73282932000074"\n', "").replace(
        "  vat_number: FR44732829320\n", ""
    )
    files = {k: v for k, v in SALES.items() if "interactions" not in k or "brouillon" in k}
    result = load_yaml(files, settings=settings + "currency: CHF\n")
    ours = sorted(
        (p.code, p.path, p.loc) for p in result.problems if p.code.startswith("einvoice-")
    )
    assert ours == [
        ("einvoice-currency", "data/settings.yaml", ("currency",)),
        ("einvoice-seller-siren", "data/settings.yaml", ("firm",)),
        ("einvoice-seller-vat-number", "data/settings.yaml", ("firm",)),
    ]


ISSUED_ZERO = interaction(
    "Livres",
    "2026-03-02",
    "kind: invoice\nnumber: F2026-0001\nissued: 2026-03-02\n"
    "lines:\n  - {description: Livres, quantity: 1, unit_price: 10, vat_rate: 0}\n",
)


def test_an_issued_invoice_keeps_a_warning_that_only_a_credit_note_corrects() -> None:
    """Frozen, it cannot be fixed: a warning (an error would stop every command, the
    credit note included); ``--strict`` (CI) fails on it."""
    files = {**PARTIES, "data/interactions/2026/livres.yaml": ISSUED_ZERO}
    result = load_yaml(files, settings=SETTINGS)
    ours = [p for p in result.problems if p.code == "einvoice-zero-rate-standard"]
    assert [(p.path, p.line, p.severity) for p in ours] == [
        ("data/interactions/2026/livres.yaml", 13, Severity.WARNING)
    ]
    assert ours[0].message.startswith("F2026-0001 (émis : figé, seul un avoir le corrige), ligne 1")
    assert result.book is not None


# --- each rule is what a schematron rejects ----------------------------------------------


@pytest.fixture(scope="module")
def sales():
    compile_all()
    return book_from_yaml(SALES, settings=SETTINGS)


def _changed(entry, **update):
    return replace(entry, record=entry.record.model_copy(update=update))


def _findings(book, key: str) -> str:
    return "\n".join(check(invoice_xml(book, key)))


def test_the_rules_match_the_schematrons(sales) -> None:
    assert check_einvoice(sales) == []
    assert _findings(sales, "facture") == ""

    company = sales.companies["sapins"]
    book = with_entry(sales, _changed(company, siret=None))
    codes = {(p.path.rpartition("/")[2], p.code) for p in check_einvoice(book)}
    assert ("facture.yaml", "einvoice-buyer-siren") in codes
    assert ("facture.yaml", "einvoice-buyer-address") not in codes  # its contact's e-mail
    assert ("acompte.yaml", "einvoice-buyer-address") in codes  # no contact: no address
    assert "BR-FR-11" in _findings(book, "facture")
    assert "BR-FR-12" in _findings(book, "acompte")

    company = sales.companies["btp"]
    book = with_entry(sales, _changed(company, einvoice_address="999999999_X"))
    assert {p.code for p in check_einvoice(book)} == {"einvoice-buyer-directory"}
    assert "BR-FR-21" in _findings(book, "chantier")

    entry = sales.interactions["facture"]
    doc = entry.record.document
    lines = [*doc.lines[:2], doc.lines[2].model_copy(update={"vat_rate": Decimal(0)})]
    book = with_entry(sales, _changed(entry, document=doc.model_copy(update={"lines": lines})))
    assert {p.code for p in check_einvoice(book)} == {"einvoice-zero-rate-standard"}
    assert "BR-S-05" in _findings(book, "facture")


# --- the VAT franchise --------------------------------------------------------------------


def test_franchise_lines_default_to_exempt_at_zero() -> None:
    book = book_from_yaml(EXEMPT, settings=EXEMPT_SETTINGS)
    typed, untyped = book.interactions["franchise"].record.document.lines
    assert (typed.vat_category, typed.vat_rate) == (VatCategory.EXEMPT, 0)
    assert (untyped.vat_category, untyped.vat_rate) == (VatCategory.EXEMPT, 0)
    totals = book.document_totals["franchise"]
    assert (totals.net, totals.tax) == (Decimal("807.35"), Decimal(0))


def test_franchise_firm_charging_vat_is_an_error() -> None:
    files = {
        **PARTIES,
        "data/interactions/2026/cours.yaml": interaction(
            "Cours",
            "2026-11-20",
            "kind: quote\nlines:\n"
            "  - {description: Cours, quantity: 1, unit_price: 100, vat_rate: 20}\n"
            "  - {description: Livre, quantity: 1, unit_price: 10}\n",
        ),
        "data/interactions/2026/achat.yaml": interaction(  # the supplier's VAT: fine
            "Achat",
            "2026-11-20",
            "kind: purchase_order\nlines:\n  - {description: Papier, quantity: 1, unit_price: 10}\n",
        ),
    }
    result = load_yaml(files, settings=EXEMPT_SETTINGS)
    ours = [p for p in result.problems if p.code.startswith(("einvoice-", "franchise-"))]
    assert [(p.code, p.path, p.line) for p in ours] == [
        ("franchise-vat-charged", "data/interactions/2026/cours.yaml", 11)
    ]
    assert "TVA à 20 % facturée" in ours[0].message
    assert "firm.vat_exempt" in ours[0].hint
    files["data/interactions/2026/cours.yaml"] = files["data/interactions/2026/cours.yaml"].replace(
        ", vat_rate: 20}", "}"
    )
    book = book_from_yaml(files, settings=EXEMPT_SETTINGS)
    purchase = book.interactions["achat"].record.document.lines[0]
    assert (purchase.vat_category, purchase.vat_rate) == (VatCategory.STANDARD, 20)
