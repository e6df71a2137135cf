"""Command-line conventions shared by every command."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from generator.cli.main import all_commands, main


def _commands() -> list[str]:
    return sorted(all_commands())


@pytest.mark.parametrize("name", _commands())
def test_every_command_is_documented_in_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"carnet (\[[^\]]*\] )?{name}\b", readme), (
        f"README has no example of carnet {name}"
    )


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(runner, name: str) -> None:
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Exemple" in result.output
    assert f"carnet {name}" in result.output


def test_missing_repository_exits_2(carnet, tmp_path) -> None:
    result = carnet("validate", repo=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "introuvable" in result.stderr


def test_repository_without_data_exits_2(carnet, tmp_path) -> None:
    result = carnet("validate", repo=tmp_path)
    assert result.exit_code == 2
    assert "data/" in result.stderr


def test_bad_today_is_a_usage_error(runner) -> None:
    result = runner.invoke(main, ["--today", "demain", "validate"])
    assert result.exit_code == 2


def test_unknown_option_is_a_usage_error(runner) -> None:
    assert runner.invoke(main, ["validate", "--nope"]).exit_code == 2


def test_english_messages(runner, tmp_path) -> None:
    from generator.testing import write_repo

    write_repo(tmp_path, {"data/contacts/x.yaml": "last_name: X\ncompany: acme\n"})
    result = runner.invoke(main, ["--repo", str(tmp_path), "--lang", "en", "validate"])
    assert result.exit_code == 1
    assert "unknown company 'acme'" in result.stdout
    assert "1 error, 0 warnings" in result.stderr


def test_unexpected_error_is_one_line_without_traceback(runner, tmp_path, monkeypatch) -> None:
    """The last-resort handler: the one test that has to inject a failure to reach it."""
    import generator.files.reading
    from generator.testing import write_repo

    write_repo(tmp_path, {})

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(generator.files.reading, "walk", broken)
    result = runner.invoke(main, ["--repo", str(tmp_path), "validate"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "RuntimeError: disque plein" in result.stderr
    assert "--debug" in result.stderr


def test_unreadable_and_special_files_are_problems_not_hangs(carnet, tmp_path) -> None:
    import json
    import os

    from generator.testing import write_repo

    write_repo(tmp_path, {"data/companies/ok.yaml": "name: OK\nkind: client\n"})
    os.mkfifo(tmp_path / "data" / "companies" / "fifo.yaml")
    os.symlink("nowhere.yaml", tmp_path / "data" / "companies" / "broken.yaml")
    result = carnet("validate", "--format", "json", repo=tmp_path)
    assert result.exit_code == 1
    found = {(p["path"], p["code"]) for p in json.loads(result.stdout)}
    assert found == {
        ("data/companies/fifo.yaml", "file-unreadable"),
        ("data/companies/broken.yaml", "file-unreadable"),
    }


def test_every_problem_code_is_listed_in_readme() -> None:
    from generator.problems import CATALOGUE, REFUSAL_KINDS, TEXT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        code
        for code, entry in CATALOGUE.items()
        if entry.severity not in (*REFUSAL_KINDS, TEXT) and f"| `{code}` |" not in readme
    ]
    assert not missing, f"README lacks problem codes: {missing}"
