"""An issued document never changes: it prints its state at issue, its PDF is
byte-reproducible, and the issuing commands keep its original in git
(``data/documents/issued/``), which ``carnet documents`` and ``carnet build`` copy and
``carnet validate`` guards. Real WeasyPrint renders, real git repositories, the CLI
in-process."""

from __future__ import annotations

import base64
import io
import subprocess
import time
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from einvoice_check import check
from test_documents_render import pdf_text, squeeze

from generator.cli.main import main
from generator.documents.originals import originals_folder, read_original
from generator.documents.render import render_document
from generator.history.reader import load_history
from generator.load import load
from generator.testing import MINIMAL_SETTINGS, write_repo

TODAY = "2026-04-15"
SETTINGS = MINIMAL_SETTINGS + "invoicing: {payment_terms_days: 30}\n"

COMPANY = """\
name: ACME Distribution
kind: client
siret: "54205118000066"
vat_number: FR59542051180
address: {street: 3 rue du Port, postcode: "13002", city: Marseille}
"""


def _sale(subject: str, document: str) -> str:
    return (
        f'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: {subject}\n'
        f"date: 2026-03-10\nstate: done\ncompany: acme\ndocument:\n{document}"
    )


INVOICE = _sale(
    "Sapins de mars",
    """\
  kind: invoice
  issued: 2026-03-10
  due: 2026-03-25
  lines:
    - {description: Sapin Nordmann 2 m, quantity: 10, unit_price: 120, vat_rate: 20}
  payments:
    - {date: 2026-03-10, amount: 200}
""",
)
CREDIT_NOTE = _sale(
    "Remise sur F2026-0001",
    """\
  kind: credit_note
  issued: 2026-03-15
  corrects: facture
  lines:
    - {description: Remise commerciale, unit_price: 100, vat_rate: 20}
""",
)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its output."""
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def run(repo: Path, *args: str, today: str = TODAY):
    """``carnet --repo REPO --today TODAY ARGS`` in-process."""
    return CliRunner().invoke(
        main, ["--repo", str(repo), "--today", today, *args], catch_exceptions=False
    )


def make_repo(root: Path, files: dict[str, str] | None = None) -> Path:
    """A company and a draft invoice of 1 440,00 € TTC, 200,00 € paid on its issue date."""
    write_repo(
        root,
        {
            "data/companies/acme.yaml": COMPANY,
            "data/interactions/facture.yaml": INVOICE,
            **(files or {}),
        },
        settings=SETTINGS,
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Benoît Martin")
    git(root, "config", "user.email", "benoit@example.fr")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Reprise")
    return root


def book_of(repo: Path, today: str = TODAY):
    result = load(repo, today=date.fromisoformat(today), use_cache=False, jobs=1)
    assert result.book is not None, [p.format_text() for p in result.problems]
    return result.book


def append(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def next_second() -> None:
    """Wait until the clock's second changes (what a clock-dated PDF would show)."""
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


