"""A long-running process (``carnet serve``) parses again only the files that changed."""

from __future__ import annotations

import json
import shutil

from conftest import ROOT

from generator.files.cache import digest
from generator.load import load
from generator.schema.batch import ParseMemo

COMPANY = "data/companies/mes-beaux-sapins.yaml"


def test_an_edit_parses_its_own_file_only_and_the_cache_stays_whole(tmp_path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    memo = ParseMemo()
    first = load(tmp_path, memo=memo)
    assert first.book is not None
    assert len(memo.parsed) == sum(first.files.values())
    other = next(path for path in memo.parsed if path != COMPANY)
    kept = memo.parsed[other][3]

    company = tmp_path / COMPANY
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("name: Mes Beaux Sapins", "name: Mes Très Beaux Sapins"))
    second = load(tmp_path, memo=memo)
    assert second.book is not None
    assert second.book.companies["mes-beaux-sapins"].record.name == "Mes Très Beaux Sapins"
    assert memo.parsed[other][3] is kept  # not parsed again, not read back from the cache
    assert memo.parsed[COMPANY][0] == digest(company.read_bytes())

    (cached,) = (tmp_path / ".carnet-cache").glob("records-*.json")
    stored = json.loads(cached.read_text(encoding="utf-8"))["value"]
    assert stored[COMPANY][0] != digest(company.read_bytes()).hex()  # put off after an edit
    memo.save()  # carnet serve writes it once the edits pause (serve.WhenResting)
    stored = json.loads(cached.read_text(encoding="utf-8"))["value"]
    # every record but those whose JSON would not read back the same (custom dates)
    assert set(stored) <= set(memo.parsed) and len(stored) >= len(memo.parsed) - 1
    assert stored[COMPANY][0] == digest(company.read_bytes()).hex()
    assert "Mes Très Beaux Sapins" in stored[COMPANY][3]
