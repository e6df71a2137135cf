"""Every kind of invoice Carnet can issue passes the XSD, EN 16931 and the French CTC rules.

One repository holds a matrix of cases, each made and issued through the commands (never
written as XML): standard rates mixed with discounts, zero-rated, exempt with its reason,
reverse charge, intra-EU supply, export, a private buyer, a foreign buyer, deposit /
intermediate / balance invoices of an order, full and partial credit notes; a second one
is a firm under the VAT franchise. The XML checked is the one embedded in each original
PDF archived at issue (``data/documents/issued/``): the documents are rendered once.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from einvoice_check import check, compile_all
from lxml import etree

from generator.cli.main import main
from generator.testing import MINIMAL_SETTINGS, write_repo

TODAY = "2026-11-25"
HEAD = 'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nstate: done\n'

PARTIES = {
    "data/companies/sapins.yaml": """\
        name: Mes Beaux Sapins
        kind: client
        siret: "73464097200042"
        vat_number: FR90734640972
        address: {street: 45 route de Genas, postcode: "69500", city: Bron, country: FR}
        """,
    "data/companies/btp.yaml": """\
        name: Bâtiments du Rhône
        kind: client
        siren: "552100554"
        address: {street: 2 quai Perrache, postcode: "69002", city: Lyon, country: FR}
        """,
    "data/companies/berlin.yaml": """\
        name: Tannenbaum GmbH
        kind: client
        vat_number: DE123456788
        email: rechnung@tannenbaum.example
        address: {street: Unter den Linden 1, postcode: "10117", city: Berlin, country: DE}
        """,
    "data/companies/geneve.yaml": """\
        name: Sapins du Léman SA
        kind: client
        email: factures@leman.example
        address: {street: 3 rue du Rhône, postcode: "1204", city: Genève, country: CH}
        """,
    "data/contacts/lucie.yaml": """\
        civility: Mme
        first_name: Lucie
        last_name: Faure
        email: lucie.faure@example.org
        address: {street: 8 rue Mercière, postcode: "69002", city: Lyon, country: FR}
        """,
    "data/stock/products/nordmann.yaml": (
        "name: Sapin Nordmann 2 m\nprice: 45\nvat_rate: 20\nnature: goods\n"
    ),
    "data/stock/products/terreau.yaml": (
        "name: Terreau 40 l\nunit: sac\nprice: 7.35\nvat_rate: 5.5\nnature: goods\n"
    ),
    "data/stock/products/pose.yaml": "name: Pose\nunit: heure\nprice: 50\nvat_rate: 20\n",
}


def draft(kind: str, lines: str, party: str = "company: sapins", extra: str = "") -> str:
    """A draft document (no number) dated 2026-11-20, its ``lines`` given as YAML items."""
    body = "\n".join("    " + line for line in lines.strip("\n").splitlines())
    return (
        f"{HEAD}subject: Cas {kind}\ndate: 2026-11-20\n{party}\n"
        f"document:\n  kind: {kind}\n{extra}  lines:\n{body}\n"
    )


CASES = {
    "mixte": draft(
        "invoice",
        """\
- {product: nordmann, quantity: 10, unit_price: 45, vat_rate: 20, discount: 10}
- {product: terreau, quantity: 3, unit: sac, unit_price: 7.35, vat_rate: 5.5, discount: 5}
- {description: Entretien, quantity: 2, unit: heure, unit_price: 40, vat_rate: 10}
""",
    ),
    "taux-zero": draft(
        "invoice",
        """\
- {description: Livres scolaires, quantity: 4, unit_price: 12.5, vat_rate: 0, vat_category: Z}
- {product: nordmann, quantity: 1, unit_price: 45, vat_rate: 20}
""",
    ),
    "exoneree": draft(
        "invoice",
        """\
- {description: Formation taille, quantity: 1, unit: jour, unit_price: 600, vat_rate: 0, vat_category: E, vat_exemption: "Exonération de TVA, art. 261-4-4° a du CGI"}
- {product: nordmann, quantity: 2, unit_price: 45, vat_rate: 20}
""",
    ),
    "autoliquidation": draft(
        "invoice",
        """\
- {product: pose, quantity: 12, unit: heure, unit_price: 50, vat_rate: 0, vat_category: AE}
- {product: nordmann, quantity: 2, unit_price: 45, vat_rate: 20}
""",
        "company: btp",
    ),
    "intracom": draft(
        "invoice",
        "- {product: nordmann, quantity: 50, unit_price: 40, vat_rate: 0, vat_category: K}\n",
        "company: berlin",
        "  delivery_date: 2026-11-18\n",
    ),
    "export": draft(
        "invoice",
        "- {product: nordmann, quantity: 30, unit_price: 42, vat_rate: 0, vat_category: G}\n",
        "company: geneve",
    ),
    "etranger": draft(
        "invoice",
        "- {product: pose, quantity: 3, unit: heure, unit_price: 50, vat_rate: 20}\n",
        "company: berlin",
    ),
    "particulier": draft(
        "invoice",
        """\
