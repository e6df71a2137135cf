"""``carnet validate --format github|gitlab``: workflow commands GitHub puts on the lines
of a pull request, and the Code Quality report GitLab shows in a merge request."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOT

from generator.ci.annotations import code_quality, fingerprint, github_annotation
from generator.problems import Problem, Severity

COMPANY = "data/companies/mes-beaux-sapins.yaml"


def _problem(**changes: object) -> Problem:
    values: dict[str, object] = {
        "path": COMPANY,
        "line": 3,
        "column": 7,
        "severity": Severity.ERROR,
        "code": "field-type",
        "message": "valeur invalide",
        "hint": None,
    }
    values.update(changes)
    return Problem(**values)  # type: ignore[arg-type]


def test_github_annotation_escapes_as_the_platform_requires() -> None:
    problem = _problem(
        path="data/companies/a,b:c.yaml",
        message="taux 100% faux\r\nligne 2",
        hint="corrigez, puis: relancez",
        severity=Severity.WARNING,
    )
    assert github_annotation(problem) == (
        "::warning file=data/companies/a%2Cb%3Ac.yaml,line=3,col=7,title=field-type"
        "::taux 100%25 faux\\x0d\\x0aligne 2%0Acorrigez, puis: relancez"
    )
    assert github_annotation(_problem(severity=Severity.INFO)).startswith("::notice file=")


def test_a_value_cannot_start_a_workflow_command_of_its_own() -> None:
    hostile = _problem(message="x\n::add-mask::secret\n::error file=/etc/passwd::pwned")
    line = github_annotation(hostile)
    assert "\n" not in line and "\r" not in line
    # one command whose message runs to the end of its one line
    assert line.startswith(f"::error file={COMPANY},line=3,col=7,title=field-type::x")


def test_code_quality_fingerprints_are_stable_and_unique() -> None:
    first = _problem(line=3)
    moved = _problem(line=9, column=1)  # lines added above: the same problem
    assert fingerprint(first) == fingerprint(moved)
    assert fingerprint(first) != fingerprint(_problem(message="autre"))
    twins = code_quality([first, _problem(line=12)])
    assert twins[0]["fingerprint"] != twins[1]["fingerprint"]
    assert twins[0] == {
        "type": "issue",
        "description": "valeur invalide",
        "check_name": "field-type",
        "fingerprint": fingerprint(first),
        "severity": "major",
        "location": {"path": COMPANY, "lines": {"begin": 3}},
    }


def _broken_firm(tmp_path: Path, *, above: int = 0) -> tuple[Path, int]:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    company = repo / COMPANY
    lines = company.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines[at] = "name: [pas, un, nom]"
    lines = ["# une remarque"] * above + lines
    company.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return repo, at + 1 + above


def test_validate_format_github_annotates_the_line(carnet, tmp_path: Path) -> None:
    repo, line = _broken_firm(tmp_path)
    result = carnet("validate", "--format", "github", repo=repo)
    assert result.exit_code == 1
    commands = [c for c in result.stdout.splitlines() if c.startswith("::")]
    assert any(
        c.startswith(f"::error file={COMPANY},line={line},col=") and ",title=" in c
        for c in commands
    ), result.stdout
    assert all(c.startswith(("::error ", "::warning ", "::notice ")) for c in commands)


def test_validate_format_gitlab_is_a_code_quality_report(carnet, tmp_path: Path) -> None:
    repo, line = _broken_firm(tmp_path / "one")
    result = carnet("validate", "--format", "gitlab", "--no-cache", repo=repo)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    mine = [i for i in report if i["location"]["path"] == COMPANY]
    assert [i["location"]["lines"]["begin"] for i in mine] == [line]
    assert mine[0]["severity"] == "major"

    moved, moved_line = _broken_firm(tmp_path / "two", above=3)
    again = json.loads(carnet("validate", "--format", "gitlab", "--no-cache", repo=moved).stdout)
    assert moved_line == line + 3
    assert [i["location"]["lines"]["begin"] for i in again if i["location"]["path"] == COMPANY] == [
        moved_line
    ]
    assert {i["fingerprint"] for i in again} == {i["fingerprint"] for i in report}


def test_validate_format_gitlab_on_clean_data_is_an_empty_report(carnet, example_repo) -> None:
    result = carnet("validate", "--format", "gitlab", "--no-cache", repo=example_repo)
    assert result.exit_code == 0
    assert [i for i in json.loads(result.stdout) if i["severity"] == "major"] == []
