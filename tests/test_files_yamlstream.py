"""The one-pass reading of ordinary files (libyaml's events straight to values) gives the
very values of the full path, and gives up on every file that has something to report,
so that the full path reports it exactly as before. Also: parsing on several processes,
this one included, gives the same results in the same order as parsing in one."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from generator.files.yamlio import parse_bytes
from generator.files.yamlstream import plain_mapping
from generator.schema.batch import PARALLEL_THRESHOLD, parse_all

VALUES = [
    "1", "012", "0o12", "0x1F", "1_000", "1:20", "-3", "+4", "1.5", "1e3", ".inf", ".nan",
    "190:20:30.15", "~", "null", "", "yes", "No", "on", "true", "y", "2024-02-29",
    "2024-01-01 10:00:00", "2001-12-14t21:59:43.10-05:00", "2024-1-1", "'quoted'",
    '"2024-01-01"', "[1, 2]", "{a: 1, b: 2}", "[[[]]]", "'12'", "héllo",
    "'a: b'", "0b101", "-0", "=",
]  # fmt: skip
"""Values that are no problem: each must be read in one pass, as the full path reads it."""
TRAPS = [
    "a: 1\n---\nb: 2\n", "a: 1\n---\n", "- a\n", "just text\n", "", "  \n", "# c\n",
    "a: 1\na: 2\n", "a:\n  b: 1\n  b: 2\n", "\ufeffa: 1\n", "a: &x 1\nb: *x\n",
    "a: !!str 1\n", "a: !x 1\n", "a: [1, 2\n", "a: 1\n<<<<<<< HEAD\n", "yes: 1\n", "1: a\n",
    "~: a\n", "2024-01-01: a\n", "<<: {a: 1}\n", "? [x]\n: 1\n", "a: 2024-02-30\n",
    f"a: {'9' * 45}\n", f"a: 1.{'5' * 45}\n", "a: " + "[" * 40 + "]" * 40 + "\n",
    "a: '\x07'\n", "a: 1\n--- !x\n",
]  # fmt: skip
"""Files with something to report (or that are not one mapping): given up."""


def typed(value: Any) -> Any:
    """``value`` with the type of every leaf (``1`` and ``Decimal(1)`` differ)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return type(value).__name__, repr(value)


@pytest.mark.parametrize(("key", "value"), list(itertools.product(["a", "'1'", "a b"], VALUES)))
def test_ordinary_values_are_read_in_one_pass_as_the_full_path_reads_them(
    key: str, value: str
) -> None:
    for text in (
        f"x: 1\n{key}: {value}\n",
        f"x: 1\nl:\n  - {value}\n  - {{{key}: {value}}}\n",
        f"{key}: |\n  deux\n  lignes\nl:\n  - {key}: >\n      plié\n    b: {value}\n",
    ):
        raw = text.encode()
        full = parse_bytes(raw, "x.yaml")
        assert full.problems == []
        fast = plain_mapping(raw)
        assert fast is not None, text
        assert typed(fast) == typed(full.value)


@pytest.mark.parametrize("text", TRAPS)
def test_a_file_with_something_to_report_takes_the_full_path(text: str) -> None:
    assert plain_mapping(text.encode()) is None


@pytest.mark.parametrize(
    "raw", ["a: é\n".encode("latin-1"), "a: 1\n".encode("utf-16"), b"a: \xed\xa0\x80\n"]
)
def test_bytes_that_are_not_utf8_take_the_full_path(raw: bytes) -> None:
    assert plain_mapping(raw) is None
    assert parse_bytes(raw, "x.yaml").problems


def test_aliases_are_never_expanded() -> None:
    lines = ['l0: &l0 ["ha", "ha", "ha", "ha", "ha"]']
    for level in range(1, 12):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    started = time.perf_counter()
    assert plain_mapping(("name: Rires\n" + "\n".join(lines) + "\n").encode()) is None
    assert time.perf_counter() - started < 0.05


def test_parsing_on_several_processes_gives_the_same_results_in_order() -> None:
    todo = []
    for n in range(PARALLEL_THRESHOLD + 100):
        text = f"name: Société {n}\nkind: client\n"
        if n % 97 == 0:
            text += "kind: prospect\n"  # a duplicate key, located
        if n % 89 == 0:
            text += "colour: bleu\n"  # an unknown key, a warning
        todo.append(("company", f"data/companies/s-{n}.yaml", text.encode()))
    alone = parse_all(todo, "Europe/Paris", "fr", 1)
    shared = parse_all(todo, "Europe/Paris", "fr", 3)
    assert [path for path, _ in shared] == [path for _, path, _ in todo]
    assert [(r.record, r.problems, r.faulty) for _, r in shared] == [
        (r.record, r.problems, r.faulty) for _, r in alone
    ]
    codes = {p.code for _, r in shared for p in r.problems}
    assert codes == {"yaml-duplicate-key", "field-unknown"}
