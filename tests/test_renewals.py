"""Renewals of won contracts: reminders, overdue, « Renouvellements », carnet renew."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY

from generator.book.renewals import RenewalState
from generator.checks import run_checks
from generator.load import load
from generator.site import views
from generator.testing import MINIMAL_SETTINGS, book_from_yaml, load_yaml

WON = 'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: {user}\nsubject: {subject}\ndate: 2025-12-01\nstate: done\n'


def _contract(subject: str, renewal: str, user: str = "benoit", **more: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in more.items())
    return WON.format(user=user, subject=subject) + f"renewal: {renewal}\n" + extra


CONTRACTS = {
    "data/interactions/auto.yaml": _contract("Contrat auto", "2026-12-20"),
    "data/interactions/habitation.yaml": _contract("Habitation", "2027-01-10", "claire"),
    "data/interactions/sante.yaml": _contract("Santé", "2026-11-01"),
    "data/interactions/pro.yaml": _contract("RC Pro", "2026-10-01"),
    "data/interactions/pro-2026.yaml": (
        'kind: sale\ntype: "Vente - 1 - Prise de contact"\nuser: benoit\nsubject: RC Pro\n'
        "date: 2026-10-01\nstate: open\nrenews: pro\n"
    ),
    "data/interactions/devis.yaml": (
        'kind: sale\ntype: "Vente - 3 - Devis"\nuser: benoit\nsubject: Pas gagné\n'
        "date: 2026-10-01\nstate: open\nrenewal: 2026-11-30\n"
    ),
}


def test_coming_overdue_renewed_and_later() -> None:
    book = book_from_yaml(CONTRACTS)
    states = {key: r.state for key, r in book.renewals.items()}
    assert states == {
        "pro": RenewalState.RENEWED,
        "sante": RenewalState.OVERDUE,
        "auto": RenewalState.COMING,  # 25 days ahead: within the 30 days' notice
        "habitation": RenewalState.LATER,
    }
    assert list(book.renewals) == ["pro", "sante", "auto", "habitation"]  # by due date
    assert book.renewals["pro"].renewed_by == ("pro-2026",)
    longer = MINIMAL_SETTINGS + "renewals: {notice_days: 60}\n"
    book = book_from_yaml(CONTRACTS, settings=longer)
    assert book.renewals["habitation"].state is RenewalState.COMING


def test_reminders_on_the_dashboard() -> None:
    book = book_from_yaml(CONTRACTS)
    actions = {a["user"]: a for a in views.dashboard(book, "fr")["actions"]}
    benoit = actions["Benoît Martin"]
    reminders = [i["entry"].id for i in benoit["overdue"] if i["step"] == "renouveler"]
    assert reminders == ["sante"]
    assert ("auto", date(2026, 12, 20)) in [(i["entry"].id, i["day"]) for i in benoit["upcoming"]]
    assert "Claire Roux" not in actions  # habitation: not yet within its notice


def test_an_overdue_renewal_is_never_a_validate_problem() -> None:
    files = {**CONTRACTS, "data/interactions/x.yaml": CONTRACTS["data/interactions/pro-2026.yaml"]}
    files["data/interactions/x.yaml"] = files["data/interactions/x.yaml"].replace("pro", "pri")
    problems = load_yaml(files, today=date(2030, 1, 1)).problems
    assert [(p.code, p.path, p.line, p.column) for p in problems] == [
        ("ref-unknown", "data/interactions/x.yaml", 7, 9)
    ]
    assert problems[0].hint == "vouliez-vous dire « pro » ?"
    del files["data/interactions/x.yaml"]
    assert run_checks(book_from_yaml(files, today=date(2030, 1, 1))) == []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    from test_site_build import _git, make_repo

    repo = make_repo(tmp_path / "repo")
    _git(repo, "config", "user.name", "Claire Dupont")
    _git(repo, "config", "user.email", "claire@atelier-dupont.fr")
    return repo


def test_carnet_renew_creates_and_commits_the_next_interaction(carnet, repo: Path) -> None:
    result = carnet("renew", "hebergement-cabinet-rousseau-2025", repo=repo)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "data/interactions/2026/hebergement-cabinet-rousseau-2026.yaml"
    assert lines[1] == "renouvelle hebergement-cabinet-rousseau-2025 au 10 décembre 2026"
    assert lines[2].startswith("enregistré dans git : ")
    text = (repo / lines[0]).read_text(encoding="utf-8")
    assert text.startswith("# Renouvellement au 10 décembre 2026 de hebergement-cabinet-rousseau")
    assert "type: Vente - 1 - Prise de contact\n" in text
    assert "date: 2026-12-10\n" in text and "renews: hebergement-cabinet-rousseau-2025\n" in text
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""
    book = load(repo, today=TODAY, use_cache=False).book
    renewal = book.renewals["hebergement-cabinet-rousseau-2025"]
    assert renewal.state is RenewalState.RENEWED
    new = book.interactions["hebergement-cabinet-rousseau-2026"].record
    old = book.interactions["hebergement-cabinet-rousseau-2025"].record
    assert (new.contact, new.company, new.subject, new.budget, new.user) == (
        old.contact,
        old.company,
        old.subject,
        old.budget,
        old.user,
    )
    again = carnet("renew", "hebergement-cabinet-rousseau-2025", repo=repo)
    assert again.exit_code == 1
    assert "déjà renouvelé par « hebergement-cabinet-rousseau-2026 »" in again.output


def test_carnet_renew_refusals(carnet, repo: Path) -> None:
    before = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    not_won = carnet("renew", "projet-brotteaux-recette", repo=repo)
    assert not_won.exit_code == 1 and "n'est pas gagnée" in not_won.output
    no_date = carnet("renew", "vente-site-cabinet-rousseau", repo=repo)
    assert no_date.exit_code == 1 and "pas de date de renouvellement" in no_date.output
    unknown = carnet("renew", "hebergement-rousseau", repo=repo)
    assert unknown.exit_code == 2
    dated = carnet("renew", "vente-site-cabinet-rousseau", "--date", "2026-09-26", repo=repo)
    assert dated.exit_code == 0, dated.output
    assert dated.output.startswith("data/interactions/2026/vente-site-cabinet-rousseau-2026.yaml")
    after = subprocess.run(
        ["git", "log", "--format=%s", f"{before.strip()}..HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert after == "Renouvellement de vente-site-cabinet-rousseau au 26 septembre 2026\n"


def test_summary_lists_the_renewals_to_do(carnet, repo: Path) -> None:
    result = carnet("summary", repo=repo)
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", result.output)
    assert "Renouvellements à faire" in text
    overdue = text.index("nom-de-domaine-studio-lumiere-2025")
    coming = text.index("hebergement-cabinet-rousseau-2025")
    assert overdue < coming
    assert "maintenance-boulangerie-mercier-2025" not in text  # renewed


def test_renewals_page_and_cards(site: Path) -> None:
    page = (site / "renouvellements" / "index.html").read_text(encoding="utf-8")
    overdue, ahead = page.split('id="a-venir"')[0], page.split('id="a-venir"')[1]
    assert (
        "Studio Lumière" in overdue and "carnet renew nom-de-domaine-studio-lumiere-2025" in overdue
    )
    assert "Décembre 2026" in ahead and "Cabinet Rousseau Avocats" in ahead
    assert "Octobre 2027" in ahead  # the renewed contract's own renewal, further ahead
    card = (site / "societes" / "boulangerie-mercier" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"renouvelé par <a [^>]*>Maintenance / Contrat annuel site", card)
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-interaction="hebergement-cabinet-rousseau-2025"' in dashboard
