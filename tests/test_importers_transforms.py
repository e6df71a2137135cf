"""Cleaning one value, and proposing a field from a header."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.importers.fields import guess_mapping, normalise
from generator.importers.transforms import (
    clean_email,
    clean_postcode,
    company_kind,
    phone_e164,
    read_date,
    split_interests,
    split_name,
    translate,
    unprotect,
)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Jeanne Sapin", ("Jeanne", "Sapin")),
        ("SAPIN Jeanne", ("Jeanne", "SAPIN")),
        ("Sapin, Jeanne", ("Jeanne", "Sapin")),
        ("Jean-Pierre de La Fontaine", ("Jean-Pierre de La", "Fontaine")),
        ("Madonna", (None, "Madonna")),
    ],
)
def test_split_name(full: str, expected: tuple[str | None, str]) -> None:
    assert split_name(full) == expected


def test_values() -> None:
    assert clean_postcode("1000", "FR") == "01000"
    assert clean_postcode("69002.0", None) == "69002"
    assert clean_postcode("1000", "BE") == "1000"
    assert clean_email(" Jeanne@MesBeauxSapins.FR ") == ("jeanne@mesbeauxsapins.fr", True)
    assert clean_email("jeanne@sapins")[1] is False
    assert phone_e164("04 78 12 34 56", "FR") == "+33478123456"
    assert phone_e164("+44 20 7946 0958", "FR") == "+442079460958"
    assert phone_e164("12", "FR") is None
    assert read_date("05/11/2018") == date(2018, 11, 5)
    assert read_date("2018-11-05") == date(2018, 11, 5)
    assert read_date("bientôt") is None
    assert split_interests("newsletter ::: * myContacts ::: salon", None) == ["newsletter", "salon"]
    assert translate("CLIENT", {"Client": "client"}) == "client"
    assert company_kind("Fournisseur") == "supplier"
    assert unprotect("'=SOMME(A1)") == "=SOMME(A1)"
    assert unprotect("'quoted") == "'quoted"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("05/11/2018", date(2018, 11, 5)),
        ("5 nov. 2018", date(2018, 11, 5)),
        ("4 mars 2026", date(2026, 3, 4)),
        ("1er février 2026", date(2026, 2, 1)),
        ("04.03.2026", date(2026, 3, 4)),
        # year first: never day first (dateutil's dayfirst swapped them)
        ("1980-03-04T00:00:00", date(1980, 3, 4)),
        ("1980-03-04 10:30:00", date(1980, 3, 4)),
        ("2026/03/04", date(2026, 3, 4)),
        ("20260304", date(2026, 3, 4)),
        # an Excel serial (a date cell formatted as a number)
        ("29000", date(1979, 5, 25)),
        ("45991", date(2025, 11, 30)),
        # a year, a day or a month alone is no date (dateutil filled in today's)
        ("1999", None),
        ("12", None),
        ("1", None),
        ("3/4", None),
        ("mars 2026", None),
        ("31/02/2026", None),
    ],
)
def test_read_date(typed: str, expected: date | None) -> None:
    assert read_date(typed) == expected


def test_identifiers_a_spreadsheet_turned_into_numbers() -> None:
    from generator.importers.transforms import clean_identifier

    # Excel drops the leading zeros of a number: the key still tells the real one
    assert clean_identifier("siren", "5520135") == "005520135"
    assert clean_identifier("siren", "5 520 135.0") == "005520135"
    assert clean_identifier("siret", "552013500004") == "00552013500004"
    assert clean_identifier("siret", "732 829 320 00074") == "73282932000074"
    assert clean_identifier("siren", "12345678") == "12345678"  # no zero makes it valid
    assert clean_identifier("vat_number", "fr 77 873904676") == "FR77873904676"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 200", 1200),
        ("1\u00a0234,50", Decimal("1234.50")),  # Excel in French: a no-break space
        ("1\u202f234", 1234),  # a narrow no-break space
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("-3", -3),
        ("abc", None),
        ("NaN", None),
        ("Infinity", None),
        ("1,2,3", None),
    ],
)
def test_read_number(typed: str, expected: object) -> None:
    from generator.importers.transforms import read_number

    assert read_number(typed) == expected


def test_a_french_phone_a_spreadsheet_turned_into_a_number() -> None:
    from generator.importers.transforms import clean_phone

    # « 06 12 34 56 78 » typed in Excel became the number 612345678: its 0 comes back
    assert clean_phone("612345678", "FR") == "0612345678"
    assert clean_phone("612345678.0", "FR") == "0612345678"
    assert clean_phone("06 12 34 56 78", "FR") == "06 12 34 56 78"  # as typed
    assert clean_phone("+44 20 7946 0958", "FR") == "+44 20 7946 0958"
    assert clean_phone("612345678", "BE") == "612345678"


def test_an_address_with_its_display_name() -> None:
    # as a mail client copies it: was refused as an invalid address
    assert clean_email("Jeanne Sapin <Jeanne@MesBeauxSapins.fr>") == (
        "jeanne@mesbeauxsapins.fr",
        True,
    )
    assert clean_email("<paul@example.org>") == ("paul@example.org", True)
    assert clean_email("Paul <pas une adresse>")[1] is False


def test_guess_by_synonym_then_similarity() -> None:
    headers = ["Raison Sociale", "Courriel", "Tél. portable", "Code Postal", "Prenom", "Pointure"]
    found = {g.column: (g.field, g.how) for g in guess_mapping(headers, "contact")}
    assert found["Raison Sociale"] == ("company.name", "synonym")
    assert found["Courriel"] == ("contact.email", "synonym")
    assert found["Tél. portable"] == ("contact.mobile", "synonym")
    assert found["Code Postal"] == ("contact.postcode", "synonym")
    assert found["Prenom"] == ("contact.first_name", "synonym")
    assert found["Pointure"] == (None, "")
    assert normalise("  Tél.  Portable ") == "tel portable"
    companies = {
        g.column: g.field for g in guess_mapping(["Société", "Téléphone", "Ville"], "company")
    }
    assert companies == {
        "Société": "company.name",
        "Téléphone": "company.phone",
        "Ville": "company.city",
    }
    fuzzy = guess_mapping(["Adresse e-mail pro"], "contact")[0]
    assert (fuzzy.field, fuzzy.how) == ("contact.email", "fuzzy")
    assert fuzzy.score >= 86


_PIECES = ["a", "B", "0", ".", "-", "_", "+", "%", "@", "xn--", "fr", "com", "local", "test",
           "ex--am", "é", " ", "..", "localhost", "arpa", "123", "a" * 63]  # fmt: skip


_LETTERS = ["é", "ç", "ÿ", "œ", "ß", "÷", "É", "\u0301", "ø"]
"""Letters of a French address's local part, and neighbours that are not (÷, a combining
accent): the fast path judges only the first kind."""


@settings(max_examples=800)
@given(
    local=st.lists(st.sampled_from([*_PIECES[:8], *_LETTERS]), min_size=0, max_size=8),
    domain=st.lists(st.sampled_from(_PIECES), min_size=0, max_size=10),
    other=st.lists(st.sampled_from(_PIECES), min_size=0, max_size=12),
    plain=st.booleans(),
)
def test_email_validity_is_email_validators(
    local: list[str], domain: list[str], other: list[str], plain: bool
) -> None:
    """The domain asked once per domain for plain addresses: the same answer as
    email-validator on the whole address, whatever the address."""
    text = "".join(local) + "@" + "".join(domain) if plain else "".join(other)
    address, valid = clean_email(text)
    try:
        validate_email(address, check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    assert valid is expected


@pytest.mark.parametrize("letter", ["x", "é"])
@pytest.mark.parametrize("local", [1, 64, 65, 190])
@pytest.mark.parametrize("labels", [1, 3, 4])
def test_email_length_limits_are_email_validators(letter: str, local: int, labels: int) -> None:
    """Counted in UTF-8, as email-validator does: « é » is two bytes."""
    address = letter * local + "@" + ".".join(["a" * 62] * labels) + ".fr"
    try:
        validate_email(address, check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    assert clean_email(address)[1] is expected


def test_companies_named_alone_are_settled_in_linear_time() -> None:
    """A list of 100,000 company names, nothing else (no postcode, no SIRET: a
    trade-fair list, a vCard's ORG), took more than ten minutes: each name was looked
    for among every earlier one. Processor time for 1,000 and 8,000 names: linear is
    8 ×, quadratic 64 ×."""
    import gc
    import time

    from generator.importers.drafts import Draft
    from generator.importers.duplicates import Index

    def seconds(count: int) -> float:
        index = Index(90, "FR")
        drafts = [Draft("company", n + 2, {"name": f"Société {n} du salon"}) for n in range(count)]
        gc.disable()
        started = time.process_time()
        try:
            for draft in drafts:
                assert index.same_company(draft) is None and index.find(draft) is None
                index.add(draft)
            again = Draft("company", count + 2, {"name": f"SOCIÉTÉ {count - 1} du salon"})
            assert index.same_company(again).draft is drafts[-1]  # type: ignore[union-attr]
        finally:
            elapsed = time.process_time() - started
            gc.enable()
        return elapsed

    seconds(200)  # warm-up
    small, large = min(seconds(1000) for _ in range(3)), min(seconds(8000) for _ in range(3))
    assert large < 8 * small * 2.5, (small, large)
