"""YAML built to exhaust the machine: nested aliases (billion laughs), an alias to
itself, nesting hundreds deep, numbers thousands of digits long, files with a hundred
thousand keys. Each is refused with located problems, in bounded time and memory, and
the run's other problems are still reported.
"""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.files.yamlio import parse_text
from generator.schema import Company
from generator.schema.parse import parse_record
from hostile.conftest import assert_no_crash, git_env

Carnet = Callable[..., Result]
VALIDATE = ("--today", "2026-11-25", "validate", "--no-cache", "--format", "json")
OTHER = ("data/companies/autre-probleme.yaml", 2, 7, "enum-invalid")
"""A plain mistake planted in every repository: it must still be reported."""


def billion_laughs(levels: int = 9, width: int = 9, eol: str = "\n") -> str:
    """``levels`` lists of ``width`` aliases to the previous one (about 1 KB)."""
    lines = ["name: Rires", "kind: client", 'l0: &l0 ["ha", "ha", "ha", "ha", "ha"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return eol.join(lines) + eol


def plant(repo: Path, name: str, text: str) -> None:
    """Write a company file and the usual other mistake."""
    (repo / "data" / "companies" / name).write_text(text, encoding="utf-8")
    (repo / OTHER[0]).write_text("name: Autre problème\nkind: clientt\n", encoding="utf-8")


def validate_json(carnet: Carnet, repo: Path) -> tuple[Result, set[tuple[object, ...]]]:
    """``validate --format json``: the result and ``(path, line, column, code)`` of problems."""
    result = carnet(repo, "validate", "--format", "json")
    assert_no_crash(result)
    return result, {
        (p["path"], p["line"], p["column"], p["code"]) for p in json.loads(result.stdout)
    }


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


@pytest.mark.parametrize("eol", ["\n", "\r"], ids=["lf", "cr-only"])
def test_billion_laughs_is_refused_on_the_event_stream(repo: Path, eol: str) -> None:
    bomb = billion_laughs(eol=eol)
    assert len(bomb) < 1500
    plant(repo, "rires.yaml", bomb)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "generator", "--repo", str(repo), *VALIDATE],
        env=git_env(),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert time.monotonic() - started < 20
    assert_no_crash(run.stdout + run.stderr)
    assert run.returncode == 1
    problems = {(p["path"], p["line"], p["column"], p["code"]) for p in json.loads(run.stdout)}
    path = "data/companies/rires.yaml"
    assert {(path, 3, 5, "yaml-anchor"), (path, 4, 10, "yaml-alias"), OTHER} <= problems
    aliases = [p for p in problems if p[0] == path and p[3] == "yaml-alias"]
    assert len(aliases) == 8 * 9

    started = time.perf_counter()
    parsed = parse_text(bomb, path)
    assert time.perf_counter() - started < 0.2
    assert parsed.value is None and parsed.root is None


def test_alias_to_itself(carnet: Carnet, repo: Path) -> None:
    plant(repo, "boucle.yaml", "name: &moi [*moi]\nkind: client\n")
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    path = "data/companies/boucle.yaml"
    assert {(path, 1, 7, "yaml-anchor"), (path, 1, 13, "yaml-alias"), OTHER} <= problems


@pytest.mark.parametrize(("depth", "code"), [(500, "yaml-too-deep"), (5000, "yaml-syntax")])
def test_deep_nesting(carnet: Carnet, repo: Path, depth: int, code: str) -> None:
    plant(repo, "profond.yaml", "kind: client\nname: " + "[" * depth + "]" * depth + "\n")
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    path = "data/companies/profond.yaml"
    column = 6 + 50 if code == "yaml-too-deep" else 1006
    assert {(path, 2, column, code), OTHER} <= problems


def test_deep_block_nesting(carnet: Carnet, repo: Path) -> None:
    deep = "".join(f"{'  ' * level}n{level}:\n" for level in range(300)) + "  " * 300 + "x: 1\n"
    plant(
        repo,
        "profond.yaml",
        "kind: client\nname: Profond\nnote:\n" + "  " + deep.replace("\n", "\n  ").rstrip() + "\n",
    )
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert ("data/companies/profond.yaml", 53, 101, "yaml-too-deep") in problems
    assert OTHER in problems


def test_numbers_thousands_of_digits_long(carnet: Carnet, repo: Path) -> None:
    plant(
        repo,
        "nombres.yaml",
        "name: Nombres\nkind: client\n"
        f"phone: {'9' * 5000}\n"
        f"siren: -{'1' * 5000}.5\n"
        f"note: 0x{'f' * 5000}\n",
    )
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    path = "data/companies/nombres.yaml"
    assert {
        (path, 3, 8, "number-too-long"),
        (path, 4, 8, "number-too-long"),
        (path, 5, 7, "number-too-long"),
        OTHER,
    } <= problems
    assert len(result.stdout) < 10_000


def test_settings_with_a_huge_number(carnet: Carnet, repo: Path) -> None:
    settings = repo / "data" / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + f"\nextra_number: {'7' * 5000}\n", encoding="utf-8")
    line = text.count("\n") + 2
    plant(repo, "rien.yaml", "name: Rien\nkind: client\n")
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert {("data/settings.yaml", line, 15, "number-too-long"), OTHER} <= problems


def many_keys(count: int) -> bytes:
    """A company with ``count`` unknown keys."""
    keys = "".join(f"cle-inconnue-{n}: {n}\n" for n in range(count))
    return ("name: Clés\nkind: client\n" + keys).encode()


def test_many_unknown_keys_take_linear_time() -> None:
    def seconds(count: int) -> float:
        """Processor time of this process: what another test running beside it does not
        inflate (collections paused: the measure is of the parser, not of the heap)."""
        raw = many_keys(count)
        gc.collect()
        gc.disable()
        started = time.process_time()
        try:
            record, problems = parse_record(Company, "data/companies/cles.yaml", raw)
        finally:
            elapsed = time.process_time() - started
            gc.enable()
        assert record is not None and len(problems) == count
        assert {(p.line, p.column, p.code) for p in problems[-1:]} == {
            (count + 2, 1, "field-unknown")
        }
        return elapsed

    seconds(1000)  # warm-up: models and caches
    small, large = min(seconds(5000) for _ in range(3)), min(seconds(40000) for _ in range(3))
    # linear is 8 ×, quadratic would be 64 ×: room for a busy machine, none for a square
    assert large < 8 * small * 2.5, (small, large)
    assert large < 5


def test_many_unknown_keys_in_a_repository(carnet: Carnet, repo: Path) -> None:
    (repo / "data" / "companies" / "cles.yaml").write_bytes(many_keys(20000))
    plant(repo, "rien.yaml", "name: Rien\nkind: client\n")
    started = time.monotonic()
    result, problems = validate_json(carnet, repo)
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    assert ("data/companies/cles.yaml", 20002, 1, "field-unknown") in problems
    assert OTHER in problems


def test_a_forced_timestamp_that_is_no_date_is_located(carnet, repo) -> None:
    """``!!timestamp`` on a text that no date pattern matches crashed the parser."""
    path = repo / "data" / "companies" / "horloge.yaml"
    path.write_text("name: Horloge\nsiren: !!timestamp '2000-01-01\n   0 00:00:00'\n")
    result = carnet(repo, "validate")
    assert_no_crash(result)
    assert result.exit_code == 1
    assert "data/companies/horloge.yaml:2:" in result.output, result.output
