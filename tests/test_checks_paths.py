"""``carnet validate`` checks every path the settings and records name (checks/paths.py):
the logo, attached files, document templates and merge templates, each at its
``path:line:col``, before any command stops on them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from PIL import Image

from generator.load import load
from generator.testing import MINIMAL_SETTINGS, write_repo

TASK = """\
kind: project
type: "Projet - 1 - À faire"
user: benoit
subject: Rapport
date: 2026-04-10
state: open
"""


def png(size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def make(tmp_path: Path, files: dict[str, str | bytes], logo: str | None = None) -> Path:
    settings = MINIMAL_SETTINGS
    if logo is not None:
        settings = settings.replace("  iban:", f"  logo: {logo}\n  iban:")
    texts = {k: v for k, v in files.items() if isinstance(v, str)}
    root = write_repo(tmp_path / "repo", texts, settings=settings)
    for rel, data in files.items():
        if isinstance(data, bytes):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
    return root


def problems(root: Path, **kwargs) -> list[tuple[str, int, int, str]]:
    result = load(root, today=TODAY, **{"use_cache": False, **kwargs})
    return [
        (p.path, p.line, p.column, p.code)
        for p in result.problems
        if p.code != "history-unavailable"
    ]


LOGO_AT = ("data/settings.yaml", 6, 9)


# --- the logo --------------------------------------------------------------------------


def test_a_wrong_logo_path_is_an_error_on_the_example(tmp_path: Path, carnet) -> None:
    """The issue's case: a logo that does not exist passed validate with 0 errors."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    settings = tmp_path / "data" / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace(
            "  email: contact@atelier-dupont.fr\n",
            "  email: contact@atelier-dupont.fr\n  logo: data/assets/logo.png\n",
        ),
        encoding="utf-8",
    )
    result = carnet("validate", repo=tmp_path)
    assert result.exit_code == 1, result.output
    line = next(n for n, t in enumerate(settings.read_text().splitlines(), 1) if "logo:" in t)
    assert (
        f"data/settings.yaml:{line}:9: error: firm.logo : fichier « data/assets/logo.png » introuvable [path-missing]"
        in result.output
    )
    (tmp_path / "data" / "assets").mkdir()
    (tmp_path / "data" / "assets" / "logo.png").write_bytes(png())
    again = carnet("validate", repo=tmp_path)  # the cache does not hide the new file
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("logo", "files", "code"),
    [
        ("data/assets/logo.png", {}, "path-missing"),
        ("data/assets", {"data/assets/x.png": b""}, "path-missing"),
        ("logo.png", {"logo.png": b"x"}, "path-outside"),
        ("data/../logo.png", {"logo.png": b"x"}, "path-outside"),
        ("/etc/passwd", {}, "path-outside"),
        ("data/.secret.png", {"data/.secret.png": b"x"}, "path-outside"),
        ("data/assets/logo.png", {"data/assets/logo.png": b"not an image"}, "logo-unreadable"),
        ("data/assets/logo.png", {"data/assets/logo.png": b""}, "logo-unreadable"),
        ("data/assets/logo.png", {"data/assets/logo.png": png()[:20]}, "logo-unreadable"),
        ("data/logo.svg", {"data/logo.svg": b"<html><body/></html>"}, "logo-unreadable"),
        ("data/logo.svg", {"data/logo.svg": b"<svg><unclosed></svg>"}, "logo-unreadable"),
        ("data/assets/logo.png", {"data/assets/logo.png": png((6000, 6000))}, "logo-unreadable"),
    ],
    ids=[
        "missing",
        "folder",
        "at-the-root",
        "dot-dot",
        "absolute",
        "hidden",
        "text",
        "empty",
        "cut-png-header",
        "html",
        "broken-svg",
        "huge",
    ],
)
def test_logo_problems(tmp_path: Path, logo: str, files: dict, code: str) -> None:
    root = make(tmp_path, files, logo=logo)
    assert problems(root) == [(*LOGO_AT, code)]


