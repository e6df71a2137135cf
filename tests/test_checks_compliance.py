"""Advisers' compliance on inline fixtures: the answers of a filled questionnaire, its
score and profile band, the bands' coverage, and each recommendation judged against the
profile valid at its date (``kyc-*`` codes)."""

from __future__ import annotations

from datetime import date

import pytest

from generator.book.compliance import KycState, Verdict
from generator.book.questionnaires import band_of, score_answers, score_range
from generator.testing import MINIMAL_SETTINGS, book_from_yaml, load_yaml

QUESTIONNAIRE = """\
questionnaires:
  profil-investisseur:
    title: Profil investisseur
    validity_months: 24
    required_for_interests: [client patrimoine]
    questions:
      horizon: {label: Horizon de placement, type: choice,
                choices: {moins de 2 ans: 0, 2 à 5 ans: 2, plus de 5 ans: 4}}
      pertes: {label: Perte acceptable sur un an, type: choice,
               choices: {"0 %": 0, "10 %": 3, "25 % et plus": 6}}
      supports: {label: Placements déjà détenus, type: multiple, required: false,
                 choices: {livret: 0, assurance-vie: 1, actions: 2}}
      age: {label: Âge, type: number, min: 18, max: 120, points: [[40, 2], [65, 1], [120, 0]]}
      objectif: {label: Objectif, type: text, required: false}
    profiles:
      - {name: Prudent, max_score: 4, max_risk: 2}
      - {name: Équilibré, max_score: 9, max_risk: 4}
      - {name: Dynamique, max_score: 15, max_risk: 7}
"""
SETTINGS = (
    MINIMAL_SETTINGS.replace(
        "interests: [professionnel, particulier]",
        "interests: [professionnel, particulier, client patrimoine]",
    )
    + QUESTIONNAIRE
)
PRODUCTS = {
    "data/stock/products/fonds-euros.yaml": "name: Fonds en euros\nprice: 0\nvat_rate: 0\nrisk: 1\n",
    "data/stock/products/fonds-actions.yaml": (
        "name: Fonds actions Europe\nprice: 0\nvat_rate: 0\nrisk: 6\n"
    ),
}
CONTACT = "data/contacts/jeanne.yaml"
SALE = "data/interactions/2026/conseil.yaml"
PRUDENT = "{horizon: moins de 2 ans, pertes: 10 %, age: 70}"  # 0 + 3 + 0 = 3
EQUILIBRE = "{horizon: plus de 5 ans, pertes: 10 %, age: 52, supports: [livret]}"  # 4+3+1 = 8


def contact(kyc: str = "", interests: str = "[client patrimoine]") -> str:
    """Jeanne, a wealth-advice client, with ``kyc`` (YAML list items, one per line)."""
    text = f"first_name: Jeanne\nlast_name: Sapin\ninterests: {interests}\n"
    return text + (f"kyc:\n{kyc}" if kyc else "")


def filled(day: str, answers: str, signed: str = "true") -> str:
    """One filled questionnaire as a ``kyc:`` item."""
    return (
        f"  - {{questionnaire: profil-investisseur, date: {day}, signed: {signed},\n"
        f"     answers: {answers}}}\n"
    )


def sale(products: str = "[fonds-actions]", day: str = "2026-06-10", extra: str = "") -> str:
    """A recommendation to Jeanne of ``products``."""
    return (
        f'kind: sale\ntype: "Vente - 2 - Découverte"\nuser: benoit\nsubject: Placement\n'
        f"date: {day}\ncontact: jeanne\nstate: open\nproducts: {products}\n{extra}"
    )


def problems(files: dict[str, str], lang: str | None = None) -> list:
    """The ``kyc-*`` problems of ``files``; no other error nor warning allowed."""
    result = load_yaml({**PRODUCTS, **files}, settings=SETTINGS, lang=lang)
    others = [
        p.format_text()
        for p in result.problems
        if not p.code.startswith("kyc-") and p.severity != "info"
    ]
    assert others == []
    return [p for p in result.problems if p.code.startswith("kyc-")]


def codes(found: list) -> list[tuple[str, str, int]]:
    return [(p.code, p.severity, p.line) for p in found]


