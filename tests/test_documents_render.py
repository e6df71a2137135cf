"""Sales documents as PDF: real WeasyPrint renders read back with pypdf.

One small business stated inline: an order of 10 000,00 € HT (20 % and 5,5 %) with a
deposit invoice, an invoice mixing both rates and partly paid, a credit note on it, a
draft for a private person. PDFs are few (each takes a few tenths of a second).
"""

from __future__ import annotations

import dataclasses
import http.server
import io
import re
import threading
from datetime import date
from pathlib import Path
from typing import ClassVar

import pypdf
import pytest

from generator.documents import kinds, manifest
from generator.documents.context import Fmt, payment_block
from generator.documents.pdf import html_to_pdf
from generator.documents.qr import epc_payload, inline_qr_codes, qr_data_uri
from generator.documents.render import (
    document_html,
    output_name,
    render_document,
    render_reminder,
)
from generator.load import load
from generator.problems import Refused
from generator.testing import MINIMAL_SETTINGS, write_repo

TODAY = date(2026, 11, 25)

SETTINGS = MINIMAL_SETTINGS.replace(
    "  name: Atelier Test\n",
    "  name: Atelier Test\n  legal_form: SARL\n  capital: 8000\n  rcs: RCS Paris\n"
    "  bic: AGRIFRPP\n",
)
EXEMPT_SETTINGS = (
    MINIMAL_SETTINGS.replace("  vat_number: FR44732829320\n", "  vat_exempt: true\n")
    + "invoicing: {vat_on_debits: false}\n"
)
DEBITS_SETTINGS = SETTINGS + "invoicing: {vat_on_debits: true}\n"


def _sale(
    name: str, document: str, *, company: str | None = "acme", contact: str = "jeanne"
) -> str:
    party = f"company: {company}\ncontact: {contact}\n" if company else f"contact: {contact}\n"
    return (
        f'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: {name}\n'
        f"date: 2026-03-01\nstate: done\n{party}document:\n{document}"
    )


FILES = {
    "data/companies/acme.yaml": """\
        name: ACME Distribution
        kind: client
        siret: "54205118000066"
        vat_number: FR59542051180
        address: {street: 3 rue du Port, postcode: "13002", city: Marseille}
        delivery_address: {street: Entrepôt 7, postcode: "13015", city: Marseille}
        """,
    "data/contacts/jeanne.yaml": "first_name: Jeanne\nlast_name: Sapin\ncompany: acme\n",
    "data/contacts/paul-durand.yaml": (
        "first_name: Paul\nlast_name: Durand\nemail: paul.durand@example.org\n"
        'address: {street: 8 rue Neuve, postcode: "69001", city: Lyon}\n'
    ),
    "data/stock/products/sapin.yaml": "name: Sapin Nordmann 2 m\nprice: 80\nvat_rate: 20\n",
    "data/stock/products/livre.yaml": "name: Livre de recettes\nprice: 10\nvat_rate: 5.5\n",
    "data/stock/products/conseil.yaml": (
        "name: Conseil\nunit: heure\nprice: 350\nvat_rate: 20\nnature: service\n"
    ),
    "data/stock/products/borne.yaml": (
        "name: Borne photo\nprice: 900\nvat_rate: 20\nstock_managed: true\nserial_tracked: true\n"
    ),
    "data/stock/movements/entree.yaml": (
        "direction: in\ndate: 2026-02-01\nstatus: validated\n"
        "lines: [{product: borne, quantity: 3, serials: [SN-1, SN-2, SN-3]}]\n"
    ),
    "data/interactions/livraison.yaml": _sale(
        "Livraison des bornes",
        """\
  kind: delivery_note
  number: BL2026-0001
  issued: 2026-03-05
  lines:
    - {product: borne, quantity: 2, unit_price: 900, vat_rate: 20, serials: [SN-1, SN-2]}
""",
    ),
    "data/interactions/commande.yaml": _sale(
        "Commande sapins et livres",
        """\
  kind: order
  number: C2026-0001
  issued: 2026-03-01
  lines:
    - {product: sapin, quantity: 100, unit_price: 80, vat_rate: 20}
    - {product: livre, quantity: 200, unit_price: 10, vat_rate: 5.5}
""",
    ),
    "data/interactions/acompte.yaml": _sale(
        "Acompte commande sapins",
        """\
  kind: deposit_invoice
  number: F2026-0001
  issued: 2026-03-02
  due: 2026-04-01
  order: commande
  part: {label: Acompte 30 %, percent: 30}
  lines:
    - description: Facturation partielle
      comment: |-
        Commande C2026-0001 du 1 mars 2026
        Sapin Nordmann 2 m × 100, Livre de recettes × 200
      unit_price: 2400
      vat_rate: 20
    - {description: Facturation partielle, unit_price: 600, vat_rate: 5.5}
""",
    ),
    "data/interactions/facture.yaml": _sale(
        "Sapins de mars",
        """\
  kind: invoice
  number: F2026-0002
  issued: 2026-03-10
  due: 2026-04-09
  lines:
    - product: sapin
      quantity: 10
      unit_price: 120
      vat_rate: 20
      comment: |-
        livrés en pot
        arrosage compris
    - {product: livre, quantity: 30, unit_price: 10, vat_rate: 5.5}
  payments:
    - {date: 2026-03-20, amount: 500}
""",
    ),
    "data/interactions/avoir.yaml": _sale(
        "Remise sur F2026-0002",
        """\
  kind: credit_note
  number: F2026-0003
  issued: 2026-03-15
  corrects: facture
  lines:
    - {description: Remise commerciale, unit_price: 100, vat_rate: 20}
""",
    ),
    "data/interactions/brouillon.yaml": _sale(
        "Conseil à domicile",
        """\
  kind: invoice
  issued: 2026-12-01
  lines:
    - {product: conseil, quantity: 2, unit_price: 350, vat_rate: 20}
""",
        company=None,
        contact="paul-durand",
    ),
}


