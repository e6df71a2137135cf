"""``carnet merge``: user templates in a sandbox, real PDFs read back."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from conftest import ROOT

from generator.testing import write_repo

FILES = {
    "data/companies/acme.yaml": "name: <script>alert(1)</script> & Cie\nkind: client\n",
    "data/contacts/jeanne.yaml": "first_name: Jeanne\nlast_name: Sapin\ncompany: acme\n",
    "data/contacts/paul.yaml": "first_name: Paul\nlast_name: Durand\n",
    "data/projects/stage.yaml": """\
        title: Stage photo
        start: 2026-06-01
        end: 2026-06-05
        members: [{user: claire, role: formatrice}]
        contacts: [{id: jeanne, role: apprenante}, {id: paul, role: apprenant}]
        """,
}


def text_of(pdf_path: Path) -> str:
    """The PDF's text without any space (pypdf splits kerned pairs: « T est »)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes()))
    return squeeze(" ".join(page.extract_text() for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def make_repo(root: Path, templates: dict[str, str]) -> Path:
    return write_repo(
        root, {**FILES, **{f"data/templates/{name}": text for name, text in templates.items()}}
    )


def test_bundled_certificate_on_the_example_training(carnet, tmp_path: Path) -> None:
    repo = tmp_path / "example"
    shutil.copytree(ROOT / "data", repo / "data")
    result = carnet("merge", "attestation-formation", "formation-wordpress-2026", repo=repo)
    assert result.exit_code == 0, result.stderr
    out = repo / "build" / "merge" / "attestation-formation-formation-wordpress-2026.pdf"
    assert result.stdout.splitlines() == [out.relative_to(repo).as_posix()]
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3  # one certificate per trainee
    assert "Isabelle Mercier" in pages[0]
    assert "Robert Gauthier" in pages[1]
    assert "Thomas Arnaud" in pages[2]
    for page in pages:
        assert "Atelier Dupont" in page
        assert "Formation WordPress / novembre 2026" in page
        assert "Karim Haddad" in page


def test_html_template_fields_filters_and_escaping(carnet, tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "lettre.html": (
                "<h1>{{ record.name }}</h1>\n"
                "<p>{{ firm.name }}, SIREN {{ firm.siren }}</p>\n"
                "<p>{% for c in contacts %}{{ c.full_name }};{% endfor %}</p>\n"
                "<p>{{ 1500 | money }} le {{ today | date }}</p>\n"
            )
        },
    )
    result = carnet("merge", "lettre", "acme", "--out", str(tmp_path / "out"), repo=repo)
    assert result.exit_code == 0, result.stderr
    text = text_of(tmp_path / "out" / "lettre-acme.pdf")
    assert squeeze("<script>alert(1)</script> & Cie") in text  # shown as text, not markup
    assert squeeze("Atelier Test, SIREN 732829320") in text
    assert squeeze("Jeanne Sapin;") in text
    assert squeeze("1 500,00 € le mercredi 25 novembre 2026") in text


def test_markdown_template_on_a_project(carnet, tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "convocation.md": (
                "# Convocation : {{ record.title }}\n\n"
                "Du **{{ record.start | date }}** au {{ record.end | short_date }}.\n\n"
                "{% for c in contacts %}- {{ c.full_name }} ({{ c.role }})\n{% endfor %}"
            )
        },
    )
    result = carnet("merge", "convocation.md", "project/stage", repo=repo)
    assert result.exit_code == 0, result.stderr
    text = text_of(repo / "build" / "merge" / "convocation-stage.pdf")
    assert squeeze("Convocation : Stage photo") in text
    assert squeeze("Du lundi 1er juin 2026 au 05/06/2026.") in text
    assert squeeze("Jeanne Sapin (apprenante)") in text
    assert squeeze("Paul Durand (apprenant)") in text


def test_unknown_tag_names_the_template_line_and_writes_nothing(carnet, tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r", {"t.html": "<p>{{ firm.name }}</p>\n\n<p>{{ record.nom }}</p>\n"}
    )
    result = carnet("merge", "t", "jeanne", "paul", repo=repo)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert (
        first
        == "data/templates/t.html:3:14: error: balise inconnue « nom » dans le modèle [merge-unknown-tag]"
    )
    assert not (repo / "build").exists()


def test_unknown_variable_and_syntax_error(carnet, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.html": "x\n{{ recrod.last_name }}\n"})
    unknown = carnet("merge", "a", "jeanne", repo=repo)
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("data/templates/a.html:2:4: error: balise inconnue « recrod »")
    repo = make_repo(tmp_path / "s", {"b.md": "# T\n\n{% for x in %}\n"})
    broken = carnet("merge", "b", "jeanne", repo=repo)
    assert broken.exit_code == 1
    assert broken.stderr.startswith("data/templates/b.md:3:1: error: modèle invalide")
    assert "[merge-template-invalid]" in broken.stderr


@pytest.mark.parametrize(
    "escape",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ firm.__class__ }}",
        "{{ record.items.__globals__ }}",
    ],
)
def test_sandbox_escapes_are_refused(carnet, tmp_path: Path, escape: str) -> None:
    repo = make_repo(tmp_path / "r", {"x.html": f"<p>ok</p>\n{escape}\n"})
    result = carnet("merge", "x", "jeanne", repo=repo)
    assert result.exit_code == 1
    assert result.stderr.startswith("data/templates/x.html:2:")
    assert "[merge-unsafe]" in result.stderr or "[merge-unknown-tag]" in result.stderr
    assert not (repo / "build").exists()


def test_include_outside_templates_and_remote_resources_are_refused(carnet, tmp_path: Path) -> None:
    inc_repo = make_repo(tmp_path / "i", {"inc.html": '{% include "../settings.yaml" %}\n'})
    inc = carnet("merge", "inc", "jeanne", repo=inc_repo)
    assert inc.exit_code == 1
    assert "data/templates/inc.html:1:" in inc.stderr
    assert not (inc_repo / "build").exists()
    repo = make_repo(
        tmp_path / "r",
        {
            "img.html": '<img src="https://example.org/pixel.png">\n',
            "etc.html": '<link rel="stylesheet" href="file:///etc/passwd">\n',
        },
    )
    for name in ("img", "etc"):
        result = carnet("merge", name, "jeanne", repo=repo)
        assert result.exit_code == 1
        assert "ressource refusée" in result.stderr
    assert not (repo / "build").exists()


def test_unknown_template_and_record(carnet, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"lettre.html": "<p>{{ record.id }}</p>"})
    missing = carnet("merge", "contrat", "jeanne", repo=repo)
    assert missing.exit_code == 1
    assert "modèle « contrat » introuvable" in missing.stderr
    assert "lettre.html" in missing.stderr
    unknown = carnet("merge", "lettre", "jeane", repo=repo)
    assert unknown.exit_code == 2
    assert "contact/jeanne" in unknown.stderr
