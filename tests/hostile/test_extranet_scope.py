"""Another client's documents never reach an extranet.

A document's ``project:`` line is data anyone can write: an invoice of another company,
or of a private person (name and address), set to ``project: sapins-2026`` must not ship
in that extranet. ``carnet validate`` reports it on that line, and the extranet's scope
leaves it out (card, subject, PDF, search entry) even if it were handed a Book with it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.book.book import Book, build_book
from generator.book.records import Entry, Records
from generator.extranet.attachments import document_attachments
from generator.extranet.build import build_extranet
from generator.extranet.scope import scoped_to
from generator.load import load

from .conftest import TODAY, assert_no_crash, commit_all
from .extranet_open import open_everything

SAPINS = "sapins-2026"
PASSWORD = "Sapins-de-Noel-2026-test"
PRIVATE = "data/interactions/2026/facture-formation-html-fontaine.yaml"
"""Léa Fontaine's invoice F2026-0003: a private person, not in the project."""
OTHER = "data/interactions/2026/devis-site-garage-brotteaux-commande-facture-1.yaml"
"""Garage des Brotteaux's invoice F2026-0001: another company."""
FOREIGN = ("Fontaine", "F2026-0003", "F2026-0001", "Brotteaux", "Sainte-Hélène")


def _move_to_sapins(repo: Path, rel: str) -> int:
    """Set the document's ``project:`` to sapins-2026; the line it is on."""
    path = repo / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (number,) = [n for n, line in enumerate(lines) if line.startswith("project:")]
    lines[number] = f"project: {SAPINS}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return number + 1


def test_validate_reports_a_document_whose_buyer_is_not_in_the_project(repo: Path, carnet) -> None:
    lines = {rel: _move_to_sapins(repo, rel) for rel in (PRIVATE, OTHER)}
    commit_all(repo, "Rattacher au mauvais projet")
    result = carnet(repo, "validate")
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    for rel, line in lines.items():
        assert f"{rel}:{line}:" in result.output, result.output
    assert result.output.count("[document-outside-project]") == 2
    built = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": PASSWORD})
    assert built.exit_code == 1 and not (repo / "build" / "extranet" / SAPINS).exists()
    english = carnet(repo, "--lang", "en", "validate")
    assert "[document-outside-project]" in english.output


def _with_projects(book: Book, moved: dict[str, str]) -> Book:
    """The same Book with some interactions set to another project (no validation)."""
    records = Records(settings=book.settings, lang=book.settings.lang)
    for kind in ("company", "contact", "project", "interaction", "product", "movement"):
        records.by_kind[kind] = dict(book.by_kind(kind))
        records.ids[kind] = set(records.by_kind[kind])
    for key, project in moved.items():
        e = book.interactions[key]
        records.by_kind["interaction"][key] = Entry(
            e.kind, e.id, e.path, e.record.model_copy(update={"project": project})
        )
    return build_book(records, book.today)


def test_the_scope_leaves_out_documents_of_buyers_outside_the_project(
    repo: Path, tmp_path: Path
) -> None:
    book = load(repo, today=date.fromisoformat(TODAY), use_cache=False).book
    assert book is not None
    moved = {e.id: SAPINS for e in book.interactions.values() if e.path in (PRIVATE, OTHER)}
    assert len(moved) == 2
    quote = next(
        e.id
        for e in book.interactions.values()
        if e.record.project == "site-garage-brotteaux"
        and e.record.document is not None
        and e.record.document.kind == "quote"
        and e.record.document.number
    )
    moved[quote] = SAPINS
    hostile = _with_projects(book, moved)
    scoped = scoped_to(hostile, SAPINS)
    assert not set(moved) & set(scoped.interactions)
    assert any(e.record.document is not None for e in scoped.interactions.values())
    pdfs, errors = document_attachments(repo, hostile, scoped)
    assert not errors and not set(moved) & set(pdfs)
    site = tmp_path / "out" / SAPINS
    build_extranet(hostile, SAPINS, site, PASSWORD, iterations=1000, attachments=pdfs)
    everything = open_everything(site, PASSWORD)
    assert "F2026-0005" in everything, "the project's own invoice ships"
    for text in (*FOREIGN, hostile.interactions[quote].record.subject):
        assert text not in everything, text