def make_repo(root: Path, settings: str = SETTINGS, extra: dict[str, str] | None = None) -> Path:
    """The small business above, written under ``root``."""
    return write_repo(root, {**FILES, **(extra or {})}, settings=settings)


def book_of(repo: Path):
    result = load(repo, today=TODAY, use_cache=False, jobs=1)
    assert result.book is not None, "\n".join(p.format_text() for p in result.problems)
    return result.book


def pdf_text(pdf: bytes) -> str:
    """Text of every page without spaces (Babel's narrow no-break spaces, and the gaps
    kerning leaves in pypdf's text, as in « T otal »): compare with :func:`squeeze`."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return squeeze("\n".join(page.extract_text() for page in reader.pages))


def squeeze(text: str) -> str:
    """``text`` without spaces of any width nor line breaks."""
    return re.sub(r"\s+", "", text)


def attachments(pdf: bytes) -> dict[str, list[bytes]]:
    return dict(pypdf.PdfReader(io.BytesIO(pdf)).attachments)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("documents") / "repo")


@pytest.fixture(scope="module")
def book(repo: Path):
    return book_of(repo)


@pytest.fixture(scope="module")
def invoice_pdf(book, repo: Path) -> bytes:
    return render_document(book, "facture", repo=repo)


def test_invoice_prints_number_totals_and_legal_mentions(invoice_pdf: bytes) -> None:
    text = pdf_text(invoice_pdf)
    assert squeeze("Facture n° F2026-0002") in text
    # 10 × 120 at 20 % and 30 × 10 at 5,5 %: per-rate VAT, totals, what payments leave due.
    for figure in ("1 200,00 €", "300,00 €", "240,00 €", "16,50 €"):
        assert squeeze(figure) in text
    assert squeeze("Total HT 1 500,00 €") in text
    raw = pypdf.PdfReader(io.BytesIO(invoice_pdf)).pages[0].extract_text()
    assert "1\u202f500,00\u00a0€" in raw  # Babel's French format, as printed
    assert squeeze("Total TVA 256,50 €") in text
    assert squeeze("Total TTC 1 756,50 €") in text
    # The invoice as issued: the credit note (15 March) and the payment (20 March) came
    # after its issue date (10 March), so neither shows.
    for later in ("Avoirs", "Déjà réglé", "Net à payer"):
        assert squeeze(later) not in text
    for mention in (
        "SARL au capital de 8 000,00 €",
        "SIREN 732829320",
        "SIRET 73282932000074",
        "RCS Paris",
        "N° TVA FR44732829320",
        "ACME Distribution",
        "SIREN 542051180",
        "N° TVA FR59542051180",
        "ADRESSE DE LIVRAISON",  # label in small capitals (CSS)
        "Entrepôt 7",
        "Date d'émission mardi 10 mars 2026",
        "Échéance jeudi 9 avril 2026",
        "Nature des opérations : Livraison de biens.",
        "Pas d'escompte pour paiement anticipé",
        "Pénalités de retard : trois fois le taux d'intérêt légal",
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40,00 €",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC AGRIFRPP",
    ):
        assert squeeze(mention) in text, mention
    lines = pypdf.PdfReader(io.BytesIO(invoice_pdf)).pages[0].extract_text().splitlines()
    assert lines[lines.index("livrés en pot") + 1] == "arrosage compris"  # multi-line comment
    assert squeeze("BROUILLON") not in text
    assert squeeze("293 B") not in text
    assert squeeze("débits") not in text


def test_issued_invoice_embeds_factur_x_in_a_pdf_a(invoice_pdf: bytes) -> None:
    files = attachments(invoice_pdf)
    assert list(files) == ["factur-x.xml"]
    xml = files["factur-x.xml"][0]
    assert b"<ram:ID>F2026-0002</ram:ID>" in xml
    assert b"<ram:GrandTotalAmount>1756.50</ram:GrandTotalAmount>" in xml
    metadata = pypdf.PdfReader(io.BytesIO(invoice_pdf)).xmp_metadata
    assert metadata is not None
    xmp = metadata.stream.get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp


def test_payment_qr_code_carries_the_amount_due_and_the_number(book, invoice_pdf: bytes) -> None:
    block = payment_block(book, book.interactions["facture"], Fmt("fr"))
    assert block is not None
    assert block["payload"] == (
        "BCD\n002\n1\nSCT\nAGRIFRPP\nAtelier Test\nFR7630006000011234567890189\n"
        "EUR1756.50\n\n\nF2026-0002"
    )
    assert block["qr"].startswith("carnet-epc:")
    assert qr_data_uri(block["payload"]) in inline_qr_codes(f'<img src="{block["qr"]}">')
    page = pypdf.PdfReader(io.BytesIO(invoice_pdf)).pages[0]
    assert len(page.images) == 1  # the QR code (no logo in these settings)


def test_epc_payload_refuses_amounts_a_bank_would_refuse() -> None:
    with pytest.raises(ValueError):
        epc_payload("X", "FR7630006000011234567890189", book_amount("0.00"), "F1")
    payload = epc_payload("A", "FR76 3000", book_amount("12.30"), "F1", None)
    assert payload.splitlines()[4:8] == ["", "A", "FR763000", "EUR12.30"]


def book_amount(text: str):
    from decimal import Decimal

    return Decimal(text)


def test_deposit_invoice_has_the_versement_block(book, repo: Path) -> None:
    pdf = render_document(book, "acompte", repo=repo)
    text = pdf_text(pdf)
    assert squeeze("Facture d'acompte n° F2026-0001") in text
    assert squeeze("VERSEMENT") in text.upper()
    assert squeeze("Acompte 30 % (30 % de la commande) du lundi 2 mars 2026 3 000,00 € HT") in text
    assert squeeze("Bon de commande C2026-0001 du dimanche 1er mars 2026 10 000,00 € HT") in text
    assert squeeze("Déjà facturé sur la commande avant ce versement 0,00 € HT") in text
    assert squeeze("Reste à facturer sur la commande 7 000,00 € HT") in text
    # The order's lines are goods: so is the deposit, despite its free-text lines.
    assert squeeze("Nature des opérations : Livraison de biens.") in text
    assert squeeze("Commande C2026-0001 du 1 mars 2026 Sapin Nordmann 2 m × 100") in text
    assert list(attachments(pdf)) == ["factur-x.xml"]


def test_credit_note_names_the_invoice_it_corrects(book, repo: Path) -> None:
    text = pdf_text(render_document(book, "avoir", repo=repo))
    assert squeeze("Avoir n° F2026-0003") in text
    assert squeeze("Avoir sur facture n° F2026-0002 du mardi 10 mars 2026.") in text
    assert squeeze("Montant de l'avoir TTC 120,00 €") in text
    # A free-text line, but the corrected invoice sold goods.
    assert squeeze("Nature des opérations : Livraison de biens.") in text
    assert squeeze("Pénalités") not in text
    assert squeeze("IBAN") not in text


def test_draft_is_watermarked_unnumbered_without_factur_x(book, repo: Path) -> None:
    assert output_name(book, "brouillon") == "brouillon.brouillon.pdf"
    assert output_name(book, "facture") == "F2026-0002.pdf"
    pdf = render_document(book, "brouillon", repo=repo)
    text = pdf_text(pdf)
    assert squeeze("BROUILLON") in text
    assert squeeze("Facture") in text
    assert squeeze("n° F20") not in text
    assert squeeze("Date prévue mardi 1er décembre 2026") in text
    assert attachments(pdf) == {}
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 0  # no QR: no number yet
    # A private person: no recovery indemnity, no SIREN of the buyer.
    assert squeeze("Paul Durand") in text
    assert squeeze("Indemnité forfaitaire") not in text
    assert squeeze("Nature des opérations : Prestation de services.") in text


def test_vat_exempt_firm_and_vat_on_debits(tmp_path: Path) -> None:
    exempt_invoice = _sale(
        "Atelier photo",
        """\
  kind: invoice
  number: F2026-0001
  issued: 2026-03-02
  due: 2026-04-01
  lines:
    - {product: conseil, quantity: 1, unit_price: 350, vat_rate: 0, vat_category: E}
