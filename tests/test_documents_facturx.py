"""Factur-X EN 16931 e-invoices: every kind of invoice and credit note passes the XSD, the
EN 16931 schematron and the French CTC schematron (run locally with saxonche), and says
what the French rules ask for; the XML embeds into a PDF/A-3b."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from einvoice_check import check, compile_all
from lxml import etree

from generator.documents.facturx.cii import embed, invoice_data, invoice_xml
from generator.documents.facturx.codes import unit_code
from generator.problems import Refused
from generator.testing import MINIMAL_SETTINGS, book_from_yaml

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
SETTINGS = MINIMAL_SETTINGS.replace(
    "  iban: FR7630006000011234567890189\n",
    "  iban: FR7630006000011234567890189\n  bic: AGRIFRPP\n  legal_form: SARL\n"
    "  capital: 10000\n  rcs: RCS Paris\n",
)
HEAD = 'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nstate: done\n'

PARTIES = {
    "data/companies/sapins.yaml": """\
        name: Mes Beaux Sapins
        kind: client
        siret: "73464097200042"
        vat_number: FR90734640972
        address: {street: 45 route de Genas, postcode: "69500", city: Bron, country: FR}
        delivery_address: {street: 3 rue des Frênes, postcode: "69680", city: Chassieu, country: FR}
    """,
    "data/companies/btp.yaml": """\
        name: Bâtiments du Rhône
        kind: client
        siren: "552100554"
        address: {street: 2 quai Perrache, postcode: "69002", city: Lyon, country: FR}
    """,
    "data/contacts/jeanne.yaml": (
        "first_name: Jeanne\nlast_name: Sapin\ncompany: sapins\nemail: jeanne@example.fr\n"
    ),
    "data/contacts/lucie.yaml": """\
        civility: Mme
        first_name: Lucie
        last_name: Faure
        email: lucie.faure@example.org
        address: {street: 8 rue Mercière, postcode: "69002", city: Lyon, country: FR}
    """,
    "data/stock/products/nordmann.yaml": (
        "name: Sapin Nordmann 2 m\nreference: NORD-200\nprice: 45\nvat_rate: 20\nnature: goods\n"
    ),
    "data/stock/products/terreau.yaml": (
        "name: Terreau 40 l\nunit: sac\nprice: 7.35\nvat_rate: 5.5\nnature: goods\n"
    ),
    "data/stock/products/pose.yaml": (
        "name: Pose\nunit: heure\nprice: 50\nvat_rate: 20\nnature: service\n"
    ),
}


def interaction(subject: str, day: str, document: str, party: str = "company: sapins") -> str:
    """An interaction YAML with its document block (indented under ``document:``)."""
    body = "\n".join("  " + line for line in document.strip("\n").splitlines())
    return f"{HEAD}subject: {subject}\ndate: {day}\n{party}\ndocument:\n{body}\n"


ORDER_LINES = """\
  - {product: nordmann, description: Sapin Nordmann 2 m, quantity: 100, unit_price: 45, vat_rate: 20}
  - {product: terreau, quantity: 200, unit: sac, unit_price: 27.5, vat_rate: 5.5}
"""  # 4 500,00 + 5 500,00 = 10 000,00 € HT

SALES = {
    **PARTIES,
    "data/interactions/2026/facture.yaml": interaction(
        "Sapins",
        "2026-03-25",
        """\
kind: invoice
number: F2026-0001
issued: 2026-03-25
due: 2026-04-24
lines:
  - {product: nordmann, quantity: 10, unit_price: 45, vat_rate: 20, discount: 10}
  - {product: terreau, quantity: 3, unit: sac, unit_price: 7.35, vat_rate: 5.5}
  - {description: Livraison, comment: "Chassieu, le 24 mars", quantity: 1, unit_price: 30, vat_rate: 20}
""",
        "company: sapins\ncontact: jeanne",
    ),
    "data/interactions/2026/commande.yaml": interaction(
        "Commande sapins",
        "2026-03-30",
        f"kind: order\nnumber: C2026-0001\nissued: 2026-03-30\nlines:\n{ORDER_LINES}",
    ),
    "data/interactions/2026/acompte.yaml": interaction(
        "Acompte 30 %",
        "2026-04-01",
        """\
