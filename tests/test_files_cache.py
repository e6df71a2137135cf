"""The validate cache: keyed by content, so any edit is seen; never fatal."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT


def cache_file(repo, name: str):
    """The one cache file holding ``name`` (named by Carnet's code digest)."""
    found = list((repo / ".carnet-cache").glob(f"{name}-*.json"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_edit_after_a_warm_run_is_seen(carnet, repo) -> None:
    assert carnet("validate", repo=repo).exit_code == 0
    assert cache_file(repo, "validate").exists()
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
    assert carnet("summary", repo=repo).exit_code == 0
    cache_file(repo, "validate").write_bytes(b"not JSON")
    cache_file(repo, "records").write_bytes(b"\x80\x05garbage")
    result = carnet("validate", "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    codes = {p["code"] for p in json.loads(result.stdout)}
    assert codes <= {"cache-unreadable", "history-unavailable", "kyc-justified"}


def test_no_cache_writes_nothing(carnet, repo) -> None:
    assert carnet("validate", "--no-cache", repo=repo).exit_code == 0
    assert not (repo / ".carnet-cache").exists()


def test_record_cache_serves_a_build_after_an_edit(carnet, repo) -> None:
    """summary (which needs the Book) fills the per-file cache; an edit reparses one file."""
    assert carnet("summary", repo=repo).exit_code == 0
    assert cache_file(repo, "records").exists()
    contact = repo / "data" / "contacts" / "jeanne-sapin.yaml"
    contact.write_text(
        contact.read_text(encoding="utf-8") + "company: nulle-part\n", encoding="utf-8"
    )
    result = carnet("validate", "--format", "json", repo=repo)
    assert result.exit_code == 1
    codes = {p["code"] for p in json.loads(result.stdout) if p["severity"] != "info"}
    assert codes == {"yaml-duplicate-key"}


def test_cached_record_reads_back_the_same() -> None:
    """A cached record is validated again into the very same record: local date-times keep
    their zone (its daylight-saving rules), typed values inside ``Any`` fields are kept or
    the record is not cached."""
    from zoneinfo import ZoneInfo

    from generator.schema import KINDS_BY_NAME
    from generator.schema.parse import record_from_json, record_to_json

    interaction = KINDS_BY_NAME["interaction"].model.model_validate(
        {
            "kind": "project",
            "type": "Projet - 1 - À faire",
            "user": "benoit",
            "subject": "Formation",
            "date": "2026-03-28",
            "state": "open",
            "start": "2026-03-28T09:00",
            "end": "2026-03-28T17:00",
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        context={"tz": "Europe/Paris"},
    )
    text = record_to_json(interaction, "Europe/Paris")
    assert text is not None and "+01:00" not in text
    back = record_from_json(type(interaction), text, "Europe/Paris")
    assert back == interaction
    assert back.start.tzinfo == ZoneInfo("Europe/Paris")
    contact_model = KINDS_BY_NAME["contact"].model
    from datetime import date

    contact = contact_model.model_validate(
        {
            "last_name": "Sapin",
            "kyc": [
                {
                    "questionnaire": "q",
                    "date": date(2026, 3, 2),
                    "answers": {"le": date(2026, 3, 2)},
                }
            ],
        }
    )
    text = record_to_json(contact, "Europe/Paris")
    assert text is None or record_from_json(contact_model, text, "Europe/Paris") == contact


def test_a_change_in_any_package_of_carnet_is_a_new_code_digest(tmp_path) -> None:
    """Editing a check (not only files/) must invalidate the caches of validate."""
    import shutil

    from generator.files.cache import GENERATOR, code_digest

    copy = tmp_path / "generator"
    shutil.copytree(GENERATOR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_digest(copy) == code_digest(GENERATOR)
    for edited in ("checks/references.py", "messages.yaml", "book/book.py"):
        before = code_digest.__wrapped__(copy)
        with (copy / edited).open("a") as fh:
            fh.write("\n# edited\n")
        assert code_digest.__wrapped__(copy) != before, edited


def test_a_damaged_file_table_is_only_a_notice(carnet, repo) -> None:
    """Every file is read again, the answer is the same, and the table is written anew."""
    first = carnet("validate", "--format", "json", repo=repo)
    (table,) = (repo / ".carnet-cache").glob("files-*.bin")
    table.write_bytes(table.read_bytes()[:-7])
    damaged = carnet("validate", "--format", "json", repo=repo)
    assert damaged.exit_code == first.exit_code
    notices = [p for p in json.loads(damaged.stdout) if p["code"] == "cache-unreadable"]
    assert len(notices) == 1 and notices[0]["severity"] == "info"
    rest = [p for p in json.loads(damaged.stdout) if p["code"] != "cache-unreadable"]
    assert rest == json.loads(first.stdout)
    from generator.files.snapshot import FileTable

    (table,) = (repo / ".carnet-cache").glob("files-*.bin")
    assert FileTable.from_bytes(table.read_bytes()) is not None
