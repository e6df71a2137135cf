"""Fuzzing ``carnet validate``: whatever a file holds, problems come out, never a crash.

Random documents (text, bytes, nested structures dumped by PyYAML) and mutated real
records (deleted keys, swapped types, YAML traps, tabs, BOM, CRLF, other encodings)
are written into one file of every record kind, and into ``settings.yaml``, of a copy of
the clean base repository. ``validate`` runs in-process and must exit 0 or 1 with a JSON
list of problems, without an unexpected error and without writing under ``data/``.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from badinput_helpers import assert_json_problems, assert_no_crash, make_repo, snapshot, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TARGETS = (
    "data/settings.yaml",
    "data/companies/mes-beaux-sapins.yaml",
    "data/contacts/jeanne-sapin.yaml",
    "data/projects/sapins-2026.yaml",
    "data/interactions/2026/devis-sapins-nordmann.yaml",
    "data/interactions/2026/reunion-lancement.yaml",
    "data/stock/products/selfibox.yaml",
    "data/stock/movements/2026/entree-0001.yaml",
    "data/interactions/2025/nouvelle-interaction.yaml",  # a new file
    "data/stock/movements/2026/sortie-0002.yaml",  # a new file
)

KEYS = (
    # records
    "name", "kind", "siren", "siret", "vat_number", "address", "street", "postcode", "city",
    "country", "phone", "email", "interests", "note", "first_name", "last_name", "company",
    "role", "optin", "bounces", "date", "source", "title", "start", "end", "public",
    "members", "user", "companies", "contacts", "id", "extranet", "enabled", "kinds", "type",
    "subject", "contact", "project", "budget", "media", "state", "recurrence", "resources",
    "document", "number", "issued", "due", "from", "order", "part", "percent", "amount",
    "corrects", "lines", "product", "quantity", "unit_price", "vat_rate", "vat_category",
    "discount", "serials", "payments", "price", "stock_managed", "serial_tracked", "supplier",
    "direction", "status", "origin",
    # settings
    "firm", "users", "pipelines", "stages", "won", "lost", "label", "budget_sign", "vat_rates",
    "timezone", "locale", "iban", "bic", "invoicing", "media", "sources",
)  # fmt: skip

TRAPS = (
    "NO", "yes", "off", "~", "null", "01000", "0472371740", "69003", "42633920600010",
    "2026-02-30", "2026-13-01", "2026-06-01T25:00", "9999-12-31T23:30", "0001-01-01",
    "0001-01-01T00:00+05:00", "1:30", "0x1F", "0o17", "0b101", "1_000", ".nan", ".inf",
    "-.inf", "1.0e+99999999", "1.0e-99999999", "-0", "1e3", "&a x", "*a", "!!str x",
    "!!int 3", "!x y", "!!binary aGk=", "[", "{", "]", "}", '"unterminated', "'", "|", ">-",
    "- a", "? k", "@x", "`x", "%TAG", "a: b: c", "[a, {b: c}]", "{a: [1, 2]}", "<<: *a",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=WEEKLY;UNTIL=20250101", "FREQ=SECONDLY",
    "FREQ=DAILY;INTERVAL=0", "sale", "Vente - 3 - Devis", "benoit", "local-321",
    "nordmann-200", "selfibox", "SBX-26-00101", "in", "out", "validated", "draft", "Europe/Mars",
    "\u00a0", "\u200b", "\ufeff", "\U0001f332", "é", "\x85", "\u2028",
)  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the base repository per module; each example restores what it changed."""
    return make_repo(tmp_path_factory.mktemp("fuzz") / "repo")


@contextmanager
def written(repo: Path, rel: str, raw: bytes) -> Iterator[None]:
    """``raw`` in ``repo/rel`` for the duration of the block, then the original back."""
    path = repo / rel
    original = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    try:
        yield
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


def check_validate(repo: Path, rel: str, raw: bytes) -> None:
    """Write ``raw`` into ``rel``, validate, and check the run's invariants."""
    with written(repo, rel, raw):
        before = snapshot(repo)
        run = validate(repo, cache=True)
        assert_no_crash(run)
        assert run.exit_code in (0, 1), f"{rel} ← {raw!r}\n{run.describe()}"
        assert_json_problems(run)
        assert snapshot(repo) == before, f"validate wrote under data/ ({rel} ← {raw!r})"


# --- random documents -----------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(float),
    st.text(max_size=20),
    st.sampled_from(TRAPS),
    st.dates(),
    st.datetimes(),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


@st.composite
def dumped(draw: st.DrawFn) -> bytes:
    """A random structure (a mapping most of the time) as PyYAML writes it."""
    value = draw(st.dictionaries(keys, structures, max_size=8) | structures)
    text = yaml.safe_dump(
        value,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, True, None])),
        sort_keys=False,
    )
    return text.encode("utf-8")


