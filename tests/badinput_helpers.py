"""Helpers for the bad-input and fuzz tests: a small clean repository, cases, a runner.

The clean repository is ``tests/fixtures/base``; a bad-input case is a folder of
``tests/fixtures/bad`` holding only the files it replaces or adds, described in
``tests/fixtures/bad/cases.yaml``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from generator.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "base"
BAD = FIXTURES / "bad"
TODAY = "2026-11-25"
PROBLEM_KEYS = {"path", "line", "column", "severity", "code", "message", "hint"}
CRASH_MARKERS = ("erreur inattendue", "unexpected error", "Traceback (most recent call last)")


def load_cases() -> dict[str, dict[str, Any]]:
    """The cases of ``cases.yaml`` by name."""
    with (BAD / "cases.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def make_repo(target: Path, case: str | None = None, spec: dict[str, Any] | None = None) -> Path:
    """Copy the base repository to ``target``, then overlay the files of ``case``."""
    shutil.copytree(BASE, target)
    if case is not None:
        overlay = BAD / case
        if overlay.is_dir():
            for source in sorted(overlay.rglob("*")):
                if source.is_file():
                    dest = target / source.relative_to(overlay)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)
        for rel in (spec or {}).get("delete", []):
            (target / rel).unlink()
    return target


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file under ``repo/data`` with its bytes (to prove nothing was written)."""
    return {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for path in sorted((repo / "data").rglob("*"))
        if path.is_file() or path.is_symlink()
    }


@dataclass
class Run:
    """One in-process ``carnet validate``."""

    result: Result

    @property
    def exit_code(self) -> int:
        return self.result.exit_code

    @property
    def problems(self) -> list[dict[str, Any]]:
        """The JSON list printed on stdout."""
        return json.loads(self.result.stdout)

    def describe(self) -> str:
        """Everything printed, for assertion messages."""
        return (
            f"exit {self.exit_code}\nstdout:\n{self.result.stdout}\nstderr:\n{self.result.stderr}"
        )


def validate(repo: Path, *options: str, fmt: str = "json", cache: bool = False) -> Run:
    """Run ``carnet --repo REPO --today … validate --format FMT OPTIONS`` in-process."""
    args = ["--repo", str(repo), "--today", TODAY, "validate", "--format", fmt, *options]
    if not cache:
        args.append("--no-cache")
    return Run(CliRunner().invoke(main, args))


def assert_no_crash(run: Run) -> None:
    """No exception escaped, and nothing looks like an unexpected error."""
    exc = run.result.exception
    assert exc is None or isinstance(exc, SystemExit), (
        f"exception escaped: {exc!r}\n{run.describe()}"
    )
    output = run.result.stdout + run.result.stderr
    for marker in CRASH_MARKERS:
        assert marker not in output, run.describe()


def assert_json_problems(run: Run) -> list[dict[str, Any]]:
    """stdout is a JSON list of seven-key problem objects; return it."""
    try:
        problems = run.problems
    except json.JSONDecodeError as exc:  # pragma: no cover - reported as a failure
        raise AssertionError(f"stdout is not JSON ({exc})\n{run.describe()}") from exc
    assert isinstance(problems, list), run.describe()
    for problem in problems:
        assert isinstance(problem, dict) and set(problem) == PROBLEM_KEYS, problem
        assert isinstance(problem["line"], int) and problem["line"] >= 1, problem
        assert isinstance(problem["column"], int) and problem["column"] >= 1, problem
        assert problem["severity"] in ("error", "warning", "info"), problem
        assert isinstance(problem["message"], str) and problem["message"], problem
        assert problem["hint"] is None or isinstance(problem["hint"], str), problem
        assert not problem["path"].startswith("/") and "\\" not in problem["path"], problem
    return problems