# --- scores and bands -------------------------------------------------------------------


def test_scores_add_the_points_of_every_kind_of_answer_and_pick_the_band() -> None:
    book = book_from_yaml({CONTACT: contact(filled("2026-03-02", EQUILIBRE))}, settings=SETTINGS)
    questionnaire = book.settings.questionnaires["profil-investisseur"]
    kyc = book.compliance.contacts["jeanne"]
    assert (kyc.current.score, kyc.current.profile, kyc.current.max_risk) == (8, "Équilibré", 4)
    assert kyc.state is KycState.VALID
    assert kyc.current.valid_until == date(2028, 3, 2)
    assert [(r.question, r.points) for r in kyc.current.rows] == [
        ("horizon", 4),
        ("pertes", 3),
        ("supports", 0),
        ("age", 1),
        ("objectif", 0),
    ]
    several = score_answers(
        questionnaire,
        {
            "horizon": "2 à 5 ans",
            "pertes": "0 %",
            "age": 30,
            "supports": ["assurance-vie", "actions"],
        },
    )
    assert (several.score, several.band.name, several.issues) == (7, "Équilibré", ())
    assert score_range(questionnaire) == (0, 15)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "Prudent"),
        (4, "Prudent"),
        (5, "Équilibré"),
        (9, "Équilibré"),
        (10, "Dynamique"),
        (15, "Dynamique"),
        (16, None),
    ],
)
def test_each_score_falls_in_the_first_band_that_reaches_it(score: int, band: str | None) -> None:
    book = book_from_yaml({}, settings=SETTINGS)
    found = band_of(book.settings.questionnaires["profil-investisseur"], score)
    assert (found.name if found else None) == band


def test_bands_that_leave_high_scores_without_a_profile_are_an_error() -> None:
    settings = SETTINGS.replace(
        "{name: Dynamique, max_score: 15", "{name: Dynamique, max_score: 12"
    )
    result = load_yaml({}, settings=settings)
    [problem] = [p for p in result.problems if p.code.startswith("kyc-")]
    assert (problem.code, problem.severity, problem.path) == (
        "kyc-bands-uncovered",
        "error",
        "data/settings.yaml",
    )
    assert "les scores de 13 à 15 n'ont pas de profil" in problem.message
    assert problem.line == SETTINGS.splitlines().index("    profiles:") + 2


def test_bands_out_of_order_are_an_error_at_the_band() -> None:
    settings = SETTINGS.replace("{name: Équilibré, max_score: 9", "{name: Équilibré, max_score: 3")
    result = load_yaml({}, settings=settings)
    [problem] = [p for p in result.problems if p.code.startswith("kyc-")]
    assert problem.code == "kyc-bands-order"
    assert "« Équilibré » ne dépasse pas le score maximal de « Prudent »" in problem.message
    line = next(i for i, t in enumerate(settings.splitlines(), 1) if "name: Équilibré" in t)
    assert problem.line == line


def test_a_risk_outside_one_to_seven_is_refused() -> None:
    bad = {"data/stock/products/fonds-actions.yaml": "name: F\nprice: 0\nvat_rate: 0\nrisk: 8\n"}
    result = load_yaml(bad, settings=SETTINGS.replace("max_risk: 7", "max_risk: 0"))
    found = {(p.path, p.line, p.code) for p in result.problems if p.severity == "error"}
    assert found == {
        ("data/stock/products/fonds-actions.yaml", 4, "value-invalid"),
        ("data/settings.yaml", len(SETTINGS.splitlines()), "value-invalid"),
    }


# --- answers ----------------------------------------------------------------------------


