"""Advisers' compliance where people read it: the contact page (profile, answers, earlier
questionnaires from the record and from its git history), the « Conformité » page, and
``carnet merge questionnaire-client`` (a shipped template, overridable), read back from
the PDF."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pypdf
from test_checks_compliance import (
    CONTACT,
    EQUILIBRE,
    PRODUCTS,
    PRUDENT,
    SALE,
    SETTINGS,
    filled,
    sale,
)
from test_checks_compliance import contact as contact_record

from generator.load import load
from generator.site.compliance import PAGE
from generator.site.pages import plan, render_page
from generator.site.urls import record_page
from generator.testing import write_repo

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Claire",
    "GIT_AUTHOR_EMAIL": "claire@example.fr",
    "GIT_COMMITTER_NAME": "Claire",
    "GIT_COMMITTER_EMAIL": "claire@example.fr",
    "PATH": "/usr/bin:/bin",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str, when: str = "2026-01-01T10:00:00") -> None:
    """Run git in ``repo`` (dates pinned)."""
    env = {**GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def advised_repo(root: Path) -> Path:
    """Jeanne answered Prudent in 2024, committed; in 2026 the adviser overwrote that entry
    with her new answers (Équilibré) rather than adding one, and a justified
    recommendation; Paul needs a questionnaire, has none, and is advised all the same."""
    write_repo(
        root,
        {**PRODUCTS, CONTACT: contact_record(filled("2024-01-15", PRUDENT))},
        settings=SETTINGS,
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Jeanne : questionnaire 2024", when="2024-01-15T10:00:00")
    why = "adequacy_justification: Demande écrite de la cliente, 5 % de son épargne\n"
    write_repo(
        root,
        {
            CONTACT: contact_record(filled("2026-03-02", EQUILIBRE)),
            SALE: sale(extra=why),
            "data/interactions/2026/conseil-2.yaml": sale(day="2026-07-01").replace(
                "contact: jeanne", "contact: paul"
            ),
            "data/contacts/paul.yaml": "first_name: Paul\nlast_name: Blanc\ninterests: [client patrimoine]\n",
        },
        settings=None,
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Jeanne : questionnaire 2026", when="2026-03-02T10:00:00")
    return root


def page_text(repo: Path, path: str) -> str:
    result = load(
        repo,
        with_history=True,
        use_cache=False,
        jobs=1,
        today=date(2026, 11, 25),
    )
    assert result.book is not None, [p.format_text() for p in result.problems]
    spec = next(s for s in plan(result.book, result.history) if s.path == path)
    return squeeze(render_page(spec, result.book, "fr"))


def test_the_contact_page_shows_the_profile_its_answers_and_its_history(tmp_path: Path) -> None:
    repo = advised_repo(tmp_path / "repo")
    text = page_text(repo, record_page("contact", "jeanne"))
    assert (
        "Profil <strong>Équilibré</strong> depuis le lundi 2 mars 2026, Prudent avant "
        "(depuis le lundi 15 janvier 2024)." in text
    )
    assert (
        "Questionnaire en vigueur (valide) : Profil investisseur du lundi 2 mars 2026 : score 8"
        in text
    )
    assert '<td>Horizon de placement</td> <td>plus de 5 ans</td> <td class="num">4</td>' in text
    # the 2024 answers are no longer in the record: read back from git
    assert (
        "Profil investisseur du lundi 15 janvier 2024 : score 3, profil <strong>Prudent</strong>"
        in text
    )
    assert "remplacé dans la fiche, d'après l'historique git" in text
    assert '<li data-verdict="justified">' in text


def test_the_compliance_page_lists_missing_questionnaires_and_flagged_advice(
    tmp_path: Path,
) -> None:
    repo = advised_repo(tmp_path / "repo")
    text = page_text(repo, PAGE)
    assert '<tr data-contact="paul" data-kyc-state="missing">' in text
    assert 'data-contact="jeanne"' not in text  # valid until 2028
    assert '<tr data-interaction="conseil-2" data-verdict="missing">' in text
    assert '<tr data-interaction="conseil" data-verdict="justified">' in text
    assert "Demande écrite de la cliente, 5 % de son épargne" in text


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return squeeze(" ".join(page.extract_text() for page in reader.pages))


def test_merge_prints_the_questionnaire_with_its_score_profile_and_signatures(
    tmp_path: Path, carnet
) -> None:
    repo = advised_repo(tmp_path / "repo")
    out = tmp_path / "out"
    result = carnet("merge", "questionnaire-client", "jeanne", "--out", str(out), repo=repo)
    assert result.exit_code == 0, result.output
    text = pdf_text(out / "questionnaire-client-jeanne.pdf")
    assert "Profil investisseur" in text
    assert "Jeanne Sapin" in text
    assert "rempli le lundi 2 mars 2026, valable jusqu'au jeudi 2 mars 2028" in text
    assert "☒ plus de 5 ans" in text and "☐ moins de 2 ans" in text
    assert "Score total 8" in text
    assert "Profil Équilibré" in text and "Risque maximal (SRI) 4 sur 7" in text
    assert "LE CLIENT : JEANNE SAPIN" in text.upper() and "Signature et cachet" in text


def test_a_template_in_data_templates_replaces_the_shipped_one(tmp_path: Path, carnet) -> None:
    repo = advised_repo(tmp_path / "repo")
    (repo / "data" / "templates").mkdir()
    (repo / "data" / "templates" / "questionnaire-client.html").write_text(
        "<p>Notre modèle : {{ record.full_name }}, profil {{ questionnaire.profile }}</p>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = carnet("merge", "questionnaire-client", "jeanne", "--out", str(out), repo=repo)
    assert result.exit_code == 0, result.output
    assert pdf_text(out / "questionnaire-client-jeanne.pdf").startswith(
        "Notre modèle : Jeanne Sapin, profil Équilibré"
    )


def test_an_extranet_never_carries_the_advisers_compliance_record() -> None:
    from test_checks_compliance import EQUILIBRE, SETTINGS

    from generator.extranet.scope import scoped_to
    from generator.testing import book_from_yaml

    why = "adequacy_justification: Demande écrite de la cliente\nproject: epargne\n"
    project = (
        "title: Épargne Jeanne\npublic: true\ncontacts: [{id: jeanne}]\n"
        "extranet: {enabled: true, password_env: CARNET_EXTRANET_EPARGNE, kinds: [sale]}\n"
    )
    book = book_from_yaml(
        {
            **PRODUCTS,
            CONTACT: contact_record(filled("2026-03-02", EQUILIBRE)),
            SALE: sale(extra=why),
            "data/projects/epargne.yaml": project,
        },
        settings=SETTINGS,
    )
    assert book.interactions["conseil"].record.adequacy_justification
    scoped = scoped_to(book, "epargne")
    assert scoped.interactions["conseil"].record.adequacy_justification is None
    assert not scoped.contacts["jeanne"].record.kyc