@pytest.mark.parametrize(
    ("logo", "data"),
    [
        ("data/assets/logo.png", png()),
        ("data/logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("data/assets/logo.jpg", None),
    ],
    ids=["png", "svg", "jpeg"],
)
def test_images_weasyprint_draws_pass(tmp_path: Path, logo: str, data: bytes | None) -> None:
    if data is None:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "JPEG")
        data = buffer.getvalue()
    root = make(tmp_path, {logo: data}, logo=logo)
    assert problems(root) == []


def test_a_logo_linked_outside_the_repository_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(png())
    root = make(tmp_path, {}, logo="data/logo.png")
    (root / "data" / "logo.png").symlink_to(outside)
    assert problems(root) == [(*LOGO_AT, "path-outside")]


# --- attachments -----------------------------------------------------------------------


def test_attachments_each_file_under_data_documents(tmp_path: Path) -> None:
    task = TASK + (
        "attachments:\n"
        "  - data/documents/rapport.pdf\n"
        "  - data/documents/absent.pdf\n"
        "  - data/settings.yaml\n"
        "  - data/documents/../settings.yaml\n"
        "  - data/documents/2026\n"
    )
    root = make(
        tmp_path,
        {
            "data/interactions/t.yaml": task,
            "data/documents/rapport.pdf": b"%PDF-1.4",
            "data/documents/2026/x.pdf": b"%PDF-1.4",
        },
    )
    path = "data/interactions/t.yaml"
    assert problems(root) == [
        (path, 9, 5, "path-missing"),
        (path, 10, 5, "path-outside"),
        (path, 11, 5, "path-outside"),
        (path, 12, 5, "path-missing"),
    ]
    result = load(root, today=TODAY, use_cache=False)
    missing = next(p for p in result.problems if p.line == 9)
    assert missing.message == "attachments[2] : fichier « data/documents/absent.pdf » introuvable"
    assert missing.hint == "vouliez-vous dire « data/documents/rapport.pdf » ?"


def test_attachment_and_attachments_at_once(tmp_path: Path) -> None:
    task = TASK + (
        "attachment: data/documents/a.pdf\n"
        "attachments: [data/documents/b.pdf, data/documents/a.pdf]\n"
    )
    root = make(
        tmp_path,
        {
            "data/interactions/t.yaml": task,
            "data/documents/a.pdf": b"%PDF-1.4",
            "data/documents/b.pdf": b"%PDF-1.4",
        },
    )
    assert problems(root) == [("data/interactions/t.yaml", 8, 14, "attachments-both")]


def test_the_one_file_form_is_checked_too(tmp_path: Path) -> None:
    root = make(tmp_path, {"data/interactions/t.yaml": TASK + "attachment: documents/a.pdf\n"})
    assert problems(root) == [("data/interactions/t.yaml", 7, 13, "path-outside")]