- {product: nordmann, quantity: 1, unit_price: 45, vat_rate: 20, discount: 10}
- {product: pose, quantity: 0.5, unit: heure, unit_price: 50, vat_rate: 20}
""",
        "contact: lucie",
    ),
    "commande": draft(
        "order",
        """\
- {product: nordmann, quantity: 100, unit_price: 45, vat_rate: 20}
- {product: terreau, quantity: 200, unit: sac, unit_price: 27.5, vat_rate: 5.5}
- {description: Formation, quantity: 1, unit_price: 500, vat_rate: 0, vat_category: E, vat_exemption: "Exonération de TVA, art. 261-4-4° a du CGI"}
""",
    ),
}

ORDER = "commande"
STEPS = [
    *(("invoice", "issue", key) for key in CASES if key != ORDER),
    ("order", "issue", ORDER),
    ("invoice", "split", "C2026-0001", "--part", "30%:2026-11-25",
     "--part", "40%:2026-11-25", "--part", "rest:2026-11-25"),
    ("invoice", "issue", f"{ORDER}-facture-1"),
    ("invoice", "issue", f"{ORDER}-facture-2"),
    ("invoice", "issue", f"{ORDER}-facture-3"),
    ("invoice", "credit", "mixte"),  # the whole invoice
    ("invoice", "issue", "mixte-avoir"),
    ("invoice", "credit", "exoneree", "--amount", "120,00"),  # spread over its VAT groups
    ("invoice", "issue", "exoneree-avoir"),
    ("invoice", "credit", f"{ORDER}-facture-3", "--line", "3"),  # one line of the balance
    ("invoice", "issue", f"{ORDER}-facture-3-avoir"),
]  # fmt: skip

FRANCHISE_SETTINGS = MINIMAL_SETTINGS.replace(
    "  vat_number: FR44732829320\n", "  vat_exempt: true\n"
).replace("  siret:", "  legal_form: EI\n  siret:")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``."""
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def committed_repo(root: Path, files: dict[str, str], settings: str = MINIMAL_SETTINGS) -> Path:
    """``files`` written and committed in a new git repository."""
    write_repo(root, files, settings=settings)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Benoît Martin")
    git(root, "config", "user.email", "benoit@example.fr")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Reprise")
    return root


def run(repo: Path, *args: str):
    """``carnet --repo REPO --today TODAY ARGS`` in-process."""
    return CliRunner().invoke(
        main, ["--repo", str(repo), "--today", TODAY, *args], catch_exceptions=False
    )


def einvoices(repo: Path) -> dict[str, bytes]:
    """The Factur-X XML of every archived original that has one, by document number."""
    found = {}
    for pdf in sorted((repo / "data/documents/issued").glob("*.pdf")):
        attachments = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).attachments
        if "factur-x.xml" in attachments:
            found[pdf.stem] = attachments["factur-x.xml"][0]
    return found


