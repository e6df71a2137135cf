"""Grammar by Babel, words from the catalogue: plurals, ordinals, genders, French dates."""

from __future__ import annotations

from datetime import date

import pytest

from generator.locale import day_date, expand, long_date, plural_category, unit_label
from generator.problems import CATALOGUE, Refused, make_problem, text


def _say(template: str, lang: str = "fr", **params: object) -> str:
    return expand(template, lang, params).format(**params)


PIECES = "{count, plural, one {# pièce} other {# pièces}}"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 pièce"), (1, "1 pièce"), ("1,5", "1,5 pièce"), (2, "2 pièces"), (1500, "1 500 pièces")],
)
def test_plural_follows_babel_categories(count: object, expected: str) -> None:
    assert _say(PIECES, count=count).replace("\u202f", " ").replace("\xa0", " ") == expected


def test_english_plural_and_exact_value() -> None:
    template = "{n, plural, =0 {nothing} one {# file} other {# files}}"
    assert [_say(template, "en", n=n) for n in (0, 1, 2)] == ["nothing", "1 file", "2 files"]
    assert plural_category(0, "en") == "other" and plural_category(0, "fr") == "one"


def test_ordinal_select_and_literal_braces() -> None:
    day = "{d, selectordinal, one {#er} other {#}} avril"
    assert _say(day, d=1) == "1er avril" and _say(day, d=2) == "2 avril"
    issued = "{label} {gender, select, f {émise} other {émis}} ({{seq}})"
    assert _say(issued, label="facture", gender="f") == "facture émise ({seq})"
    assert _say(issued, label="avoir", gender="m") == "avoir émis ({seq})"
    assert _say("{x} et {y}", x=1, y=2) == "1 et 2"


def test_placeholders_inside_branches() -> None:
    template = "{count, plural, one {# document ({example})} other {# documents ({example})}}"
    assert _say(template, count=3, example="F-1") == "3 documents (F-1)"


def test_dates_read_as_french() -> None:
    assert day_date(date(2026, 4, 1)) == "1er avril 2026"
    assert day_date(date(2026, 11, 25)) == "25 novembre 2026"
    assert long_date(date(2026, 4, 1)) == "mercredi 1er avril 2026"
    assert day_date(date(2026, 4, 1), "en") == "1 April 2026"


def test_units_agree_with_quantities() -> None:
    assert unit_label("pièce", 3) == "pièces"
    assert unit_label("pièce", 1) == "pièce"
    assert unit_label("heure", "1.5") == "heure"
    assert unit_label("exemplaire", 17) == "exemplaires"
    assert unit_label("kg", 17) == "kg"


def test_no_catalogue_text_writes_grammar_by_hand() -> None:
    hand_made = [
        code
        for code, entry in CATALOGUE.items()
        for words in (entry.fr, entry.hint_fr or "", entry.en)
        if any(mark in words for mark in ("(s)", "(e)", "(es)", "(x)"))
    ]
    assert not hand_made


def test_the_message_knows_the_gender_of_what_it_names() -> None:
    company = make_problem("ref-unknown", "x.yaml", target="société", kind="company", id="a")
    product = make_problem("ref-unknown", "x.yaml", target="produit", kind="product", id="b")
    assert company.message == "société « a » inconnue"
    assert product.message == "produit « b » inconnu"
    hours = make_problem("hourly-cost-missing", "x.yaml", hours="1.5", user="claire")
    assert hours.message.startswith("1,5 heure sans")


def test_dates_in_messages_are_french_and_follow_the_language() -> None:
    refusal = Refused("future-issue-date", day=date(2026, 12, 1), today=date(2026, 11, 25))
    assert "1er décembre 2026" in refusal.message("fr")
    assert "25 novembre 2026" in refusal.message("fr")
    assert "2026-12-01" not in refusal.message("fr")
    assert "1 December 2026" in refusal.message("en")


def test_command_summaries_agree() -> None:
    one = text("documents-summary", "fr", done=1, written=1, up_to_date=0, removed=0, failed=0)
    assert one == "1 document : 1 écrit, 0 à jour"
    many = text("documents-summary", "fr", done=3, written=2, up_to_date=1, removed=2, failed=0)
    assert many == "3 documents : 2 écrits, 1 à jour, 2 supprimés"
    line = text("validate-summary", "fr", files=1, errors=1, warnings=2)
    assert line == "1 fichier vérifié : 1 erreur, 2 avertissements"
