"""New record files (generator.files.newfile): what :func:`reads_back` vouches for does
read back as itself, so that an import may validate a would-be record from its data
without writing and parsing its file (a dry run), and a number with decimals is written
as a number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.files.newfile import reads_back, record_bytes
from generator.files.yamlstream import plain_mapping

PIECES = [
    "\x85", "\u2028", "\u2029", "\ufeff", "\t", "\x00", "#", ": ", " #", "- ", "'", '"', "a",
    " ", "0", "1.5", "é", "?", "&x", "*y", "!t", "%", "@", "`", "|", ">", "{", "[", "]", "}",
    ",", "=", "~", "yes", "No", "null", "2018-11-05", "0x1F", "1_000", ".inf", "\\", "\x7f",
    "\x1b", "\U0001f600", "\n", "\r", "<<<<<<<", ">>>>>>>", "<<", "01000", "+33 6",
]  # fmt: skip
TEXT = st.one_of(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), st.text(max_size=20))
SCALAR = st.one_of(TEXT, st.integers(-(10**20), 10**20), st.dates(), st.none())
VALUE = st.one_of(
    SCALAR,
    st.lists(TEXT, max_size=4),
    st.dictionaries(st.sampled_from(["street", "postcode", "date", "source"]), SCALAR, max_size=3),
)
KEYS = st.sampled_from(["name", "first_name", "email", "phone", "notes", "interests", "address"])


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


@settings(max_examples=400, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(KEYS, VALUE, min_size=1, max_size=6))
def test_what_reads_back_reads_back_as_itself(data: dict[str, Any]) -> None:
    if reads_back(data) and _plain(data):
        assert plain_mapping(record_bytes(data)) == _plain(data)


def test_what_does_not_read_back() -> None:
    """Texts on several lines get a literal block (and its last line break), a number
    with decimals comes back a ``Decimal``: not vouched for."""
    assert not reads_back({"notes": "a\nb"})
    assert plain_mapping(record_bytes({"notes": "a\nb"})) == {"notes": "a\nb\n"}
    assert not reads_back({"budget": 1.5})
    assert not reads_back({"name": "<<<<<<< HEAD"})
    assert reads_back({"name": "Zoé", "since": date(2018, 11, 5), "n": 3, "tags": ["a"]})


def test_a_number_with_decimals_is_written_as_a_number() -> None:
    """A custom ``number`` field typed « 12,5 » in an imported file."""
    for text in ("12.5", "-0.25", "1E-7", "123456789.000001"):
        written = record_bytes({"budget": Decimal(text)})
        assert plain_mapping(written) == {"budget": Decimal(text)}


def test_a_record_of_texts_alone_has_one_key_per_line() -> None:
    """As a person types it, never ``{last_name: Durand, first_name: Zoé}``."""
    written = record_bytes({"last_name": "Durand", "first_name": "Zoé", "phone": None})
    assert written.decode() == "last_name: Durand\nfirst_name: Zoé\n"