kind: deposit_invoice
number: F2026-0002
issued: 2026-04-01
due: 2026-04-15
order: commande
part: {label: Acompte 30 %, percent: 30}
lines:
  - {description: Facturation partielle, comment: "Commande C2026-0001 du 30 mars 2026", quantity: 1, unit_price: 1350, vat_rate: 20}
  - {description: Facturation partielle, comment: "Commande C2026-0001 du 30 mars 2026", quantity: 1, unit_price: 1650, vat_rate: 5.5}
""",
    ),
    "data/interactions/2026/versement.yaml": interaction(
        "Versement 40 %",
        "2026-05-01",
        """\
kind: intermediate_invoice
number: F2026-0003
issued: 2026-05-01
due: 2026-05-31
order: commande
part: {label: Versement 40 %, percent: 40}
lines:
  - {description: Facturation partielle, quantity: 1, unit_price: 1800, vat_rate: 20}
  - {description: Facturation partielle, quantity: 1, unit_price: 2200, vat_rate: 5.5}
""",
    ),
    "data/interactions/2026/solde.yaml": interaction(
        "Solde",
        "2026-06-01",
        f"""\
kind: balance_invoice
number: F2026-0004
issued: 2026-06-01
due: 2026-07-01
order: commande
part: {{label: Solde, percent: 30}}
lines:
{ORDER_LINES}  - {{description: Acompte F2026-0002 du 1 avril 2026, quantity: 1, unit_price: -1350, vat_rate: 20}}
  - {{description: Acompte F2026-0002 du 1 avril 2026, quantity: 1, unit_price: -1650, vat_rate: 5.5}}
  - {{description: Acompte F2026-0003 du 1 mai 2026, quantity: 1, unit_price: -1800, vat_rate: 20}}
  - {{description: Acompte F2026-0003 du 1 mai 2026, quantity: 1, unit_price: -2200, vat_rate: 5.5}}
""",
    ),
    "data/interactions/2026/avoir.yaml": interaction(
        "Avoir sapins abîmés",
        "2026-04-02",
        """\
kind: credit_note
number: F2026-0005
issued: 2026-06-02
corrects: facture
lines:
  - {product: nordmann, description: Sapins abîmés, quantity: 2, unit_price: 40.5, vat_rate: 20}
""",
    ),
    "data/interactions/2026/chantier.yaml": interaction(
        "Pose en sous-traitance",
        "2026-06-10",
        """\
kind: invoice
number: F2026-0006
issued: 2026-06-10
due: 2026-07-10
lines:
  - {product: pose, quantity: 12, unit: heure, unit_price: 50, vat_rate: 20, vat_category: AE}
  - {product: nordmann, quantity: 2, unit_price: 45, vat_rate: 20}
""",
        "company: btp",
    ),
    "data/interactions/2026/boutique.yaml": interaction(
        "Sapin pour Mme Faure",
        "2026-12-05",
        """\
kind: invoice
number: F2026-0007
issued: 2026-12-05
lines:
  - {product: nordmann, quantity: 1, unit_price: 45, vat_rate: 20}
  - {product: pose, quantity: 0.5, unit: heure, unit_price: 50, vat_rate: 20}
payments:
  - {date: 2026-12-05, amount: 84.00, method: carte}
""",
        "contact: lucie",
    ),
    "data/interactions/2026/brouillon.yaml": interaction(
        "Brouillon",
        "2026-12-10",
        "kind: invoice\nissued: 2026-12-10\nlines:\n  - {description: Conseil, quantity: 1, unit_price: 100}\n",
    ),
}

EXEMPT_SETTINGS = SETTINGS.replace("  vat_number: FR44732829320\n", "  vat_exempt: true\n")
EXEMPT = {
    **PARTIES,
    "data/interactions/2026/franchise.yaml": interaction(
        "Formation",
        "2026-05-12",
        """\
kind: invoice
number: F2026-0001
issued: 2026-05-12
due: 2026-06-11
lines:
  - {description: Formation WordPress, quantity: 2, unit: jour, unit_price: 400, vat_rate: 0, vat_category: E}
  - {product: terreau, quantity: 1, unit_price: 7.35}