def test_each_answer_is_checked_against_its_question_where_it_is_written() -> None:
    kyc = (
        "  - questionnaire: profil-investisseur\n"
        "    date: 2026-03-02\n"
        "    signed: true\n"
        "    answers:\n"
        "      horizon: dix ans\n"
        "      age: 12\n"
        "      supports: [livret, crypto]\n"
        "      couleur: bleu\n"
    )
    found = problems({CONTACT: contact(kyc)})
    assert [(p.code, p.line, p.column) for p in found] == [
        ("kyc-answer-missing", 9, 7),
        ("kyc-answer-invalid", 9, 16),
        ("kyc-answer-out-of-range", 10, 12),
        ("kyc-answer-invalid", 11, 17),
        ("kyc-question-unknown", 12, 16),
    ]
    assert found[1].message == (
        "question « horizon » : la réponse « dix ans » ne convient pas "
        "(choix : moins de 2 ans, 2 à 5 ans, plus de 5 ans)"
    )
    assert (
        found[0].message
        == "question obligatoire « pertes » (Perte acceptable sur un an) sans réponse"
    )
    assert found[2].message == "question « age » : 12 hors des bornes (au moins 18, au plus 120)"
    english = problems({CONTACT: contact(kyc)}, lang="en")
    assert english[4].message == "question 'couleur' is not in questionnaire 'profil-investisseur'"


def test_an_unknown_questionnaire_is_an_error_with_a_suggestion() -> None:
    kyc = "  - {questionnaire: profil-investiseur, date: 2026-03-02, answers: {}}\n"
    [problem] = problems({CONTACT: contact(kyc, interests="[particulier]")})
    assert (problem.code, problem.line) == ("kyc-questionnaire-unknown", 5)
    assert "profil-investisseur" in problem.hint


def test_the_former_free_mapping_is_an_error_with_a_hint_to_the_list_form() -> None:
    text = contact() + "kyc:\n  horizon: plus de 5 ans\n"
    result = load_yaml({CONTACT: text}, settings=SETTINGS)
    [problem] = result.problems  # and no kyc-missing besides: the list did not validate
    assert (problem.code, problem.path, problem.line, problem.column) == (
        "kyc-free-form",
        CONTACT,
        5,
        3,
    )
    assert problem.hint.startswith("écrivez kyc: [{questionnaire: profil-investisseur, date:")


# --- who needs one, and recommendations -------------------------------------------------


def test_a_contact_whose_interest_asks_for_a_questionnaire_and_has_none_is_warned() -> None:
    [problem] = problems({CONTACT: contact()})
    assert codes([problem]) == [("kyc-missing", "warning", 3)]
    assert problem.message == (
        "Jeanne Sapin doit remplir le questionnaire « Profil investisseur » "
        "(centre d'intérêt « client patrimoine ») et n'en a aucun"
    )
    assert problems({CONTACT: contact(interests="[particulier]")}) == []


def test_a_recommendation_within_the_profile_is_adequate() -> None:
    files = {CONTACT: contact(filled("2026-03-02", EQUILIBRE)), SALE: sale("[fonds-euros]")}
    assert problems(files) == []
    book = book_from_yaml({**PRODUCTS, **files}, settings=SETTINGS)
    assert book.compliance.recommendations["conseil"].verdict is Verdict.ADEQUATE


def test_a_recommendation_above_the_profile_is_an_error_at_the_product() -> None:
    files = {
        CONTACT: contact(filled("2026-03-02", EQUILIBRE)),
        SALE: sale("[fonds-euros, fonds-actions]"),
    }
    [problem] = problems(files)
    assert (problem.code, problem.severity, problem.path, problem.line, problem.column) == (
        "kyc-inadequate",
        "error",
        SALE,
        8,
        25,
    )
    assert problem.message == (
        "« Fonds actions Europe » (risque 6) recommandé à Jeanne Sapin, de profil Équilibré "
        "(risque 4 au plus, questionnaire du 2 mars 2026)"
    )


def test_document_lines_are_recommendations_too_and_their_chain_is_judged_once() -> None:
    quote = (
        'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\nsubject: Placement\n'
        "date: 2026-06-10\ncontact: jeanne\nstate: done\ndocument:\n  kind: quote\n"
        "  lines:\n    - {product: fonds-actions, unit_price: 1000, vat_rate: 0, vat_category: E,"
        " vat_exemption: Exonération art. 261 C}\n"
    )
    order = quote.replace("kind: quote", "kind: order\n  from: conseil")
    files = {
        CONTACT: contact(filled("2026-03-02", PRUDENT)),
        SALE: quote,
        "data/interactions/2026/commande.yaml": order,
    }
    [problem] = problems(files)
    assert (problem.code, problem.path, problem.line) == ("kyc-inadequate", SALE, 11)


