"""Incremental builds: reuse earlier work, never leave a stale or missing page or entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import TODAY
from test_site_build import _git, build, make_repo, read

from generator.load import load
from generator.locale import money


def search_entries(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def pages_of(entries: list[dict]) -> set[str]:
    return {e["location"].split("#", 1)[0] for e in entries}


@pytest.fixture
def built(runner, tmp_path):
    repo = make_repo(tmp_path / "repo")
    result = build(runner, repo)
    assert result.exit_code == 0, result.output
    assert "complète" in result.stdout
    return repo, repo / "build" / "site"


def test_rebuild_without_change_rewrites_and_renders_nothing(runner, built) -> None:
    repo, site = built
    page = site / "societes" / "mes-beaux-sapins" / "index.html"
    before = page.stat().st_mtime_ns
    entries = search_entries(site)
    result = build(runner, repo)
    assert "incrémentale" in result.stdout
    assert "0 réécrite" in result.stdout
    assert page.stat().st_mtime_ns == before, "an unchanged page was rendered again"
    assert sorted(map(json.dumps, search_entries(site))) == sorted(map(json.dumps, entries))


def test_edit_then_delete_keep_every_page_and_index_right(runner, built) -> None:
    repo, site = built
    untouched = site / "societes" / "pepinieres-du-rhone" / "index.html"
    untouched_mtime = untouched.stat().st_mtime_ns
    pages_before = pages_of(search_entries(site))

    # 1. Edit a company's name.
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    company.write_text(
        company.read_text(encoding="utf-8").replace(
            "name: Mes Beaux Sapins", "name: Les Sapins Royaux"
        ),
        encoding="utf-8",
    )
    _git(repo, "commit", "-qam", "Renomme le client", when="2026-11-24T15:00:00")
    result = build(runner, repo)
    assert result.exit_code == 0, result.output
    assert "incrémentale" in result.stdout
    assert "Les Sapins Royaux" in read(site, "societes/mes-beaux-sapins")
    assert "Les Sapins Royaux" in read(site, "societes")
    assert "Mes Beaux Sapins" not in read(site, "societes")
    assert "Les Sapins Royaux" in read(site, "pipelines/sale")  # board cards name the company
    entries = search_entries(site)
    assert pages_of(entries) == pages_before, "a page's search entries were lost"
    titles = [e["title"] for e in entries if e["location"] == "societes/mes-beaux-sapins/"]
    assert titles == ["Les Sapins Royaux"]
    page_entries = [e for e in entries if e["location"].startswith("societes/mes-beaux-sapins/")]
    assert page_entries and not [e for e in page_entries if "Mes Beaux Sapins" in e["title"]]
    assert untouched.stat().st_mtime_ns == untouched_mtime, "an unrelated page was rendered again"
    changes = read(site, "modifications")
    assert "Les Sapins Royaux" in changes and "Renomme" not in changes  # field-level, no subject
    history = read(site, "societes/mes-beaux-sapins")
    assert "Les Sapins Royaux" in history.split("Historique", 1)[1]

    # 2. Delete a contact and its interactions' link to it: the page and its entries go.
    contact = repo / "data" / "contacts" / "lea-fontaine.yaml"
    referenced = [
        p
        for p in (repo / "data").rglob("*.yaml")
        if "lea-fontaine" in p.read_text(encoding="utf-8")
    ]
    for path in referenced:
        if path != contact:
            lines = [
                line
                for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                if "lea-fontaine" not in line
            ]
            path.write_text("".join(lines), encoding="utf-8")
    contact.unlink()
    _git(repo, "commit", "-qam", "Supprime un contact", when="2026-11-24T16:00:00")
    result = build(runner, repo)
    assert result.exit_code == 0, result.output
    assert not (site / "contacts" / "lea-fontaine").exists()
    assert "lea-fontaine" not in read(site, "contacts")
    entries = search_entries(site)
    assert "contacts/lea-fontaine/" not in pages_of(entries)
    assert pages_of(entries) == pages_before - {"contacts/lea-fontaine/"}
    changes = read(site, "modifications")
    assert "data/contacts/lea-fontaine.yaml" in changes and "(suppression)" in changes


def test_dashboard_follows_a_budget_change(runner, built) -> None:
    repo, site = built
    before = read(site, "")
    path = next((repo / "data" / "interactions").rglob("*.yaml"))
    for candidate in sorted((repo / "data" / "interactions").rglob("*.yaml")):
        text = candidate.read_text(encoding="utf-8")
        if "kind: sale" in text and "budget:" in text and "document:" not in text:
            path = candidate
            break
    text = path.read_text(encoding="utf-8")
    lines = [
        "budget: 987654.32" if line.startswith("budget:") else line for line in text.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build(runner, repo).exit_code == 0
    after = read(site, "")
    assert after != before
    book = load(repo, today=TODAY, use_cache=False).book
    stage = yaml.safe_load(text)["type"]
    total = next(t.amount for t in book.pipeline_totals["sale"] if t.stage == stage)
    assert money(total) in after


def test_build_at_a_past_revision_leaves_the_work_tree_alone(runner, tmp_path) -> None:
    repo = make_repo(tmp_path / "repo")
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    company.write_text(
        company.read_text(encoding="utf-8").replace("name: Mes Beaux Sapins", "name: Sapins 2027"),
        encoding="utf-8",
    )
    _git(repo, "commit", "-qam", "Nouveau nom", when="2026-11-24T15:00:00")
    company.write_text(company.read_text(encoding="utf-8") + "\n# brouillon\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (repo / "data").rglob("*") if p.is_file()}
    past = tmp_path / "past"
    result = build(runner, repo, "--at", "2026-11-10", "--out", str(past))
    assert result.exit_code == 0, result.output
    assert "Mes Beaux Sapins" in (past / "societes" / "mes-beaux-sapins" / "index.html").read_text(
        encoding="utf-8"
    )
    result = build(runner, repo, "--at", "HEAD~1", "--out", str(past))
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in (repo / "data").rglob("*") if p.is_file()} == before
    assert build(runner, repo, "--at", "pas-une-revision").exit_code == 2


def test_a_lost_search_index_is_rebuilt_whole(runner, built) -> None:
    """An incremental build merges into the previous index: without it, the site is built
    clean rather than left with the entries of the pages rendered again only."""
    repo, site = built
    entries = search_entries(site)
    (site / "search" / "search_index.json").unlink()
    result = build(runner, repo)
    assert result.exit_code == 0, result.output
    assert "complète" in result.stdout
    assert sorted(map(json.dumps, search_entries(site))) == sorted(map(json.dumps, entries))


def _staged_files(repo: Path) -> dict[str, bytes]:
    """Every staged page, feed and asset of the site built from ``repo`` (PDFs aside, and
    the private projects' page: sealed with a fresh salt each time)."""
    (stage,) = (repo / "build" / ".carnet-site").iterdir()
    docs = stage / "docs"
    return {
        p.relative_to(docs).as_posix(): p.read_bytes()
        for p in sorted(docs.rglob("*"))
        if p.is_file() and p.suffix != ".pdf" and p.name != "projets-prives.md"
    }


def test_a_one_shot_build_reuses_the_rows_events_and_documents_it_kept(runner, built) -> None:
    """What a build keeps in its staging folder (rows, events, document keys) makes the
    next build's pages, feeds and PDFs exactly those of a build from nothing; it is
    truly reused, and a memo of another version of Carnet is not."""
    import shutil

    from generator.site.kept import MEMO_FILE

    repo, _ = built
    (stage,) = (repo / "build" / ".carnet-site").iterdir()
    kept = json.loads((stage / MEMO_FILE).read_text(encoding="utf-8"))
    assert kept["rows"] and kept["events"] and kept["documents"]

    sale = repo / "data" / "interactions" / "2026" / "devis-boutique-fromagerie.yaml"
    text = sale.read_text(encoding="utf-8")
    sale.write_text(text.replace("subject: ", "subject: Révisé — ", 1), encoding="utf-8")
    _git(repo, "commit", "-qam", "Révise le devis", when="2026-11-24T15:00:00")
    assert build(runner, repo).exit_code == 0
    fresh = make_repo(repo.parent / "fresh")
    shutil.copytree(repo / "data", fresh / "data", dirs_exist_ok=True)
    shutil.copytree(repo / ".git", fresh / ".git", dirs_exist_ok=True)
    assert build(runner, fresh).exit_code == 0
    assert _staged_files(repo) == _staged_files(fresh)
    pdfs = sorted(p.name for p in (repo / "build" / "documents").glob("*.pdf"))
    assert pdfs == sorted(p.name for p in (fresh / "build" / "documents").glob("*.pdf"))

    # reused indeed: a kept row whose inputs still hold is taken as it is
    kept = json.loads((stage / MEMO_FILE).read_text(encoding="utf-8"))
    row = next(r for r in kept["rows"] if r[0] == "interactions/sale.md")
    row[4] = row[4] + "<!-- gardée -->"
    (stage / MEMO_FILE).write_text(json.dumps(kept), encoding="utf-8")
    (stage / "docs" / "interactions" / "sale.md").unlink()
    assert build(runner, repo).exit_code == 0
    assert "<!-- gardée -->" in (stage / "docs" / "interactions" / "sale.md").read_text()

    kept["code"] = "une autre version"
    (stage / MEMO_FILE).write_text(json.dumps(kept), encoding="utf-8")
    (stage / "docs" / "interactions" / "sale.md").unlink()
    assert build(runner, repo).exit_code == 0
    assert "<!-- gardée -->" not in (stage / "docs" / "interactions" / "sale.md").read_text()