""",
    )
    files = {k: v for k, v in FILES.items() if "interactions" not in k}
    repo = write_repo(
        tmp_path / "exempt",
        {**files, "data/interactions/f.yaml": exempt_invoice},
        settings=EXEMPT_SETTINGS,
    )
    html = document_html(book_of(repo), "f", repo=repo)
    assert "TVA non applicable, art. 293 B du CGI" in html
    repo = make_repo(tmp_path / "debits", DEBITS_SETTINGS)
    html = document_html(book_of(repo), "facture", repo=repo)
    assert "Option pour le paiement de la taxe d&#39;après les débits" in html


def test_reverse_charge_line_is_marked(tmp_path: Path) -> None:
    reverse = _sale(
        "Travaux sous-traités",
        """\
  kind: invoice
  number: F2026-0004
  issued: 2026-03-20
  lines:
    - {product: conseil, quantity: 1, unit_price: 350, vat_rate: 0, vat_category: AE}
""",
    )
    repo = make_repo(tmp_path / "ae", extra={"data/interactions/ae.yaml": reverse})
    html = document_html(book_of(repo), "ae", repo=repo)
    assert '<span class="tag">Autoliquidation</span>' in html
    assert "Autoliquidation : TVA due par le preneur" in html


def test_delivery_note_lists_serial_numbers_without_prices(book, repo: Path) -> None:
    html = document_html(book, "livraison", repo=repo)
    assert "Bon de livraison" in html
    assert "N° de série : SN-1, SN-2" in html
    assert "Total HT" not in html
    assert "900,00" not in html


def test_reminder_letter_states_what_is_due_and_the_indemnity(book, repo: Path) -> None:
    text = pdf_text(render_reminder(book, "facture", repo=repo))
    assert squeeze("Lettre de relance") in text
    assert squeeze("F2026-0002") in text
    assert squeeze("Reste dû 1 136,50 €") in text
    # Due 9 April, today 25 November: 230 days late.
    assert squeeze("230 jours de retard") in text
    assert squeeze("trois fois le taux d'intérêt légal") in text
    assert squeeze("indemnité forfaitaire pour frais de recouvrement de 40,00 €") in text
    assert kinds.reminder_name(book.interactions["facture"]) == "F2026-0002.relance.pdf"


def test_reminder_of_a_draft_is_refused(book) -> None:
    with pytest.raises(Refused, match="brouillon"):
        render_reminder(book, "brouillon")


def test_html_escapes_record_text(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "xss",
        extra={"data/contacts/jeanne.yaml": "first_name: <b>Jeanne</b>\nlast_name: X\n"},
    )
    html = document_html(book_of(repo), "brouillon", repo=repo)
    assert "<b>Jeanne" not in html


# --- the confined URL fetcher ---------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_fetcher_refuses_network_and_files_outside(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red } /* CANARY */")
    try:
        for url in (
            f"http://127.0.0.1:{server.server_port}/logo.png",
            secret.as_uri(),
            "file:///etc/passwd",
        ):
            html = f'<html><body><img src="{url}"><p>x</p></body></html>'
            with pytest.raises(Refused) as refused:
                html_to_pdf(html, repo=tmp_path / "repo")
            assert refused.value.code == "document-resource-refused"
            assert "ressource refusée" in refused.value.message()
    finally:
        server.shutdown()
    assert _Recorder.hits == []


def test_fetcher_reads_the_logo_under_data(tmp_path: Path, book) -> None:
    import segno

    repo = make_repo(
        tmp_path / "logo", SETTINGS.replace("  bic:", "  logo: data/assets/logo.png\n  bic:")
    )
    (repo / "data" / "assets").mkdir()
    segno.make("logo").save(repo / "data" / "assets" / "logo.png", scale=4)
    pdf = render_document(book_of(repo), "avoir", repo=repo)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_logo_outside_data_is_an_error_never_read(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "evil")
    book = book_of(repo)  # validate refuses such a logo (checks/paths.py): given afterwards
    firm = book.settings.firm.model_copy(update={"logo": "/etc/passwd"})
    book = dataclasses.replace(book, settings=book.settings.model_copy(update={"firm": firm}))
    with pytest.raises(Refused, match=r"firm\.logo"):
        document_html(book, "avoir", repo=repo)


# --- the command ----------------------------------------------------------------------------


def test_documents_command_writes_caches_and_removes_stale(carnet, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "cli")
    result = carnet("documents", repo=repo)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "build/documents/BL2026-0001.pdf",
        "build/documents/C2026-0001.pdf",
        "build/documents/F2026-0001.pdf",
        "build/documents/F2026-0002.pdf",
        "build/documents/F2026-0003.pdf",
        "build/documents/brouillon.brouillon.pdf",
    ]
    assert "6 documents : 6 écrits, 0 à jour" in result.stderr
    out = repo / "build" / "documents"
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}

    again = carnet("documents", repo=repo)
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "6 documents : 0 écrit, 6 à jour" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == mtimes

    # Issue the draft: its draft PDF is stale, the new number is written; a reminder stays.
    (out / "F2026-0002.relance.pdf").write_bytes(b"%PDF-1.7 kept")
    draft = repo / "data" / "interactions" / "brouillon.yaml"
    draft.write_text(
        draft.read_text().replace(
            "  issued: 2026-12-01\n", "  number: F2026-0004\n  issued: 2026-11-20\n"
        )
    )
    third = carnet("documents", repo=repo)
    assert third.exit_code == 0, third.stderr
    assert third.stdout.splitlines() == ["build/documents/F2026-0004.pdf"]
    assert "1 supprimé" in third.stderr
    assert not (out / "brouillon.brouillon.pdf").exists()
    assert (out / "F2026-0002.relance.pdf").exists()


def test_documents_command_named_records_and_out(carnet, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "named")
    target = tmp_path / "pdf"
    result = carnet(
        "documents", "F2026-0003", "interaction/brouillon", "--out", str(target), repo=repo
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in target.glob("*.pdf")) == [
        "F2026-0003.pdf",
        "brouillon.brouillon.pdf",
    ]
    assert result.stdout.splitlines() == [
        str(target / "F2026-0003.pdf"),
        str(target / "brouillon.brouillon.pdf"),
    ]
    unknown = carnet("documents", "F2099-0001", repo=repo)
    assert unknown.exit_code == 2
    assert "F2099-0001" in unknown.stderr
    not_doc = carnet("documents", "acme", repo=repo)
    assert not_doc.exit_code == 1
    assert "n'est pas un document" in not_doc.stderr


def test_documents_command_refuses_invalid_data(carnet, tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "bad", extra={"data/contacts/x.yaml": "last_name: X\ncompany: nope\n"}
    )
    result = carnet("documents", repo=repo)
    assert result.exit_code == 1
    assert "data/contacts/x.yaml" in result.stderr
    assert not (repo / "build" / "documents").exists()


def test_manifest_never_names_a_file_outside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / manifest.MANIFEST).write_text(
        '{"version": 2, "documents": {"../victim.pdf": ["x", "d"], "F1.pdf": ["y", "d"],'
        ' ".hidden.pdf": ["z", "d"], "F2.pdf": "y"}}'
    )
    assert manifest.read_manifest(out) == {"F1.pdf": ("y", "d")}


def test_units_agree_with_their_quantity() -> None:
    from decimal import Decimal

    from generator.documents.context import unit_label

    assert unit_label("heure", Decimal(40)) == "heures"
    assert unit_label("heure", Decimal("1.5")) == "heure"
    assert unit_label("jour", Decimal(2)) == "jours"
    assert unit_label("bateau", Decimal(2)) == "bateaux"
    for unit in ("h", "kg", "m²", "pièces", "forfait annuel"):
        assert unit_label(unit, Decimal(3)) == unit


def test_pdfs_up_to_date_are_told_without_forking_workers(book, repo: Path, tmp_path: Path) -> None:
    """Checking that a PDF is up to date is done by the command itself: a worker forked
    from it would count the Book again in the command's memory, for no WeasyPrint work.
    Workers are forked for PDFs to render only."""
    from forks import forks

    from generator.documents.batch import document_ids, render_all

    out = tmp_path / "out"
    every = document_ids(book)
    assert len(every) >= 3  # enough to be shared between workers
    with forks() as forked:
        first = render_all(repo, book, out, jobs=2)
    assert len(first.written) == len(every) and forked  # rendered by forked workers
    with forks() as forked:
        again = render_all(repo, book, out, jobs=2)
    assert forked == []
    assert again.written == [] and again.up_to_date == first.written