def test_a_justified_recommendation_is_an_info_naming_the_justification() -> None:
    why = "adequacy_justification: Part limitée à 5 % du patrimoine, demandée par la cliente\n"
    files = {CONTACT: contact(filled("2026-03-02", EQUILIBRE)), SALE: sale(extra=why)}
    [problem] = problems(files)
    assert codes([problem]) == [("kyc-justified", "info", 9)]
    assert problem.message.endswith(
        "justifié : Part limitée à 5 % du patrimoine, demandée par la cliente"
    )


def test_the_profile_is_the_one_valid_at_the_recommendations_date() -> None:
    two = filled("2024-01-15", PRUDENT) + filled("2026-03-02", EQUILIBRE)
    before = {CONTACT: contact(two), SALE: sale("[fonds-euros]", day="2025-05-01")}
    assert problems(before) == []
    risky_then = {CONTACT: contact(two), SALE: sale("[fonds-actions]", day="2025-05-01")}
    [problem] = problems(risky_then)
    assert (
        "de profil Prudent (risque 2 au plus, questionnaire du 15 janvier 2024)" in problem.message
    )


def test_a_recommendation_without_a_questionnaire_at_its_date_is_missing() -> None:
    files = {CONTACT: contact(filled("2026-09-01", EQUILIBRE)), SALE: sale("[fonds-euros]")}
    [problem] = problems(files)
    assert codes([problem]) == [("kyc-missing", "warning", 6)]
    assert problem.message == (
        "recommandation de « Fonds en euros » à Jeanne Sapin sans questionnaire client "
        "rempli à cette date"
    )


def test_a_recommendation_after_the_questionnaire_expired_is_warned() -> None:
    files = {CONTACT: contact(filled("2023-03-02", EQUILIBRE)), SALE: sale("[fonds-euros]")}
    [problem] = problems(files)
    assert codes([problem]) == [("kyc-expired", "warning", 5)]
    assert problem.message == (
        "recommandation de « Fonds en euros » à Jeanne Sapin le 10 juin 2026 : son "
        "questionnaire du 2 mars 2023 a expiré le 2 mars 2025"
    )
    book = book_from_yaml({**PRODUCTS, **files}, settings=SETTINGS)
    assert book.compliance.contacts["jeanne"].state is KycState.EXPIRED


def test_a_recommendation_on_an_unsigned_questionnaire_is_warned() -> None:
    files = {
        CONTACT: contact(filled("2026-03-02", EQUILIBRE, signed="false")),
        SALE: sale("[fonds-euros]"),
    }
    [problem] = problems(files)
    assert codes([problem]) == [("kyc-unsigned", "warning", 6)]
    assert "questionnaire non signé (du 2 mars 2026)" in problem.message


def test_a_questionnaire_expiring_soon_is_a_state_not_a_problem() -> None:
    files = {CONTACT: contact(filled("2024-12-20", EQUILIBRE))}
    assert problems(files) == []
    book = book_from_yaml({**PRODUCTS, **files}, settings=SETTINGS)
    assert book.compliance.contacts["jeanne"].state is KycState.EXPIRING


def test_the_interests_that_ask_for_a_questionnaire_come_from_the_settings() -> None:
    settings = SETTINGS.replace("[client patrimoine]\n", "[client patrimonie]\n", 1)
    result = load_yaml({}, settings=settings)
    [problem] = result.problems
    assert (problem.code, problem.path) == ("list-value-unknown", "data/settings.yaml")
    assert "« client patrimonie » absent de settings.interests" in problem.message
    assert problem.hint == "vouliez-vous dire « client patrimoine » ?"


def test_products_name_known_products() -> None:
    files = {
        **PRODUCTS,
        CONTACT: contact(filled("2026-03-02", EQUILIBRE)),
        SALE: sale("[fonds-actons]"),
    }
    result = load_yaml(files, settings=SETTINGS)
    [problem] = result.problems
    assert (problem.code, problem.line, problem.column) == ("ref-unknown", 8, 12)
    assert problem.message == "produit « fonds-actons » inconnu"
    assert problem.hint == "vouliez-vous dire « fonds-actions » ?"
