"""Merge templates read nothing outside ``data/templates/``, symbolic links included.

A hostile repository links ``data/templates/etc`` to a folder outside and includes a file
through it: the file's text must reach neither the PDF nor any output.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pypdf
import pytest

from tests.hostile.conftest import assert_no_crash, snapshot

RECORD = "formation-wordpress-2026"


def templates(repo: Path) -> Path:
    folder = repo / "data" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(page.extract_text() for page in reader.pages)


def every_output(repo: Path) -> bytes:
    """Every byte written under ``build/``."""
    build = repo / "build"
    return (
        b"".join(v for v in snapshot(build).values() if isinstance(v, bytes))
        if build.exists()
        else b""
    )


def assert_refused_without_leak(result, repo: Path, where: str) -> None:
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(where), result.output
    assert "SECRET" not in result.output
    assert b"SECRET" not in every_output(repo)
    for pdf in (repo / "build").rglob("*.pdf") if (repo / "build").exists() else ():
        assert "SECRET" not in pdf_text(pdf)


def test_include_through_a_linked_folder(carnet, repo: Path, outside: Path) -> None:
    folder = templates(repo)
    (folder / "etc").symlink_to(outside, target_is_directory=True)
    (folder / "fuite.html").write_text(
        '<h1>{{ record.title }}</h1>\n<pre>{% include "etc/secret.txt" %}</pre>\n',
        encoding="utf-8",
    )
    result = carnet(repo, "merge", "fuite", RECORD)
    assert_refused_without_leak(result, repo, "data/templates/fuite.html:2:")
    assert "[merge-unsafe]" in result.output


def test_import_and_extends_through_a_linked_file(carnet, repo: Path, outside: Path) -> None:
    folder = templates(repo)
    (folder / "base.html").symlink_to(outside / "secret.txt")
    (folder / "herite.html").write_text(
        '{% extends "base.html" %}\n{% block x %}{% endblock %}\n', encoding="utf-8"
    )
    (folder / "importe.html").write_text(
        '<p>ok</p>\n{% import "base.html" as b %}\n', encoding="utf-8"
    )
    for name in ("herite", "importe"):
        result = carnet(repo, "merge", name, RECORD)
        # validate reports the link and each template using it, before any merge
        assert_refused_without_leak(result, repo, "data/templates/base.html:1:1: error: ")
        for where in ("data/templates/herite.html:1:", "data/templates/importe.html:2:"):
            assert f"\n{where}" in result.output, result.output


def test_the_template_itself_linked_outside(carnet, repo: Path, outside: Path) -> None:
    (outside / "lettre.html").write_text("<p>SECRET-7f3a9c in a template</p>\n", encoding="utf-8")
    (templates(repo) / "lettre.html").symlink_to(outside / "lettre.html")
    result = carnet(repo, "merge", "lettre", RECORD)
    assert_refused_without_leak(result, repo, "data/templates/lettre.html:1:1: error: ")
    assert "[merge-unsafe]" in result.output


def test_the_templates_folder_linked_outside(carnet, repo: Path, outside: Path) -> None:
    (outside / "lettre.html").write_text("<p>SECRET-7f3a9c in a template</p>\n", encoding="utf-8")
    folder = templates(repo)
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    result = carnet(repo, "merge", "lettre", RECORD)
    assert_refused_without_leak(result, repo, "data/templates:1:1: error: ")


def test_a_template_name_leading_outside(carnet, repo: Path, outside: Path) -> None:
    (outside / "lettre.html").write_text("<p>SECRET-7f3a9c in a template</p>\n", encoding="utf-8")
    result = carnet(repo, "merge", "../../../outside/lettre", RECORD)
    assert_refused_without_leak(result, repo, "data/templates")


def test_links_inside_the_templates_folder_still_work(carnet, repo: Path) -> None:
    folder = templates(repo)
    (folder / "parts").mkdir()
    (folder / "parts" / "pied.html").write_text("<p>Pied de page commun</p>\n", encoding="utf-8")
    (folder / "commun").symlink_to(folder / "parts", target_is_directory=True)
    (folder / "lettre.html").write_text(
        '<h1>{{ record.title }}</h1>\n{% include "commun/pied.html" %}\n', encoding="utf-8"
    )
    (folder / "alias.html").symlink_to(folder / "lettre.html")
    for name in ("lettre", "alias"):
        result = carnet(repo, "merge", name, RECORD, "--out", str(repo / "build" / name))
        assert result.exit_code == 0, result.output
        text = pdf_text(repo / "build" / name / f"{name}-{RECORD}.pdf")
        assert "Pied de page commun" in text


def test_an_unknown_template_is_located(carnet, repo: Path) -> None:
    result = carnet(repo, "merge", "attestation-formaton", RECORD)
    assert_no_crash(result)
    assert result.exit_code == 1
    assert result.output.startswith("data/templates:1:1: error: "), result.output
    assert "attestation-formation" in result.output  # what it could have meant


SECRETS_TEXT = "sapins-2026: SECRET-7f3a9c-du-client\n"


def _link_templates_to(repo: Path, target: str) -> Path:
    """Replace ``data/templates`` by a link to ``target`` (relative to ``data/``), keeping
    a template that includes the repository's hidden files."""
    folder = templates(repo)
    shutil.rmtree(folder)
    folder.symlink_to(target, target_is_directory=True)
    (repo / "fuite.html").write_text(
        '<p>{% include ".carnet-secrets.yaml" %}</p>\n<p>{% include ".git/config" %}</p>\n',
        encoding="utf-8",
    )
    (repo / ".carnet-secrets.yaml").write_text(SECRETS_TEXT, encoding="utf-8")
    return folder


