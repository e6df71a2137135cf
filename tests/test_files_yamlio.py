"""Parsing keeps exact decimals and positions, and turns YAML traps into problems."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from generator.files.yamlio import parse_bytes, parse_text, position_of


def test_decimals_never_pass_through_float() -> None:
    parsed = parse_text("a: 45.10\nb: 0.1\nc: 1_000.50\nd: 3\n", "x.yaml")
    assert parsed.value == {
        "a": Decimal("45.10"),
        "b": Decimal("0.1"),
        "c": Decimal("1000.50"),
        "d": 3,
    }
    assert str(parsed.value["a"]) == "45.10"


def test_dates_and_impossible_dates() -> None:
    parsed = parse_text("ok: 2026-03-21\nbad: 2026-02-30\n", "x.yaml")
    assert parsed.value["ok"] == date(2026, 3, 21)
    assert [(p.code, p.line, p.column) for p in parsed.problems] == [("date-invalid", 2, 6)]


def test_bom_and_crlf_are_accepted() -> None:
    parsed = parse_bytes(b"\xef\xbb\xbfname: Caf\xc3\xa9\r\nkind: client\r\n", "x.yaml")
    assert parsed.problems == []
    assert parsed.value == {"name": "Café", "kind": "client"}


def test_duplicate_key_is_reported_at_the_second_occurrence() -> None:
    parsed = parse_text("name: A\nkind: client\nname: B\n", "x.yaml")
    assert [(p.code, p.line, p.column) for p in parsed.problems] == [("yaml-duplicate-key", 3, 1)]
    assert parsed.value["name"] == "A"


def test_positions_of_nested_values() -> None:
    text = "document:\n  lines:\n    - description: a\n      unit_price: 1.5\n"
    parsed = parse_text(text, "x.yaml")
    assert position_of(parsed.root, ("document", "lines", 0, "unit_price")) == (4, 19)
    assert position_of(parsed.root, ("document", "lines", 0, "unit_price"), key=True) == (4, 7)


def test_ampersand_and_exclamation_in_text_are_not_anchors_or_tags() -> None:
    parsed = parse_text("name: Dupont & Fils\nnote: Bravo !\n", "x.yaml")
    assert parsed.problems == []


def test_large_file_is_read() -> None:
    text = "note: |\n" + "".join(f"  ligne {i} avec du texte\n" for i in range(200_000))
    parsed = parse_text(text, "x.yaml")
    assert parsed.problems == []
    assert parsed.value["note"].count("\n") == 200_000
