"""The seed's serial-number workflow end to end, on a real git repository.

« Créez un mouvement de stock entrant… Validez… Créez un bon de livraison depuis une
facture… sélectionnez le ou les numéros de série… transformez le bon de livraison en
mouvement de stock sortant… Validez : les numéros de série sont décrémentés du stock. »
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from stock_helpers import git, git_repo

from generator.load import load

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")

RECEIPT = "data/stock/movements/2026/entree-2026-0001.yaml"
NOTE = "data/interactions/2026/bl-facture-borne.yaml"
SHIPMENT = "data/stock/movements/2026/sortie-2026-0001.yaml"


def pdf_text(path: Path) -> str:
    """The text of a PDF (pdftotext when installed, else pypdf), spaces normalised."""
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"[ \u202f\u00a0]+", " ", text)


@pytest.fixture
def scenario(tmp_path: Path, carnet) -> Path:
    """Receive three serial-tracked items, validate; invoice → delivery note; ship, validate."""
    repo = git_repo(tmp_path / "repo")
    steps = [
        (
            (
                "stock",
                "receive",
                "achat-bornes",
                "--line",
                "1=3",
                "--date",
                "2026-11-10",
                "--serials",
                "selfibox=SBX-0001..SBX-0003",
            ),
            [RECEIPT],
        ),
        (("stock", "validate", "entree-2026-0001"), [RECEIPT]),
        (("delivery", "new", "F2026-0001", "--serials", "selfibox=SBX-0002"), [NOTE]),
        (("stock", "ship", "BL2026-0001"), [SHIPMENT]),
        (("stock", "validate", "sortie-2026-0001"), [SHIPMENT]),
    ]
    for args, printed in steps:
        result = carnet(*args, repo=repo)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        assert result.stdout.splitlines()[: len(printed)] == printed
    return repo


def test_receipt_registers_serials_with_their_padding(scenario: Path) -> None:
    text = (scenario / RECEIPT).read_text(encoding="utf-8")
    assert "origin: achat-bornes" in text
    assert "reference: BF-CDE-118" in text
    assert "- {product: selfibox, quantity: 3, serials: [SBX-0001, SBX-0002, SBX-0003]}" in text
    assert "status: validated" in text
    assert "date: 2026-11-10" in text


def test_delivery_note_is_numbered_and_keeps_the_picked_serial(scenario: Path) -> None:
    note = (scenario / NOTE).read_text(encoding="utf-8")
    assert "kind: delivery_note" in note
    assert "number: BL2026-0001" in note
    assert "from: facture-borne" in note
    assert "SBX-0002" in note and "SBX-0001" not in note
    assert "installation" not in note  # services are not delivered from stock
    shipment = (scenario / SHIPMENT).read_text(encoding="utf-8")
    assert "origin: bl-facture-borne" in shipment
    assert "direction: out" in shipment and "SBX-0002" in shipment


def test_each_validation_and_the_note_are_committed(scenario: Path) -> None:
    log = git(scenario, "log", "--format=%s", "--name-only")
    assert "Mouvement entree-2026-0001 validé" in log
    assert "Mouvement sortie-2026-0001 validé" in log
    assert "Bon de livraison BL2026-0001" in log
    assert git(scenario, "status", "--porcelain", "--", "data") == ""
    shown = git(scenario, "show", "HEAD:" + SHIPMENT)
    assert "status: validated" in shown


def test_validate_strict_is_clean_after_the_scenario(scenario: Path, carnet) -> None:
    # The delivery note got its original when issued; the invoice, issued by hand in the
    # starting repository, gets its own from the archive command.
    assert "[document-original-missing]" in carnet("validate", repo=scenario).output
    archived = carnet("documents", "--archive", repo=scenario)
    assert archived.stdout.splitlines()[0] == "data/documents/issued/F2026-0001.pdf"
    result = carnet("validate", "--strict", repo=scenario)
    assert result.exit_code == 0, result.output


def test_book_has_two_left_with_the_right_serials(scenario: Path) -> None:
    book = load(scenario, use_cache=False).book
    assert book is not None
    assert book.stock_on_hand["selfibox"] == 2
    assert book.serials_in_stock["selfibox"] == {"SBX-0001", "SBX-0003"}


def test_status_shows_two_left_and_their_serials(scenario: Path, carnet) -> None:
    result = carnet("stock", "status", repo=scenario)
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "selfibox" in line)
    assert "2 pièce" in row
    assert "SBX-0001, SBX-0003" in row
    one = carnet("stock", "status", "selfibox", repo=scenario)
    assert one.exit_code == 0 and "SBX-0003" in one.stdout and "nordmann" not in one.stdout
    before = carnet("stock", "status", "selfibox", "--at", "2026-11-24", repo=scenario)
    assert "Stock au 24/11/2026" in before.stdout
    assert "3 pièce" in before.stdout and "SBX-0001, SBX-0002, SBX-0003" in before.stdout


def test_reports_show_two_left_with_the_right_serials(scenario: Path, carnet) -> None:
    result = carnet("stock", "report", repo=scenario)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "build/stock/stock-2026-11-25.pdf",
        "build/stock/stock-2026-11-25.xlsx",
    ]
    wb = openpyxl.load_workbook(scenario / "build/stock/stock-2026-11-25.xlsx")
    assert wb.sheetnames == [
        "Stock",
        "Hors stock",
        "Bientôt hors stock",
        "À commander",
        "Numéros de série",
        "Valeur du stock",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    stock = wb["Stock"]
    header = [c.value for c in stock[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in stock.iter_rows(2, values_only=True)}
    assert list(rows) == ["selfibox", "nordmann-200"]  # sorted by name: Borne < Sapin
    assert rows["selfibox"]["En stock"] == 2
    assert rows["selfibox"]["Numéros de série"] == "SBX-0001, SBX-0003"
    assert rows["selfibox"]["Valeur HT"] == 1780
    assert rows["selfibox"]["À commander"] == 1
    assert rows["nordmann-200"]["En stock"] == 0
    assert stock["K2"].number_format == '#,##0.00 "€"'
    assert stock.column_dimensions["B"].width > 20
    serials = [r for r in wb["Numéros de série"].iter_rows(2, values_only=True)]
    assert serials == [
        ("selfibox", "Borne photo Selfibox", "SBX-0001"),
        ("selfibox", "Borne photo Selfibox", "SBX-0003"),
    ]
    assert [r[0] for r in wb["Hors stock"].iter_rows(2, values_only=True)] == ["nordmann-200"]
    assert [r[0] for r in wb["À commander"].iter_rows(2, values_only=True)] == [
        "selfibox",
        "nordmann-200",
    ]
    text = pdf_text(scenario / "build/stock/stock-2026-11-25.pdf")
    assert "État du stock" in text and "mercredi 25 novembre 2026" in text
    assert "SBX-0001, SBX-0003" in text
    assert "SBX-0002" not in text
    assert "1 780,00 €" in text


def test_report_at_a_past_date_replays_the_movements(scenario: Path, carnet) -> None:
    out = scenario / "past"
    result = carnet(
        "stock", "report", "--format", "xlsx", "--at", "2026-11-24", "--out", str(out),
        repo=scenario,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out / "stock-2026-11-24.xlsx")
    row = next(wb["Stock"].iter_rows(2, values_only=True))
    assert row[0] == "selfibox" and row[5] == 3  # received on the 10th, shipped on the 25th
    assert row[-1] == "SBX-0001, SBX-0002, SBX-0003"
    assert not (out / "stock-2026-11-24.pdf").exists()


def test_delivery_note_pdf_lists_the_serial(scenario: Path, tmp_path: Path) -> None:
    render = pytest.importorskip("generator.documents.render")
    book = load(scenario, use_cache=False).book
    pdf = tmp_path / "bl.pdf"
    pdf.write_bytes(render.render_document(book, "bl-facture-borne", repo=scenario))
    text = pdf_text(pdf)
    assert "BL2026-0001" in text
    assert "SBX-0002" in text


def test_the_serial_cannot_be_delivered_twice(scenario: Path, carnet) -> None:
    again = carnet("delivery", "new", "F2026-0001", "--serials", "selfibox=SBX-0002", repo=scenario)
    assert again.exit_code == 1
    assert "déjà entièrement livré" in again.stderr


def test_a_validated_movement_edited_afterwards_is_caught(scenario: Path, carnet) -> None:
    receipt = scenario / RECEIPT
    receipt.write_text(
        receipt.read_text(encoding="utf-8").replace("date: 2026-11-10", "date: 2026-11-09"),
        encoding="utf-8",
    )
    result = carnet("validate", repo=scenario)
    assert result.exit_code == 1
    assert f"{RECEIPT}:" in result.output
    assert "date modifié depuis la validation du mouvement" in result.output
    assert "[movement-changed-after-validation]" in result.output
    git(scenario, "checkout", "--", RECEIPT)
    assert carnet("validate", repo=scenario).exit_code == 0