""",
    ),
}

DEBITS_SETTINGS = SETTINGS + "invoicing: {vat_on_debits: true, payment_terms_days: 45}\n"
DEBITS = {
    **PARTIES,
    "data/interactions/2026/debits.yaml": interaction(
        "Maintenance",
        "2026-09-01",
        """\
kind: invoice
number: F2026-0001
issued: 2026-09-01
lines:
  - {product: pose, quantity: 3, unit: heure, unit_price: 50, vat_rate: 20}
  - {description: Abonnement maintenance, quantity: 1, unit: mois, unit_price: 120, vat_rate: 10}
""",
    ),
}


@pytest.fixture(scope="session", autouse=True)
def schematrons() -> None:
    """Compile both schematron XSLTs once per test process (the EN 16931 one is large)."""
    compile_all()


@pytest.fixture(scope="module")
def sales():
    return book_from_yaml(SALES, settings=SETTINGS)


@pytest.fixture(scope="module")
def exempt():
    return book_from_yaml(EXEMPT, settings=EXEMPT_SETTINGS)


@pytest.fixture(scope="module")
def debits():
    return book_from_yaml(DEBITS, settings=DEBITS_SETTINGS)


def xml_of(book, key: str) -> etree._Element:
    """The e-invoice of ``key``, after asserting it passes the XSD and both schematrons."""
    xml = invoice_xml(book, key)
    assert check(xml) == []
    return etree.fromstring(xml)


def one(root: etree._Element, path: str) -> str:
    values = root.xpath(path, namespaces=NS)
    assert len(values) == 1, (path, values)
    value = values[0]
    return value if isinstance(value, str) else value.text


def many(root: etree._Element, path: str) -> list[str]:
    return [v if isinstance(v, str) else v.text for v in root.xpath(path, namespaces=NS)]


HEADER = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMS = f"{HEADER}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
SELLER = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
BUYER = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty"
LINES = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"


def note(root: etree._Element, subject: str) -> str:
    return one(
        root, f"rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode='{subject}']/ram:Content"
    )


def assert_totals(root: etree._Element, book, key: str) -> None:
    """Header amounts and the per-rate breakdown are Book.document_totals, to the cent."""
    totals = book.document_totals[key]
    assert Decimal(one(root, f"{SUMS}/ram:LineTotalAmount")) == sum(totals.line_nets)
    assert Decimal(one(root, f"{SUMS}/ram:TaxBasisTotalAmount")) == totals.net
    assert Decimal(one(root, f"{SUMS}/ram:TaxTotalAmount")) == totals.tax
    assert Decimal(one(root, f"{SUMS}/ram:GrandTotalAmount")) == totals.gross
    nets = [Decimal(x) for x in many(root, f"{LINES}//ram:LineTotalAmount")]
    assert nets == list(totals.line_nets)
    standard = {
        (Decimal(one(t, "ram:RateApplicablePercent")), Decimal(one(t, "ram:BasisAmount")))
        for t in root.xpath(f"{HEADER}/ram:ApplicableTradeTax[ram:CategoryCode='S']", namespaces=NS)
    }
    assert standard == {(v.rate, v.base) for v in totals.breakdown if v.category == "S"}
    taxes = [
        Decimal(x) for x in many(root, f"{HEADER}/ram:ApplicableTradeTax/ram:CalculatedAmount")
    ]
    assert sum(taxes) == totals.tax


def assert_seller(root: etree._Element) -> None:
    assert one(root, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == "0002"
    assert one(root, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID") == "732829320"
    assert one(root, f"{SELLER}/ram:GlobalID[@schemeID='0009']") == "73282932000074"
    assert one(root, f"{SELLER}/ram:URIUniversalCommunication/ram:URIID") == "732829320"
    assert one(root, f"{SELLER}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == "0225"


def assert_payment_mentions(root: etree._Element) -> None:
    assert note(root, "PMD") == "Pénalités de retard : trois fois le taux d'intérêt légal"
    assert note(root, "AAB") == "Pas d'escompte pour paiement anticipé"
    assert note(root, "PMT")


# --- one test per kind of document ------------------------------------------------------


def test_plain_invoice_mixing_rates_for_a_company(sales) -> None:
    root = xml_of(sales, "facture")
    assert one(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert one(root, "rsm:ExchangedDocument/ram:ID") == "F2026-0001"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "M1"
    assert_payment_mentions(root)
    assert "40,00" in note(root, "PMT")
    assert note(root, "BAR") == "B2B"
    assert_seller(root)
    assert (
        one(root, f"{SELLER}/ram:Description") == "SARL — capital 10\u202f000,00\xa0€ — RCS Paris"
    )
    assert one(root, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID") == "734640972"
    assert one(root, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == "0002"
    assert one(root, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID") == "734640972"
    assert one(root, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == "0225"
    assert one(root, f"{BUYER}/ram:DefinedTradeContact/ram:PersonName") == "Jeanne Sapin"
    assert_totals(root, sales, "facture")
    rates = sorted(many(root, f"{HEADER}/ram:ApplicableTradeTax/ram:RateApplicablePercent"))
    assert rates == ["20", "5.5"]
    # the discounted line: gross 45, discount 4.5, net 40.5 × 10 = 405.00
    first = root.xpath(LINES, namespaces=NS)[0]
    assert one(first, ".//ram:GrossPriceProductTradePrice/ram:ChargeAmount") == "45"
    assert one(first, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount") == "40.5"
    assert one(first, ".//ram:LineTotalAmount") == "405.00"
    assert one(first, ".//ram:SellerAssignedID") == "NORD-200"
    assert many(root, f"{LINES}//ram:BilledQuantity/@unitCode") == ["C62", "C62", "C62"]
    assert one(root, f"{HEADER}/ram:SpecifiedTradePaymentTerms//udt:DateTimeString") == "20260424"
    assert one(root, f"{HEADER}//ram:IBANID") == "FR7630006000011234567890189"
    assert one(root, f"{HEADER}//ram:BICID") == "AGRIFRPP"
    assert one(root, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CityName") == "Chassieu"
    assert one(root, f"{SUMS}/ram:DuePayableAmount") == "545.26"


def test_deposit_invoice_bills_a_share_of_the_order_per_rate(sales) -> None:
    root = xml_of(sales, "acompte")
    assert one(root, "rsm:ExchangedDocument/ram:TypeCode") == "386"
    # free « Facturation partielle » lines: the nature is the order's (goods only)
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "B1"
    assert (
        many(root, f"{LINES}/ram:SpecifiedTradeProduct/ram:Name") == ["Facturation partielle"] * 2
    )
    assert one(root, "//ram:SellerOrderReferencedDocument/ram:IssuerAssignedID") == "C2026-0001"
    assert_totals(root, sales, "acompte")
    assert one(root, f"{SUMS}/ram:TaxBasisTotalAmount") == "3000.00"


def test_intermediate_invoice_is_a_prepayment_invoice(sales) -> None:
    root = xml_of(sales, "versement")
    assert one(root, "rsm:ExchangedDocument/ram:TypeCode") == "386"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "B1"
    assert_totals(root, sales, "versement")


def test_balance_invoice_deducts_the_deposits_per_rate(sales) -> None:
    root = xml_of(sales, "solde")
    assert one(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "B4"
    refs = root.xpath(f"{HEADER}/ram:InvoiceReferencedDocument", namespaces=NS)
    assert [(one(r, "ram:IssuerAssignedID"), one(r, ".//qdt:DateTimeString")) for r in refs] == [
        ("F2026-0002", "20260401"),
        ("F2026-0003", "20260501"),
    ]
    deductions = root.xpath(
        f"{LINES}[starts-with(ram:SpecifiedTradeProduct/ram:Name, 'Acompte')]", namespaces=NS
    )
    assert len(deductions) == 4
    for line in deductions:  # a negative quantity, never a negative price
        assert one(line, ".//ram:BilledQuantity") == "-1"
        assert Decimal(one(line, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount")) > 0
        assert Decimal(one(line, ".//ram:LineTotalAmount")) < 0
    assert_totals(root, sales, "solde")
    assert one(root, f"{SUMS}/ram:TaxBasisTotalAmount") == "3000.00"
    assert sales.document_totals["solde"].net == Decimal("3000.00")


def test_credit_note_references_the_invoice_it_corrects(sales) -> None:
    root = xml_of(sales, "avoir")
    assert one(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    ref = f"{HEADER}/ram:InvoiceReferencedDocument"
    assert one(root, f"{ref}/ram:IssuerAssignedID") == "F2026-0001"
    assert one(root, f"{ref}/ram:FormattedIssueDateTime/qdt:DateTimeString") == "20260325"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "B1"
    assert one(root, f"{SUMS}/ram:GrandTotalAmount") == "97.20"  # positive: 381 says credit
    assert_payment_mentions(root)
    assert_totals(root, sales, "avoir")


def test_reverse_charge_line_is_category_ae_with_its_exemption_code(sales) -> None:
    root = xml_of(sales, "chantier")
    ae = f"{HEADER}/ram:ApplicableTradeTax[ram:CategoryCode='AE']"
    assert one(root, f"{ae}/ram:ExemptionReasonCode") == "VATEX-FR-AE"
    assert one(root, f"{ae}/ram:ExemptionReason") == "Autoliquidation"
    assert one(root, f"{ae}/ram:RateApplicablePercent") == "0"
    assert one(root, f"{ae}/ram:BasisAmount") == "600.00"
    assert one(root, f"{ae}/ram:CalculatedAmount") == "0.00"
    assert one(root, f"{LINES}[1]//ram:BilledQuantity/@unitCode") == "HUR"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "M1"
    assert one(root, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID") == "552100554"
    assert_totals(root, sales, "chantier")


def test_private_person_paid_at_the_counter_is_b2c(sales) -> None:
    root = xml_of(sales, "boutique")
    assert note(root, "BAR") == "B2C"
    assert "non applicable" in note(root, "PMT")  # no 40 € indemnity for a private person
    assert_payment_mentions(root)
    assert not root.xpath(f"{BUYER}/ram:SpecifiedLegalOrganization", namespaces=NS)
    assert one(root, f"{BUYER}/ram:Name") == "Mme Lucie Faure"
    assert (
        one(root, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID") == "lucie.faure@example.org"
    )
    assert one(root, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == "EM"
    # paid when issued: cadre « déjà payée » (2), nothing due, due date = payment date
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "M2"
    assert one(root, f"{SUMS}/ram:TotalPrepaidAmount") == "84.00"
    assert one(root, f"{SUMS}/ram:DuePayableAmount") == "0.00"
    assert one(root, f"{HEADER}/ram:SpecifiedTradePaymentTerms//udt:DateTimeString") == "20261205"
    assert_totals(root, sales, "boutique")


def test_vat_exempt_firm_is_category_e_franchise(exempt) -> None:
    root = xml_of(exempt, "franchise")
    e = f"{HEADER}/ram:ApplicableTradeTax"
    assert many(root, f"{e}/ram:CategoryCode") == ["E"]  # typed E, or E by default
    assert one(root, f"{e}/ram:ExemptionReasonCode") == "VATEX-FR-FRANCHISE"
    assert one(root, f"{e}/ram:ExemptionReason") == "TVA non applicable, art. 293 B du CGI"
    assert one(root, f"{e}/ram:BasisAmount") == "807.35"
    assert many(root, f"{LINES}//ram:RateApplicablePercent") == ["0", "0"]
    assert many(root, f"{LINES}//ram:BilledQuantity/@unitCode") == ["DAY", "C62"]
    assert one(root, f"{SUMS}/ram:TaxTotalAmount") == "0.00"
    # no VAT number: the SIREN is the seller's tax registration (BR-E-02)
    assert not root.xpath(
        f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", namespaces=NS
    )
    assert one(root, f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == "732829320"
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "M1"
    assert_totals(root, exempt, "franchise")


def test_vat_on_debits_sets_the_tax_point_code(debits) -> None:
    root = xml_of(debits, "debits")
    codes = many(root, f"{HEADER}/ram:ApplicableTradeTax/ram:DueDateTypeCode")
    assert codes == ["5", "5"]  # VAT due on the invoice date, for each rate
    assert note(root, "TXD") == "Option pour le paiement de la taxe d'après les débits"
    assert one(root, f"{HEADER}/ram:SpecifiedTradePaymentTerms/ram:Description") == (
        "Paiement à 45 jours"
    )
    assert many(root, f"{LINES}//ram:BilledQuantity/@unitCode") == ["HUR", "MON"]
    assert one(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "S1"
    assert_totals(root, debits, "debits")


# --- the checker and the data dict ------------------------------------------------------


def test_checker_finds_a_broken_total_a_missing_mention_and_a_bad_unit(sales) -> None:
    xml = invoice_xml(sales, "facture")
    root = etree.fromstring(xml)
    root.xpath(f"{SUMS}/ram:GrandTotalAmount", namespaces=NS)[0].text = "545.27"
    found = check(etree.tostring(root))
    assert any("BR-CO-15" in f for f in found), found
    assert any("BR-CO-16" in f for f in found), found

    root = etree.fromstring(xml)
    pmt = root.xpath("//ram:IncludedNote[ram:SubjectCode='PMT']", namespaces=NS)[0]
    pmt.getparent().remove(pmt)
    found = check(etree.tostring(root))
    assert [f for f in found if f.startswith("[FR-CTC]")], found
    assert any("BR-FR-05" in f for f in found), found

    root = etree.fromstring(xml)  # code lists come from the codedb file beside the XSLT
    root.xpath(f"{LINES}//ram:BilledQuantity", namespaces=NS)[0].set("unitCode", "QQQ")
    found = check(etree.tostring(root))
    assert any("unitCode" in f for f in found), found


def test_checker_reports_xsd_errors(sales) -> None:
    root = etree.fromstring(invoice_xml(sales, "facture"))
    doc = root.find("rsm:ExchangedDocument", NS)
    doc.insert(0, etree.Element(f"{{{NS['ram']}}}Unknown"))
    assert any(f.startswith("[XSD]") for f in check(etree.tostring(root)))


def test_data_dict_uses_book_amounts_and_library_keys(sales) -> None:
    data = invoice_data(sales, "solde")
    totals = sales.document_totals["solde"]
    assert data["BT-109"] == f"{totals.net:.2f}" and data["BT-112"] == f"{totals.gross:.2f}"
    assert data["BT-3"] == "380" and data["BT-23"] == "B4"
    assert [x["BT-25"] for x in data["BG-3"]] == ["F2026-0002", "F2026-0003"]
    assert {n["BT-21"] for n in data["BG-1"]} == {"PMD", "PMT", "AAB", "BAR"}
    assert data["BG-4"]["legal_identifier_schemeid"] == "0002"
    assert data["BT-14"] == "C2026-0001"


def test_drafts_and_other_documents_have_no_e_invoice(sales) -> None:
    with pytest.raises(Refused, match="brouillon"):
        invoice_data(sales, "brouillon")
    with pytest.raises(Refused, match="ni une facture"):
        invoice_xml(sales, "commande")


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        (None, "C62"),
        ("pièce", "C62"),
        ("heure", "HUR"),
        ("Heures", "HUR"),
        ("jours", "DAY"),
        ("mois", "MON"),
        ("m²", "MTK"),
        ("forfait", "LS"),
        ("week-end", "C62"),
    ],
)
def test_units_map_to_un_ece_codes(unit, code) -> None:
    assert unit_code(unit) == code


# --- PDF/A-3b ---------------------------------------------------------------------------


def test_embed_makes_a_factur_x_pdf(sales) -> None:
    from pypdf import PdfReader
    from weasyprint import HTML

    xml = invoice_xml(sales, "facture")
    pdf = HTML(string="<h1>Facture F2026-0001</h1><p>Mes Beaux Sapins</p>").write_pdf(
        pdf_variant="pdf/a-3b"
    )
    out = embed(pdf, xml)
    reader = PdfReader(io.BytesIO(out))
    attachments = reader.attachments
    assert list(attachments) == ["factur-x.xml"]
    assert attachments["factur-x.xml"] == [xml]
    root = reader.trailer["/Root"]
    spec = root["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Alternative"
    assert spec["/F"] == "factur-x.xml"
    assert root["/Lang"] == "fr-FR"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"' in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "/OutputIntents" in root  # WeasyPrint's PDF/A output intent survives
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/text/xml"
    assert reader.metadata.title == "Atelier Test : Facture F2026-0001"
    assert "Facture F2026-0001" in reader.pages[0].extract_text()
    assert check(attachments["factur-x.xml"][0]) == []

    english = PdfReader(io.BytesIO(embed(pdf, invoice_xml(sales, "avoir"), lang="en")))
    assert english.trailer["/Root"]["/Lang"] == "en-GB"
    assert english.metadata.title == "Atelier Test: Credit note F2026-0005"
