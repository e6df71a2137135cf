"""Hand-typed mistakes: every problem family is reported at its exact place, never a crash.

Each case of ``tests/fixtures/bad/cases.yaml`` is the small clean repository of
``tests/fixtures/base`` with a few files replaced or added; ``carnet validate`` runs
in-process on a copy and must report the expected problems, nothing else, and write
nothing but its cache.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from badinput_helpers import (
    BAD,
    assert_json_problems,
    assert_no_crash,
    load_cases,
    make_repo,
    snapshot,
    validate,
)

CASES = load_cases()


def _format(problems: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {p['path']}:{p['line']}:{p['column']}: {p['severity']}: {p['message']} "
        f"[{p['code']}] (hint: {p['hint']})"
        for p in problems
    )


def _matches(problem: dict[str, Any], expected: dict[str, Any]) -> bool:
    codes = expected["code"] if isinstance(expected["code"], list) else [expected["code"]]
    return (
        problem["code"] in codes
        and problem["path"] == expected["path"]
        and problem["line"] == expected["line"]
        and problem["column"] == expected["column"]
    )


def test_base_repository_is_clean(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    run = validate(repo)
    assert_no_crash(run)
    assert run.exit_code == 0, run.describe()
    # issued documents outside git: the one notice that the git checks are skipped
    assert [p["code"] for p in assert_json_problems(run)] == ["history-unavailable"]


def test_every_case_folder_is_described() -> None:
    folders = {p.name for p in BAD.iterdir() if p.is_dir()}
    assert folders <= set(CASES), f"folders without a case: {sorted(folders - set(CASES))}"
    without_files = [
        name for name, spec in CASES.items() if name not in folders and not spec.get("delete")
    ]
    assert not without_files, f"cases without files: {without_files}"


def test_fixture_bytes_survived_git() -> None:
    """CRLF, BOM and cp1252 fixtures must not be normalised by an editor or by git."""
    for path in (BAD / "crlf-bom-valid").rglob("*.yaml"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, path
    raw = (BAD / "encoding-cp1252/data/companies/pepinieres-du-rhone.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Pépinières".encode("cp1252") in raw
    assert b"\t" in (BAD / "yaml-tab/data/contacts/jeanne-sapin.yaml").read_bytes()
    assert (BAD / "file-empty/data/contacts/marc-lefevre.yaml").read_bytes() == b""


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, tmp_path: Path) -> None:
    spec = CASES[name]
    repo = make_repo(tmp_path / "repo", name, spec)
    entries_before = {p.name for p in repo.iterdir()}
    before = snapshot(repo)

    run = validate(repo, cache=True)

    assert_no_crash(run)
    problems = assert_json_problems(run)
    shown = f"case {name} ({spec.get('about', '')}):\n{_format(problems)}\n{run.describe()}"
    assert snapshot(repo) == before, f"validate modified data/\n{shown}"
    assert {p.name for p in repo.iterdir()} <= entries_before | {".carnet-cache"}, shown

    matched: list[dict[str, Any]] = []
    for expected in spec["expect"]:
        found = [p for p in problems if _matches(p, expected)]
        where = f"{expected['path']}:{expected['line']}:{expected['column']} [{expected['code']}]"
        assert found, f"expected {where}, got:\n{shown}"
        problem = found[0]
        if "message" in expected:
            assert str(expected["message"]) in problem["message"], shown
        if "message_not" in expected:
            assert str(expected["message_not"]) not in problem["message"], shown
        if "hint" in expected:
            assert problem["hint"] and str(expected["hint"]) in problem["hint"], shown
        matched.extend(found)

    allowed = set(spec.get("allow", []))
    unexpected = [
        p
        for p in problems
        if p["severity"] != "info" and p not in matched and p["code"] not in allowed
    ]
    assert not unexpected, f"unexpected problems:\n{_format(unexpected)}\n{shown}"
    exits = spec["exit"] if isinstance(spec["exit"], list) else [spec["exit"]]
    assert run.exit_code in exits, shown


# --- output formats and options ---------------------------------------------------------

TEXT_LINE = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info): "
    r"(?P<message>.+) \[(?P<code>[a-z0-9-]+)\]$"
)


def problem_lines(stdout: str) -> list[str]:
    """The text output's lines, without the info notice of a repository outside git."""
    lines: list[str] = []
    skipping = False
    for line in stdout.splitlines():
        if line.startswith("    ") and skipping:
            continue
        skipping = line.endswith("[history-unavailable]")
        if not skipping:
            lines.append(line)
    return lines


