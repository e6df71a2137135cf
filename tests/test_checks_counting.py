"""What margins need from validate: hourly costs for hours, invoices linked to the sale
they bill, committed_from among its stages, and links added after issue."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from test_book_counting import COMMITTED, PROJECT, I, document, sale, task

from generator.load import load
from generator.testing import MINIMAL_SETTINGS, load_yaml, write_repo

CONTACTS = {
    "data/contacts/lea.yaml": "first_name: Léa\nlast_name: Fontaine\nemail: lea@example.org\n",
    "data/contacts/hugo.yaml": "first_name: Hugo\nlast_name: Marchand\nemail: hugo@example.org\n",
}


def problems(files: dict[str, str], settings: str = MINIMAL_SETTINGS, lang: str | None = None):
    """The problems of ``files`` (the git notice aside)."""
    result = load_yaml({**PROJECT, **CONTACTS, **files}, settings=settings, lang=lang)
    return [p for p in result.problems if p.code != "history-unavailable"]


def test_hours_on_a_task_whose_user_has_no_hourly_cost_is_an_error_on_the_hours_line() -> None:
    found = problems(
        {
            I + "claire.yaml": task("claire", "hours: 3\n"),
            I + "benoit.yaml": task("benoit", "hours: 3\n"),
            I + "forfait.yaml": task("claire", "budget: -40.00\n"),
        }
    )
    assert [(p.code, p.path, p.line, p.severity) for p in found] == [
        ("hourly-cost-missing", I + "claire.yaml", 8, "error")
    ]
    assert "3 heures sans coût horaire" in found[0].message
    assert "settings.users.claire" in found[0].hint


def test_an_invoice_billing_no_opportunity_warns_when_its_party_won_one_in_the_project() -> None:
    files = {
        I + "vente-lea.yaml": sale("Vente - 6 - Gagné", "890.00", contact="lea"),
        I + "facture-lea.yaml": document("invoice", "", "F2026-0001", contact="lea"),
    }
    found = problems(files)
    assert [(p.code, p.path, p.severity) for p in found] == [
        ("invoice-unlinked", I + "facture-lea.yaml", "warning")
    ]
    assert found[0].line == 11  # document.number
    assert "Léa Fontaine" in found[0].message and "vente-lea" in found[0].message
    assert "from: vente-lea" in found[0].hint and "facture-lea" in found[0].hint
    english = problems(files, lang="en")[0]
    assert english.message.startswith("invoice F2026-0001 bills no opportunity")
    # linked: nothing to say
    linked = {**files}
    linked[I + "facture-lea.yaml"] = document(
        "invoice", "  from: vente-lea\n", "F2026-0001", contact="lea"
    )
    assert problems(linked) == []


def test_invoice_unlinked_names_the_head_of_the_chain_and_spares_other_cases() -> None:
    files = {
        I + "vente.yaml": sale("Vente - 6 - Gagné", "1000.00", contact="lea"),
        I + "devis.yaml": document("quote", "", "D2026-0001", contact="lea"),
        I + "commande.yaml": document("order", "  from: devis\n", "C2026-0001", contact="lea"),
        I + "facture.yaml": document("invoice", "  order: commande\n", "F2026-0001", contact="lea"),
        I + "avoir.yaml": document(
            "credit_note", "  corrects: facture\n", "F2026-0002", price="10", contact="lea"
        ),
        # another party, another project, a draft: no warning
        I + "facture-hugo.yaml": document("invoice", "", "F2026-0003", contact="hugo"),
        I + "facture-q.yaml": document("invoice", "", "F2026-0004", contact="lea", project="q"),
        I + "brouillon.yaml": document("invoice", "", contact="lea"),
    }
    found = problems(files)
    assert [(p.code, p.path) for p in found] == [("invoice-unlinked", I + "facture.yaml")]
    assert "« from: vente » dans le bloc document de devis" in found[0].hint


def test_committed_from_must_be_a_stage_of_its_pipeline() -> None:
    wrong = COMMITTED.replace('committed_from: "Achat - 5 - Commande"', "committed_from: Commande")
    found = problems({}, settings=wrong)
    assert [(p.code, p.path, p.line) for p in found] == [
        ("settings-stage-unknown", "data/settings.yaml", 15)
    ]
    assert "committed_from" in found[0].message
    assert problems({}, settings=COMMITTED) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_linking_an_issued_document_to_its_opportunity_is_no_change_after_issue(
    tmp_path: Path,
) -> None:
    invoice = I + "facture-lea.yaml"
    write_repo(
        tmp_path,
        {
            **PROJECT,
            **CONTACTS,
            I + "vente-lea.yaml": sale("Vente - 6 - Gagné", "890.00", contact="lea"),
            I + "devis.yaml": document("quote", "  from: vente-lea\n", "D2026-0001", contact="lea"),
            invoice: document("invoice", "", "F2026-0001", contact="lea"),
        },
    )
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "-c", "user.name=B", "-c", "user.email=b@example.fr", "add", "-A")
    _git(tmp_path, "-c", "user.name=B", "-c", "user.email=b@example.fr", "commit", "-qm", "x")

    def codes(link: str) -> list[str]:
        path = tmp_path / invoice
        text = document("invoice", link, "F2026-0001", contact="lea")
        path.write_text(text, encoding="utf-8")
        result = load(tmp_path, today=date(2026, 11, 25), use_cache=False, jobs=1)
        # issued by hand in this fixture: no archived original, which is not the point here
        return [p.code for p in result.problems if p.code != "document-original-missing"]

    assert codes("") == ["invoice-unlinked"]
    assert codes("  from: vente-lea\n") == []
    # a link to a document is printed on the invoice: that is a change after issue
    assert codes("  from: devis\n") == ["document-changed-after-issue"]