ORIGINAL = "data/documents/issued/F2026-0001.pdf"
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
"""A 1×1 PNG: a logo."""


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invoice issued by ``carnet invoice issue`` (one commit)."""
    repo = make_repo(tmp_path_factory.mktemp("originals") / "repo")
    result = run(repo, "invoice", "issue", "facture")
    assert result.exit_code == 0, result.output
    return repo


def test_issue_writes_the_original_in_the_issue_commit(issued: Path) -> None:
    assert git(issued, "status", "--porcelain") == ""
    committed = git(issued, "show", "--name-only", "--format=%s", "HEAD").split()
    assert ORIGINAL in committed and "data/interactions/facture.yaml" in committed
    original = (issued / ORIGINAL).read_bytes()
    # The original is what the Book as issued renders, byte for byte.
    assert original == render_document(book_of(issued), "facture", repo=issued)
    assert "[document-original" not in run(issued, "validate").output
    history = load_history(issued)
    assert history is not None
    [archived] = history.originals()[ORIGINAL]
    assert archived.kind == "added" and archived.commit.subject.startswith("Émission")
    assert not any(c.path.endswith(".pdf") for c in history.since(date.min))  # records only


def issued_by_hand(root: Path) -> Path:
    """The invoice numbered in its file, then paid again and credited after its issue."""
    repo = make_repo(root)
    text = (repo / "data/interactions/facture.yaml").read_text(encoding="utf-8")
    (repo / "data/interactions/facture.yaml").write_text(
        text.replace("  issued:", "  number: F2026-0001\n  issued:"), encoding="utf-8"
    )
    append(repo, "data/interactions/facture.yaml", "    - {date: 2026-03-20, amount: 500}\n")
    (repo / "data/interactions/avoir.yaml").write_text(
        CREDIT_NOTE.replace("  issued:", "  number: F2026-0002\n  issued:"), encoding="utf-8"
    )
    return repo


def test_an_issued_invoice_prints_its_state_at_issue(tmp_path: Path) -> None:
    """A payment on the issue date shows; a later payment and credit note never do, on
    the PDF as in its Factur-X XML; the days of the terms agree with the due date."""
    repo = issued_by_hand(tmp_path / "repo")
    book = book_of(repo)
    assert book.invoices["facture"].paid == 700 and book.invoices["facture"].credited == 120
    original = render_document(book, "facture", repo=repo)
    text = pdf_text(original)
    assert squeeze("Déjà réglé − 200,00 €") in text
    assert squeeze("Net à payer 1 240,00 €") in text
    assert squeeze("Avoirs") not in text
    assert squeeze("Paiement à 15 jours ; échéance le mercredi 25 mars 2026.") in text
    assert squeeze("Paiement à 30 jours") not in text
    xml = pypdf.PdfReader(io.BytesIO(original)).attachments["factur-x.xml"][0]
    assert b"<ram:TotalPrepaidAmount>200.00</ram:TotalPrepaidAmount>" in xml
    assert b"<ram:DuePayableAmount>1240.00</ram:DuePayableAmount>" in xml
    info = pypdf.PdfReader(io.BytesIO(original)).metadata
    assert info["/CreationDate"].startswith("D:20260310000000")
    assert info["/ModDate"].startswith("D:20260310000000")
    assert check(xml) == []  # EN 16931 and French CTC rules


@pytest.fixture(scope="module")
def later(issued: Path) -> Path:
    """Then a later payment, an issued credit note, a new address and a logo."""
    append(issued, "data/interactions/facture.yaml", "    - {date: 2026-03-20, amount: 500}\n")
    credit = CREDIT_NOTE.replace("  issued:", "  number: F2026-0002\n  issued:")
    (issued / "data/interactions/avoir.yaml").write_text(credit, encoding="utf-8")
    settings = (issued / "data/settings.yaml").read_text(encoding="utf-8")
    settings = settings.replace("1 rue de la Paix", "9 avenue Nouvelle")
    settings = settings.replace(
        "  name: Atelier Test\n", "  name: Atelier Test\n  logo: data/logo.png\n"
    )
    (issued / "data/settings.yaml").write_text(settings, encoding="utf-8")
    (issued / "data/logo.png").write_bytes(base64.b64decode(PIXEL))
    git(issued, "add", "-A")
    git(issued, "commit", "-qm", "Versement, avoir, déménagement")
    return issued


def test_rendering_twice_or_after_a_payment_gives_the_same_bytes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    text = (repo / "data/interactions/facture.yaml").read_text(encoding="utf-8")
    (repo / "data/interactions/facture.yaml").write_text(
        text.replace("  issued:", "  number: F2026-0001\n  issued:"), encoding="utf-8"
    )
    first = render_document(book_of(repo), "facture", repo=repo)
    next_second()
    assert render_document(book_of(repo), "facture", repo=repo) == first
    repo = issued_by_hand(tmp_path / "later")
    next_second()
    assert render_document(book_of(repo), "facture", repo=repo) == first


def test_documents_copy_the_original_whatever_changed_since(later: Path) -> None:
    result = run(later, "documents")
    assert result.exit_code == 0, result.output
    assert (later / "build/documents/F2026-0001.pdf").read_bytes() == (
        later / ORIGINAL
    ).read_bytes()
    text = pdf_text((later / "build/documents/F2026-0001.pdf").read_bytes())
    assert squeeze("1 rue de la Paix") in text and squeeze("9 avenue Nouvelle") not in text
    # The credit note, issued by hand, has no original: it is rendered, and flagged.
    assert "F2026-0002" in run(later, "validate").output
    assert "[document-original-missing]" in run(later, "validate").output


def test_archive_writes_and_commits_the_missing_originals(later: Path) -> None:
    result = run(later, "documents", "--archive")
    assert result.exit_code == 0, result.output
    assert "data/documents/issued/F2026-0002.pdf" in result.output
    assert "data/documents/issued/F2026-0001.pdf" not in result.output  # has its own
    assert git(later, "status", "--porcelain", "--", "data") == ""
    assert "Archive des originaux" in git(later, "log", "-1", "--format=%s")
    validated = run(later, "validate")
    assert "[document-original" not in validated.output
    again = run(later, "documents", "--archive")
    assert again.exit_code == 0 and "aucun original à archiver" in again.output


def test_an_original_changed_or_deleted_after_its_commit_is_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert run(repo, "invoice", "issue", "facture").exit_code == 0
    path = repo / ORIGINAL
    archived = path.read_bytes()
    path.write_bytes(archived + b"% retouche\n")
    result = run(repo, "validate")
    assert result.exit_code == 1
    assert "[document-original-changed]" in result.output
    assert "modifié, sans commit" in result.output
    git(repo, "commit", "-qam", "Retouche")
    result = run(repo, "validate")
    assert result.exit_code == 1 and "modifié dans le commit" in result.output
    git(repo, "checkout", "HEAD~1", "--", ORIGINAL)
    git(repo, "commit", "-qm", "Original remis")
    assert run(repo, "validate").exit_code == 0
    path.unlink()
    git(repo, "commit", "-qam", "Ménage")
    result = run(repo, "validate")
    assert result.exit_code == 1 and "supprimé dans le commit" in result.output
    assert run(repo, "documents").exit_code == 1  # no output from data with errors


def test_issue_refuses_a_file_already_at_the_original_path(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "data/documents/issued").mkdir(parents=True)
    (repo / ORIGINAL).write_bytes(b"%PDF-1.7 forged")
    before = (repo / "data/interactions/facture.yaml").read_bytes()
    result = run(repo, "invoice", "issue", "facture")
    assert result.exit_code == 1
    assert "existe déjà" in result.output
    assert (repo / "data/interactions/facture.yaml").read_bytes() == before
    assert (repo / ORIGINAL).read_bytes() == b"%PDF-1.7 forged"


def test_issue_is_all_or_nothing_with_its_original(tmp_path: Path) -> None:
    """A document that cannot be rendered (a logo that is not there) is not issued."""
    repo = make_repo(tmp_path / "repo")
    settings = (repo / "data/settings.yaml").read_text(encoding="utf-8")
    settings = settings.replace(
        "  name: Atelier Test\n", "  name: Atelier Test\n  logo: data/absent.png\n"
    )
    (repo / "data/settings.yaml").write_text(settings, encoding="utf-8")
    git(repo, "commit", "-qam", "Logo")
    head = git(repo, "rev-parse", "HEAD")
    result = run(repo, "invoice", "issue", "facture")
    assert result.exit_code == 1 and "absent.png" in result.output
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""
    assert not (repo / "data/documents").exists()


def test_a_broken_logo_is_reported_once_with_the_count(tmp_path: Path) -> None:
    """validate names the broken logo once, located; and when rendering meets it anyway
    (a Book given the bad path after validation), it is one cause with its count."""
    import dataclasses

    from generator.documents.batch import render_all

    drafts = {f"data/interactions/brouillon-{n}.yaml": INVOICE for n in range(3)}
    repo = make_repo(tmp_path / "repo", drafts)
    book = load(repo, today=date.fromisoformat(TODAY)).book
    assert book is not None
    settings = (repo / "data/settings.yaml").read_text(encoding="utf-8")
    settings = settings.replace(
        "  name: Atelier Test\n", "  name: Atelier Test\n  logo: data/absent.png\n"
    )
    (repo / "data/settings.yaml").write_text(settings, encoding="utf-8")
    result = run(repo, "documents")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "absent.png" in line]
    assert len(lines) == 1 and lines[0].startswith("data/settings.yaml:"), lines
    firm = book.settings.firm.model_copy(update={"logo": "data/absent.png"})
    broken = dataclasses.replace(book, settings=book.settings.model_copy(update={"firm": firm}))
    report = render_all(repo, broken, tmp_path / "out", jobs=1)
    [(cause, count)] = report.causes()
    assert count == 4 and "absent.png" in str(cause.params), (cause, count)


def test_build_renders_the_pdfs_it_links(tmp_path: Path) -> None:
    """One command gives a complete site: no 'carnet documents' first."""
    repo = make_repo(tmp_path / "repo")
    assert run(repo, "invoice", "issue", "facture").exit_code == 0
    (repo / "data/interactions/brouillon.yaml").write_text(
        INVOICE.replace("2026-03-", "2026-04-"), encoding="utf-8"
    )
    result = run(repo, "build")
    assert result.exit_code == 0, result.output
    assert "sans PDF" not in result.output
    pdfs = repo / "build/site/documents/pdf"
    assert sorted(p.name for p in pdfs.iterdir()) == ["F2026-0001.pdf", "brouillon.brouillon.pdf"]
    assert (pdfs / "F2026-0001.pdf").read_bytes() == (repo / ORIGINAL).read_bytes()
    assert (repo / "build/documents/brouillon.brouillon.pdf").is_file()  # shared cache
    documents = run(repo, "documents")
    assert "2 documents : 0 écrit, 2 à jour" in documents.output


def test_example_invoices_whose_lines_fit_fit_on_one_page(example_repo: Path) -> None:
    book = load(example_repo, today=date(2026, 11, 25), use_cache=False).book
    assert book is not None
    for number in ("F2026-0001", "F2026-0004"):
        pdf = render_document(book, book.numbers[number], repo=example_repo)
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1, number
    one_part = pdf_text(render_document(book, book.numbers["F2026-0005"], repo=example_repo))
    assert squeeze("Versement") not in one_part and squeeze("versement du") not in one_part
    assert squeeze("Bon de commande C2026-0002 du jeudi 5 novembre 2026") in one_part


def test_originals_never_go_through_a_link(tmp_path: Path) -> None:
    """An originals' folder that leads out of the repository gets no original (the issue
    is refused); an original that is a link is never copied (the document is rendered)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo(tmp_path / "repo")
    (repo / "data/documents").mkdir()
    (repo / "data/documents/issued").symlink_to(outside)
    assert originals_folder(repo) is None  # nothing is read from outside either
    result = run(repo, "invoice", "issue", "facture")
    assert result.exit_code == 1 and "data/documents/issued" in result.output
    assert list(outside.iterdir()) == []
    (repo / "data/documents/issued").unlink()
    assert run(repo, "invoice", "issue", "facture").exit_code == 0
    invoice = book_of(repo).interactions["facture"]
    assert read_original(originals_folder(repo), invoice) == (repo / ORIGINAL).read_bytes()
    secret = outside / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 not ours")
    (repo / ORIGINAL).unlink()
    (repo / ORIGINAL).symlink_to(secret)
    assert read_original(originals_folder(repo), invoice) is None
    result = run(repo, "documents", "F2026-0001")
    assert result.exit_code == 1 and "[document-original-changed]" in result.output
    assert not (repo / "build/documents/F2026-0001.pdf").exists()