def test_the_example_attachments_validate(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = load(tmp_path, today=TODAY, use_cache=False)
    assert result.errors == 0, [p.format_text() for p in result.problems]
    attached = [rel for e in result.book.interactions.values() for rel in e.record.attached]
    assert len(attached) >= 3  # the one-file form and a list
    (tmp_path / attached[-1]).unlink()
    again = load(tmp_path, today=TODAY)
    assert [p.code for p in again.problems if p.is_error] == ["path-missing"]


# --- document templates ----------------------------------------------------------------

INVOICE = """\
kind: sale
type: "Vente - 6 - Gagné"
user: benoit
subject: Facture
date: 2026-04-10
state: open
document:
  kind: invoice
  template: {template}
  lines: [{{description: Travail, unit_price: 100}}]
contact: paul
"""
PAUL = "first_name: Paul\nlast_name: Durand\nemail: paul@example.org\n"


@pytest.mark.parametrize(
    ("template", "code"),
    [
        ("facture", None),
        ("Acompte", None),
        ("factur", "template-unknown"),
        ("avoir", "template-mismatch"),
        ("devis", "template-mismatch"),
    ],
)
def test_document_template_names(tmp_path: Path, template: str, code: str | None) -> None:
    files = {"data/interactions/f.yaml": INVOICE.format(template=template)}
    root = make(tmp_path, {**files, "data/contacts/paul.yaml": PAUL})
    assert problems(root) == ([("data/interactions/f.yaml", 9, 13, code)] if code else [])


# --- merge templates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("templates", "expected"),
    [
        ({"a.html": "<p>{{ record.last_name }}</p>\n"}, []),
        (
            {"a.md": "# T\n\n{% for x in %}\n"},
            [("data/templates/a.md", 3, "merge-template-invalid")],
        ),
        (
            {"a.html": "x\n\n{{ amount | monney }}\n"},
            [("data/templates/a.html", 3, "merge-template-invalid")],
        ),
        (
            {"a.html": "{{ amount | money }} {{ d | date }} {{ d | short_date }} {{ n | number }}"},
            [],
        ),
        (
            {"a.html": "{% if x is nombre %}{% endif %}"},
            [("data/templates/a.html", 1, "merge-template-invalid")],
        ),
        (
            {"a.html": '\n{% include "pied.html" %}'},
            [("data/templates/a.html", 2, "merge-template-unknown")],
        ),
        ({"a.html": '{% include "pied.html" ignore missing %}'}, []),
        (
            {"a.html": '{% include "../settings.yaml" %}'},
            [("data/templates/a.html", 1, "merge-unsafe")],
        ),
        (
            {"a.html": '{% include ".cache.html" %}', ".cache.html": "x"},
            [("data/templates/a.html", 1, "merge-unsafe")],
        ),
        (
            {
                "a.html": '{% extends "base.html" %}',
                "base.html": "{% block x %}{% endblock %}\n{{ x | nope }}",
            },
            [("data/templates/base.html", 2, "merge-template-invalid")],
        ),
        (
            {
                "a.html": '{% import "parts/m.html" as m %}',
                "parts/m.html": "{% macro f() %}{% endmacro",
            },
            [("data/templates/parts/m.html", 1, "merge-template-invalid")],
        ),
        ({"a.html": "{% include name %}"}, []),
        ({"a.html": "caf\xe9"}, []),
        ({"notes.txt": "{% oops"}, []),
    ],
)
def test_merge_templates_compile(tmp_path: Path, templates: dict[str, str], expected: list) -> None:
    root = make(tmp_path, {f"data/templates/{k}": v for k, v in templates.items()})
    assert [(p, line, code) for p, line, _, code in problems(root)] == expected


def test_a_template_that_is_not_utf8(tmp_path: Path) -> None:
    root = make(tmp_path, {"data/templates/a.html": "é".encode("latin-1")})
    assert problems(root) == [("data/templates/a.html", 1, 1, "merge-template-invalid")]


def test_a_templates_folder_linked_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.html").write_text("{% oops", encoding="utf-8")
    root = make(tmp_path, {})
    (root / "data" / "templates").symlink_to(outside, target_is_directory=True)
    # the walk of data/ reports the link (once); nothing of the folder is read
    assert problems(root) == [("data/templates", 1, 1, "file-unreadable")]


def test_the_cache_sees_a_template_broken_later(tmp_path: Path) -> None:
    root = make(tmp_path, {"data/templates/a.html": "<p>ok</p>"})
    assert problems(root, use_cache=True) == []
    (root / "data" / "templates" / "b.html").write_text("{% if %}", encoding="utf-8")
    assert [c for *_, c in problems(root, use_cache=True)] == ["merge-template-invalid"]


def test_merge_adds_exactly_the_filters_validate_knows() -> None:
    """validate parses templates with Jinja2's filters and those merge adds: the same set."""
    from jinja2.sandbox import SandboxedEnvironment

    from generator.checks.paths import MERGE_FILTERS
    from generator.documents.merge import MergeTemplate, _environment

    env = _environment(MergeTemplate("a", "data/templates/a.html", ROOT, ROOT), "fr")
    assert set(env.filters) == set(SandboxedEnvironment().filters) | MERGE_FILTERS
    assert set(env.tests) == set(SandboxedEnvironment().tests)
