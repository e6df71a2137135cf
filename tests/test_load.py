"""The pipeline (generator/load.py): git read once, caches honest, checks on the Book."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, TODAY
from test_site_build import make_repo

from generator.history.git import Git
from generator.load import load


def _started(run) -> int:
    before = Git.started
    run()
    return Git.started - before


def test_a_cold_validate_starts_three_git_processes_at_most(tmp_path: Path) -> None:
    """Status, log and cat-file: the work tree is found by reading ``.git``, the history
    is read once for the check of issued documents (DESIGN.md rule 9)."""
    repo = make_repo(tmp_path / "repo")
    cold = _started(lambda: load(repo, today=TODAY, need_book=False))
    assert cold <= 3
    warm = _started(lambda: load(repo, today=TODAY, need_book=False))
    assert warm == 1  # git status: HEAD and uncommitted files key the cached answer


def test_no_cache_writes_nothing_and_reads_history_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = load(repo, today=TODAY, use_cache=False, with_history=True)
    assert result.book is not None and result.history is not None
    assert not (repo / ".carnet-cache").exists()
    assert result.history.changes_of("data/companies/mes-beaux-sapins.yaml")


def test_a_record_with_a_schema_error_still_meets_the_other_checks(tmp_path: Path) -> None:
    """One schema error does not hide the file's other problems: the record enters the
    Book with the fields that validated, and the reference checks run on it."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    contact = repo / "data" / "contacts" / "jeanne-sapin.yaml"
    text = contact.read_text(encoding="utf-8")
    text = text.replace("company: mes-beaux-sapins", "company: mes-beaux-sapin")
    text = text.replace("role: Responsable communication", "role: [pas, du, texte]")
    contact.write_text(text, encoding="utf-8")
    result = load(repo, today=TODAY, use_cache=False)
    found = {(p.line, p.code) for p in result.problems if p.path.endswith("jeanne-sapin.yaml")}
    assert {(3, "ref-unknown"), (4, "type-invalid")} <= found
    assert result.book is None  # the targets never get a Book with errors
