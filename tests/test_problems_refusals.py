"""Refusals: one type (:class:`generator.problems.Refused`), one catalogue entry each.

Every ``Refused("code", …)`` raised in ``generator/`` names a refusal of
``messages.yaml`` (severity ``refused``: exit 1, or ``usage``: exit 2) with French and
English texts whose every placeholder is a parameter its raise sites pass; every refusal
of the catalogue is raised somewhere. Then a few commands refused under ``--lang en``
speak English, with their usual exit code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.problems import CATALOGUE, REFUSAL_KINDS, Refused, render_text
from tests.hostile.conftest import TODAY, assert_no_crash, make_repo, snapshot

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
REFUSALS = {code: entry for code, entry in CATALOGUE.items() if entry.severity in REFUSAL_KINDS}


def _raise_sites() -> Iterator[tuple[str, str, set[str] | None]]:
    """``(where, code, keyword names)`` of each ``Refused("code", …)`` in ``generator/``;
    the names are ``None`` when the call also passes ``**params``."""
    for path in sorted(GENERATOR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Refused"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            names = {k.arg for k in node.keywords}
            where = f"{path.relative_to(GENERATOR.parent)}:{node.lineno}"
            yield where, node.args[0].value, None if None in names else names


SITES = list(_raise_sites())


def _placeholders(*templates: str | None) -> set[str]:
    from generator.locale import placeholders

    return {name for template in templates if template for name in placeholders(template)}


def test_the_catalogue_holds_refusals() -> None:
    assert len(REFUSALS) > 100
    for code, entry in REFUSALS.items():
        assert entry.fr.strip() and entry.en.strip(), code
        assert entry.fr != entry.en or not any(c.isalpha() for c in entry.fr), code
        assert (entry.hint_fr is None) == (entry.hint_en is None), code


def test_every_raise_site_names_a_refusal_of_the_catalogue() -> None:
    assert len(SITES) > 150
    unknown = [f"{where}: {code}" for where, code, _ in SITES if code not in REFUSALS]
    assert not unknown, unknown


@pytest.mark.parametrize(("where", "code", "names"), SITES, ids=[s[0] for s in SITES])
def test_each_refusal_renders_with_the_parameters_passed(
    where: str, code: str, names: set[str] | None
) -> None:
    entry = REFUSALS[code]
    wanted = _placeholders(entry.fr, entry.en, entry.hint_fr, entry.hint_en)
    if names is not None:
        french = _placeholders(entry.fr, entry.hint_fr)
        english = _placeholders(entry.en, entry.hint_en)
        assert wanted <= names, f"{where}: {code} lacks {sorted(wanted - names)}"
        assert {n.removesuffix("_en") for n in english} <= {
            n.removesuffix("_en") for n in french
        } | names, code
    params = {name: f"<{name}>" for name in wanted | (names or set())}
    refusal = Refused(code, **params)
    for lang in ("fr", "en"):
        message, _ = render_text(code, lang, refusal.params)
        assert "{" not in message.replace("{seq", "").replace("{year", ""), (code, message)
        assert all(
            f"<{name}>" in message for name in _placeholders(entry.fr if lang == "fr" else entry.en)
        )
    assert refusal.exit_code == REFUSAL_KINDS[entry.severity]


def test_every_refusal_of_the_catalogue_is_raised_somewhere() -> None:
    literals = {
        node.value
        for path in GENERATOR.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = sorted(set(REFUSALS) - literals)
    assert not unused, unused


def test_a_problem_code_is_no_refusal() -> None:
    with pytest.raises(ValueError):
        Refused("field-unknown", field="x")


# --- the command line under --lang en ---------------------------------------------------


@pytest.fixture(scope="module")
def business(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example business in a git repository (nothing here writes to it)."""
    return make_repo(tmp_path_factory.mktemp("refusals") / "repo")


def english(repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    from generator.cli.main import main

    options = ["--repo", str(repo), "--today", TODAY, "--lang", "en"]
    result = CliRunner().invoke(main, [*options, *args], env=env, catch_exceptions=False)
    assert_no_crash(result)
    return result


@pytest.mark.parametrize(
    ("args", "env", "code", "expected"),
    [
        (("invoice", "issue", "nope-xyz"), None, 2, "carnet: no record named 'nope-xyz'"),
        (
            ("stock", "validate", "entree-2026-0006"),
            None,
            1,
            "carnet: 'entree-2026-0006' is already validated",
        ),
        (
            ("extranet", "sapins-2026"),
            {"CARNET_EXTRANET_SAPINS": "court"},
            1,
            "sapins-2026: password refused (fewer than 14 characters, $CARNET_EXTRANET_SAPINS); "
            "--allow-weak-password to override",
        ),
        (("build", "--at", "no-such-tag"), None, 2, "carnet: unknown revision: no-such-tag"),
        (("build", "--at", "2026-02-30"), None, 2, "carnet: impossible date: 2026-02-30"),
        (("order", "issue", "devis-site-garage-brotteaux"), None, 1, "is a quote, not an order"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_refusals_speak_english(
    business: Path, args: tuple[str, ...], env: dict[str, str] | None, code: int, expected: str
) -> None:
    before = snapshot(business / "data")
    result = english(business, *args, env=env)
    assert result.exit_code == code, result.output
    assert expected in result.stderr, result.stderr
    assert "«" not in result.stderr and " : " not in result.stderr, result.stderr
    assert snapshot(business / "data") == before


def test_the_same_refusal_in_french(business: Path) -> None:
    from generator.cli.main import main

    options = ["--repo", str(business), "--today", TODAY]
    result = CliRunner().invoke(main, [*options, "stock", "validate", "entree-2026-0006"])
    assert result.exit_code == 1
    assert result.stderr == "carnet: « entree-2026-0006 » est déjà validé\n"


def test_package_data_is_parsed_once_per_content(tmp_path) -> None:
    """A package file is parsed once, then read back from its JSON beside the bytecode
    until its content changes; a damaged or unwritable copy only means parsing again."""
    from generator.problems import packaged_data

    source = tmp_path / "textes.yaml"
    source.write_text("a: 1\n")
    parsed: list[bytes] = []

    def parse(raw: bytes) -> dict[str, str]:
        parsed.append(raw)
        return {"texte": raw.decode()}

    assert packaged_data(source, parse) == {"texte": "a: 1\n"}
    assert packaged_data(source, parse) == {"texte": "a: 1\n"} and len(parsed) == 1
    kept = list((tmp_path / "__pycache__").glob("*.textes.yaml.*.json"))
    assert len(kept) == 1
    source.write_text("a: 2\n")  # same size, new content
    assert packaged_data(source, parse) == {"texte": "a: 2\n"} and len(parsed) == 2
    assert list((tmp_path / "__pycache__").glob("*.textes.yaml.*.json")) != kept
    (newer,) = (tmp_path / "__pycache__").glob("*.textes.yaml.*.json")
    newer.write_text("{pas du json")
    assert packaged_data(source, parse) == {"texte": "a: 2\n"} and len(parsed) == 3