documents = st.one_of(
    dumped(),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    st.binary(max_size=200),
    st.lists(
        st.tuples(st.sampled_from(KEYS), st.sampled_from(TRAPS) | st.text(max_size=15)),
        max_size=8,
    ).map(lambda pairs: "".join(f"{k}: {v}\n" for k, v in pairs).encode("utf-8")),
)


@FUZZ_SETTINGS
@given(rel=st.sampled_from(TARGETS), raw=documents)
def test_random_documents(fuzz_repo: Path, rel: str, raw: bytes) -> None:
    check_validate(fuzz_repo, rel, raw)


# --- mutated real records ---------------------------------------------------------------


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) inside a loaded YAML value."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _parent(value: Any, path: tuple) -> Any:
    for part in path[:-1]:
        value = value[part]
    return value


PLACEHOLDER = "@@trap@@"
"""A value replaced, after dumping, by a raw (unquoted) trap token."""


def mutate_structure(value: Any, rng: random.Random, draw: st.DrawFn) -> Any:
    """Delete keys, swap types, add unknown keys, random unicode or a raw trap in values."""
    for _ in range(rng.randint(1, 3)):
        paths = _paths(value)
        if not paths or not isinstance(value, dict):
            break
        path = rng.choice(paths)
        parent = _parent(value, path)
        action = rng.choice(["delete", "swap", "unicode", "add", "trap", "trap"])
        if action == "trap":
            parent[path[-1]] = PLACEHOLDER
        elif action == "delete":
            del parent[path[-1]]
        elif action == "swap":
            parent[path[-1]] = draw(structures)
        elif action == "unicode":
            parent[path[-1]] = draw(st.text(min_size=1, max_size=20))
        elif isinstance(parent, dict):
            parent[draw(keys)] = draw(scalars)
    return value


def mutate_text(text: str, rng: random.Random, draw: st.DrawFn) -> str:
    """Text-level mistakes: traps as values, tabs, unquoted numbers, stray characters."""
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(lines))
        line = lines[index]
        action = rng.choice(["trap", "tab", "unquote", "char", "duplicate", "truncate", "cut"])
        if action == "trap" and ":" in line:
            key = line.split(":", 1)[0]
            lines[index] = f"{key}: {rng.choice(TRAPS)}\n"
        elif action == "tab":
            lines[index] = re.sub(r"^( +)", lambda m: "\t" * max(1, len(m[1]) // 2), line)
        elif action == "unquote":
            lines[index] = re.sub(r"\"([^\"]*)\"", r"\1", line)
        elif action == "char":
            at = rng.randint(0, len(line))
            char = draw(st.characters(exclude_categories=("Cs",)))  # no lone surrogate in a file
            lines[index] = line[:at] + char + line[at:]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "truncate":
            lines[index] = line[: rng.randint(0, len(line))]
        else:
            del lines[index:]
            if not lines:
                lines = [""]
    return "".join(lines)


def encode(text: str, how: str) -> bytes:
    """The text as an editor might save it."""
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if how == "bom+crlf":
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    if how == "cr":
        return text.replace("\n", "\r").encode("utf-8")
    if how in ("cp1252", "utf-16"):
        return text.encode(how, errors="replace")
    if how == "second-document":
        return (text + "---\n" + text).encode("utf-8")
    return text.encode("utf-8")


ENCODINGS = ("utf-8", "bom", "crlf", "bom+crlf", "cr", "cp1252", "utf-16", "second-document")


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A base record, mutated as a structure and/or as text, then encoded."""
    from badinput_helpers import BASE

    rel = draw(st.sampled_from([t for t in TARGETS if (BASE / t).exists()]))
    text = (BASE / rel).read_text(encoding="utf-8")
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    if draw(st.booleans()):
        value = mutate_structure(yaml.safe_load(text), rng, draw)
        text = yaml.safe_dump(
            value,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=draw(st.sampled_from([False, None])),
        )
        text = text.replace(f"'{PLACEHOLDER}'", draw(st.sampled_from(TRAPS)))
    if draw(st.booleans()):
        text = mutate_text(text, rng, draw)
    return rel, encode(text, draw(st.sampled_from(ENCODINGS)))


@FUZZ_SETTINGS
@given(case=mutated())
def test_mutated_records(fuzz_repo: Path, case: tuple[str, bytes]) -> None:
    rel, raw = case
    check_validate(fuzz_repo, rel, raw)


def test_fuzz_repo_is_restored(fuzz_repo: Path) -> None:
    """After the fuzzing, the shared repository is the clean base again."""
    run = validate(fuzz_repo)
    assert run.exit_code == 0, run.describe()
    assert [p for p in assert_json_problems(run) if p["severity"] != "info"] == []