def test_text_format(tmp_path: Path) -> None:
    """``path:line:col: severity: message [code]``, the hint indented on the next line."""
    repo = make_repo(tmp_path / "repo", "yaml-syntax")
    run = validate(repo, fmt="text")
    assert_no_crash(run)
    assert run.exit_code == 1
    lines = problem_lines(run.result.stdout)
    assert len(lines) == 2, run.describe()
    match = TEXT_LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"] == "data/companies/mes-beaux-sapins.yaml"
    assert (match["line"], match["column"]) == ("4", "18")
    assert match["severity"] == "error" and match["code"] == "yaml-syntax"
    assert lines[1].startswith("    ") and "guillemets" in lines[1]
    assert "erreur" in run.result.stderr  # the summary goes to stderr only


def test_text_format_warning_without_hint(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "file-unexpected")
    run = validate(repo, fmt="text")
    assert run.exit_code == 0, run.describe()
    lines = problem_lines(run.result.stdout)
    assert len(lines) == 1, run.describe()
    match = TEXT_LINE.match(lines[0])
    assert match and match["severity"] == "warning" and match["code"] == "file-unexpected"


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "field-unknown")
    relaxed = validate(repo)
    assert relaxed.exit_code == 0, relaxed.describe()
    strict = validate(repo, "--strict")
    assert_no_crash(strict)
    assert strict.exit_code == 1, strict.describe()
    problems = [p for p in assert_json_problems(strict) if p["severity"] != "info"]
    assert [(p["code"], p["severity"]) for p in problems] == [("field-unknown", "error")]


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "budget-sign")
    before = {p.relative_to(repo) for p in repo.rglob("*")}
    run = validate(repo, cache=False)
    assert run.exit_code == 1, run.describe()
    assert {p.relative_to(repo) for p in repo.rglob("*")} == before
    assert not (repo / ".carnet-cache").exists()


def test_cached_run_reports_the_same(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "stock-negative")
    first = validate(repo, cache=True)
    assert (repo / ".carnet-cache").is_dir()
    second = validate(repo, cache=True)
    assert first.exit_code == second.exit_code == 1
    assert first.problems == second.problems


def test_repo_without_data_exits_2(tmp_path: Path) -> None:
    run = validate(tmp_path)
    assert_no_crash(run)
    assert run.exit_code == 2, run.describe()
    assert run.result.stdout == ""


def test_missing_repo_exits_2(tmp_path: Path) -> None:
    run = validate(tmp_path / "nowhere")
    assert_no_crash(run)
    assert run.exit_code == 2, run.describe()


# --- files that cannot be read ----------------------------------------------------------


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "data/companies/fantome.yaml").symlink_to(tmp_path / "nowhere.yaml")
    run = validate(repo)
    assert_no_crash(run)
    assert run.exit_code in (1, 2), run.describe()
    if run.exit_code == 1:
        problems = assert_json_problems(run)
        assert any(p["path"] == "data/companies/fantome.yaml" for p in problems), run.describe()


def test_settings_that_is_a_folder_is_reported(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "data/settings.yaml").unlink()
    (repo / "data/settings.yaml").mkdir()
    run = validate(repo)
    assert_no_crash(run)
    assert run.exit_code in (1, 2), run.describe()
