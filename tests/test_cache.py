"""The validate cache: keyed by content, so any edit is seen; never fatal."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_edit_after_a_warm_run_is_seen(carnet, repo) -> None:
    assert carnet("validate", repo=repo).exit_code == 0
    assert (repo / ".carnet-cache" / "validate.pickle").exists()
    assert carnet("validate", repo=repo).exit_code == 0
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("kind: client", "kind: clien"), encoding="utf-8")
    result = carnet("validate", "--format", "json", repo=repo)
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.stdout) if p["severity"] != "info"]
    assert [p["code"] for p in problems] == ["enum-invalid"]
    assert problems[0]["path"] == "data/companies/mes-beaux-sapins.yaml"
    company.write_text(text, encoding="utf-8")
    assert carnet("validate", repo=repo).exit_code == 0


def test_same_size_edit_is_seen(carnet, repo) -> None:
    """Content, not size or time: swapping two letters changes the answer."""
    assert carnet("validate", repo=repo).exit_code == 0
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("kind: client", "kind: clinet"), encoding="utf-8")
    assert carnet("validate", repo=repo).exit_code == 1


def test_corrupt_cache_is_only_a_notice(carnet, repo) -> None:
    (repo / ".carnet-cache").mkdir()
    (repo / ".carnet-cache" / "validate.pickle").write_bytes(b"not a pickle")
    (repo / ".carnet-cache" / "records.pickle").write_bytes(b"\x80\x05garbage")
    result = carnet("validate", "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    codes = {p["code"] for p in json.loads(result.stdout)}
    assert codes <= {"cache-unreadable", "history-unavailable"}


def test_no_cache_writes_nothing(carnet, repo) -> None:
    assert carnet("validate", "--no-cache", repo=repo).exit_code == 0
    assert not (repo / ".carnet-cache").exists()


def test_record_cache_serves_a_build_after_an_edit(carnet, repo) -> None:
    """summary (which needs the Book) fills the per-file cache; an edit reparses one file."""
    assert carnet("summary", repo=repo).exit_code == 0
    assert (repo / ".carnet-cache" / "records.pickle").exists()
    contact = repo / "data" / "contacts" / "jeanne-sapin.yaml"
    contact.write_text(
        contact.read_text(encoding="utf-8") + "company: nulle-part\n", encoding="utf-8"
    )
    result = carnet("validate", "--format", "json", repo=repo)
    assert result.exit_code == 1
    codes = {p["code"] for p in json.loads(result.stdout) if p["severity"] != "info"}
    assert codes == {"yaml-duplicate-key"}