def test_templates_linked_to_the_repository_read_no_hidden_file(carnet, repo: Path) -> None:
    """``data/templates -> ..`` made the repository the templates' folder (the root
    counted as inside), and hidden files were allowed: ``.carnet-secrets.yaml`` and
    ``.git/config`` ended up in the PDF."""
    _link_templates_to(repo, "..")
    result = carnet(repo, "merge", "fuite", RECORD)
    assert_refused_without_leak(result, repo, "data/templates")


@pytest.mark.parametrize("target", ["..", "."])
def test_the_template_root_follows_the_one_rule(repo: Path, target: str) -> None:
    """Checked when the template is read, whatever the walk of ``data/`` said before: a
    templates folder that is the repository (or a folder holding it) is refused."""
    from generator.documents.merge import merge_records
    from generator.load import load

    book = load(repo, use_cache=False).book
    assert book is not None
    folder = _link_templates_to(repo, target)
    if target == ".":
        (repo / "data" / "fuite.html").write_text(
            '{% include "settings.yaml" %}\n', encoding="utf-8"
        )
    assert folder.is_symlink()
    merged = merge_records(book, repo, "fuite", [RECORD], "fr")
    assert merged.files == [] and merged.problem is not None
    assert merged.problem.code == "merge-unsafe", merged.problem
    assert merged.problem.path.startswith("data/templates")


@pytest.mark.parametrize(
    "include",
    ['{% include ".cache/notes.html" %}', '{% import ".macros.html" as m %}'],
)
def test_hidden_templates_are_never_read(carnet, repo: Path, include: str) -> None:
    folder = templates(repo)
    (folder / ".cache").mkdir()
    (folder / ".cache" / "notes.html").write_text("<p>SECRET-7f3a9c notes</p>\n")
    (folder / ".macros.html").write_text("{% macro m() %}SECRET-7f3a9c{% endmacro %}\n")
    (folder / "lettre.html").write_text(f"<h1>{{{{ record.title }}}}</h1>\n{include}\n")
    result = carnet(repo, "merge", "lettre", RECORD)
    assert_refused_without_leak(result, repo, "data/templates/lettre.html:2:")
    assert "[merge-unsafe]" in result.output


def test_a_hidden_template_is_never_merged(carnet, repo: Path) -> None:
    (templates(repo) / ".lettre.html").write_text("<p>SECRET-7f3a9c</p>\n")
    result = carnet(repo, "merge", ".lettre", RECORD)
    assert_refused_without_leak(result, repo, "data/templates")


# --- Bounds: a template can neither exhaust memory nor run forever ---------------------------


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ('<p>ok</p>\n{{ "x" * 4000000000 }}\n', 2),
        ("<p>ok</p>\n{{ [1] * 4000000000 }}\n", 2),
        ("<p>ok</p>\n{{ 7 ** 4000000000 }}\n", 2),
        ('<p>ok</p>\n{{ "x".ljust(4000000000) }}\n', 2),
        ('<p>ok</p>\n{{ "x" | center(4000000000) }}\n', 2),
        ("<p>ok</p>\n{% for i in range(100000) %}{% for j in range(100000) %}"
         "{% endfor %}{% endfor %}\n", 2),
        ("<p>ok</p>\n{% for i in range(100000) %}{% for j in range(100000) %}"
         "xxxxxxxxxx{% endfor %}{% endfor %}\n", 2),
        ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n", 1),
    ],
)  # fmt: skip
def test_a_template_that_would_exhaust_memory_or_time_is_refused(
    carnet, repo: Path, body: str, line: int
) -> None:
    (templates(repo) / "bombe.html").write_text(body, encoding="utf-8")
    began = time.monotonic()
    result = carnet(repo, "merge", "bombe", RECORD)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"data/templates/bombe.html:{line}:"), result.output
    assert "[merge-unsafe]" in result.output
    assert not (repo / "build" / "merge").exists() or not any((repo / "build" / "merge").iterdir())
    assert time.monotonic() - began < 30


def test_a_bounded_template_still_renders(carnet, repo: Path) -> None:
    (templates(repo) / "liste.html").write_text(
        "<h1>{{ record.title }}</h1>\n<p>{{ '-' * 40 }}</p>\n"
        "{% for i in range(200) %}<span>{{ i }}</span>{% endfor %}\n",
        encoding="utf-8",
    )
    result = carnet(repo, "merge", "liste", RECORD)
    assert result.exit_code == 0, result.output
    text = pdf_text(repo / "build" / "merge" / f"liste-{RECORD}.pdf")
    assert "199" in text and "-" * 40 in text