def tax_groups(xml: bytes) -> set[tuple[str, str]]:
    """(category, exemption code) of each group of the XML's VAT breakdown."""
    ns = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    root = etree.fromstring(xml)
    return {
        (t.findtext("ram:CategoryCode", "", ns), t.findtext("ram:ExemptionReasonCode", "", ns))
        for t in root.iterfind(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", ns)
    }


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every case issued through the commands; the e-invoices of the originals."""
    compile_all()
    files = {**PARTIES, **{f"data/interactions/2026/{k}.yaml": v for k, v in CASES.items()}}
    repo = committed_repo(tmp_path_factory.mktemp("matrix") / "repo", files)
    for args in STEPS:
        result = run(repo, *args)
        assert result.exit_code == 0, (args, result.output)
    return einvoices(repo)


def test_every_case_is_issued_with_an_e_invoice(matrix) -> None:
    # 8 invoices, 3 split invoices, 3 credit notes
    assert len(matrix) == 14, sorted(matrix)
    groups = set().union(*(tax_groups(xml) for xml in matrix.values()))
    for expected in [
        ("S", ""),
        ("Z", ""),
        ("E", ""),
        ("AE", "VATEX-FR-AE"),
        ("K", "VATEX-EU-IC"),
        ("G", "VATEX-EU-G"),
    ]:
        assert expected in groups, groups


def test_every_e_invoice_passes_the_xsd_en16931_and_french_rules(matrix) -> None:
    findings = {number: check(xml) for number, xml in matrix.items()}
    assert {k: v for k, v in findings.items() if v} == {}


# --- a firm under the VAT franchise -------------------------------------------------------

FRANCHISE_CASES = {
    # the issue's case: « vat_rate: 0 » and no category, which now means E (franchise)
    "formation": draft(
        "invoice",
        "- {description: Formation WordPress, quantity: 2, unit: jour, unit_price: 400, vat_rate: 0}\n",
    ),
    "atelier": draft(  # nothing said about VAT at all, a private buyer
        "invoice",
        "- {description: Atelier photo, quantity: 1, unit_price: 300}\n",
        "contact: lucie",
    ),
    "site": draft("order", "- {description: Site web, quantity: 1, unit_price: 2000}\n"),
}
FRANCHISE_STEPS = [
    ("invoice", "issue", "formation"),
    ("invoice", "issue", "atelier"),
    ("order", "issue", "site"),
    ("invoice", "split", "C2026-0001", "--part", "50%:2026-11-25", "--part", "rest:2026-11-25"),
    ("invoice", "issue", "site-facture-1"),
    ("invoice", "issue", "site-facture-2"),
    ("invoice", "credit", "formation", "--amount", "100"),
    ("invoice", "issue", "formation-avoir"),
]  # fmt: skip


@pytest.fixture(scope="module")
def franchise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The franchise firm's cases, issued through the commands."""
    compile_all()
    files = {
        **PARTIES,
        **{f"data/interactions/2026/{k}.yaml": v for k, v in FRANCHISE_CASES.items()},
    }
    repo = committed_repo(tmp_path_factory.mktemp("franchise") / "repo", files, FRANCHISE_SETTINGS)
    for args in FRANCHISE_STEPS:
        result = run(repo, *args)
        assert result.exit_code == 0, (args, result.output)
    return repo


def test_franchise_e_invoices_are_exempt_and_pass_every_rule(franchise: Path) -> None:
    xmls = einvoices(franchise)
    assert len(xmls) == 5, sorted(xmls)
    for number, xml in xmls.items():
        assert check(xml) == [], number
        assert tax_groups(xml) == {("E", "VATEX-FR-FRANCHISE")}, number
        assert b"TVA non applicable, art. 293 B du CGI" in xml


def test_franchise_pdf_prints_the_mention_instead_of_a_vat_table(franchise: Path) -> None:
    pdf = (franchise / "data/documents/issued/F2026-0001.pdf").read_bytes()
    text = squeeze(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert squeeze("TVA non applicable, art. 293 B du CGI") in text
    assert text.count(squeeze("TVA non applicable")) == 1
    for absent in ("Base HT", "Montant TVA", "Total TVA", "TVA 0", "0 %", "TTC"):
        assert squeeze(absent) not in text, absent
    assert squeeze("Total 800,00") in text


def squeeze(text: str) -> str:
    """``text`` without spaces of any width nor line breaks."""
    return "".join(text.split()).replace("\u202f", "").replace("\xa0", "")


def test_franchise_line_charging_vat_is_refused_before_issue(tmp_path: Path) -> None:
    """The issue's scenario: validate says where and why, invoice issue writes nothing;
    fixed (or left without category), the invoice is issued and its e-invoice passes."""
    compile_all()
    bad = draft(
        "invoice",
        """\
- {description: Formation WordPress, quantity: 2, unit: jour, unit_price: 400, vat_rate: 0, vat_category: S}
- {description: Support de cours, quantity: 2, unit_price: 15, vat_rate: 5.5}
""",
    )
    path = "data/interactions/2026/formation.yaml"
    repo = committed_repo(tmp_path / "repo", {**PARTIES, path: bad}, FRANCHISE_SETTINGS)
    result = run(repo, "validate")
    assert result.exit_code == 1
    assert f"{path}:11:" in result.output and "[einvoice-zero-rate-standard]" in result.output
    assert f"{path}:12:" in result.output and "[franchise-vat-charged]" in result.output
    assert "TVA à 5,5 % facturée" in result.output
    english = run(repo, "--lang", "en", "validate")
    assert "0 % VAT in the standard category S" in english.output

    head = git(repo, "rev-parse", "HEAD")
    refused = run(repo, "invoice", "issue", "formation")
    assert refused.exit_code == 1
    assert "[einvoice-zero-rate-standard]" in refused.output
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""
    assert not (repo / "data/documents/issued").exists()

    fixed = bad.replace(", vat_category: S}", "}").replace(", vat_rate: 5.5}", "}")
    (repo / path).write_text(fixed, encoding="utf-8")
    git(repo, "commit", "-qam", "Franchise : pas de TVA")
    assert run(repo, "validate").exit_code == 0
    issued = run(repo, "invoice", "issue", "formation")
    assert issued.exit_code == 0, issued.output
    xml = einvoices(repo)["F2026-0001"]
    assert check(xml) == []
    assert tax_groups(xml) == {("E", "VATEX-FR-FRANCHISE")}
