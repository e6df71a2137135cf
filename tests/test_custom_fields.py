"""The firm's own fields (``settings.custom_fields``): checked like built-in fields,
in the JSON Schemas, shown on record pages, imported and exported."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from generator.schema.export import schemas
from generator.site.views import custom_fields_shown
from generator.testing import MINIMAL_SETTINGS, book_from_yaml, load_yaml, write_repo

SETTINGS = (
    MINIMAL_SETTINGS
    + """\
custom_fields:
  contact:
    date_naissance: {label: Date de naissance, type: date}
    situation: {label: Situation familiale, type: choice, choices: [célibataire, marié(e)]}
    langues: {label: Langues, type: multiple, choices: [français, anglais]}
  company:
    effectif: {label: Effectif, type: number, required: true}
"""
)


def _codes(result) -> list[tuple[str, int, int, str]]:
    return [(p.path, p.line, p.column, p.code) for p in result.problems]


def test_values_are_checked_and_located() -> None:
    result = load_yaml(
        {
            "data/contacts/a.yaml": "last_name: A\ndate_naissance: demain\nsituation: divorcé\n"
            "langues: [français, klingon]\nautre: x\n",
            "data/companies/sans-effectif.yaml": "name: Sans effectif\nkind: client\n",
            "data/companies/ok.yaml": "name: OK\nkind: client\neffectif: 12\n",
        },
        settings=SETTINGS,
    )
    assert sorted(_codes(result)) == [
        ("data/companies/sans-effectif.yaml", 1, 1, "custom-field-missing"),
        ("data/contacts/a.yaml", 2, 17, "custom-field-invalid"),
        ("data/contacts/a.yaml", 3, 12, "custom-field-invalid"),
        ("data/contacts/a.yaml", 4, 10, "custom-field-invalid"),
        ("data/contacts/a.yaml", 5, 1, "field-unknown"),  # not declared: still unknown
    ]
    text = {p.line: p.message for p in result.problems if p.path == "data/contacts/a.yaml"}
    assert (
        text[3]
        == "Situation familiale (situation) : « divorcé » n'est pas une des valeurs permises"
    )


def test_declared_fields_are_kept_and_shown() -> None:
    book = book_from_yaml(
        {
            "data/contacts/a.yaml": "last_name: A\ndate_naissance: 1994-03-18\n"
            "situation: marié(e)\nlanges: [anglais]\n".replace("langes", "langues"),
        },
        settings=SETTINGS.replace("required: true", "required: false"),
    )
    record = book.contacts["a"].record
    assert custom_fields_shown(book, "contact", record) == [
        ("Date de naissance", "18 mars 1994"),
        ("Situation familiale", "marié(e)"),
        ("Langues", "anglais"),
    ]


def test_json_schemas_offer_them() -> None:
    book = book_from_yaml({}, settings=SETTINGS)
    found = schemas(book.settings)
    contact = found["contact"]["properties"]
    assert contact["situation"] == {
        "title": "Situation familiale",
        "type": "string",
        "enum": ["célibataire", "marié(e)"],
    }
    assert contact["date_naissance"]["format"] == "date"
    assert "effectif" in found["company"]["required"]
    assert "custom" not in contact


def test_the_example_contact_page_shows_them(site: Path) -> None:
    from test_site_build import read

    html = read(site, "contacts/chloe-renaud/")
    fields = dict(re.findall(r"<dt>([^<]*)<.*?</dt><dd>([^<]*)<", html))
    assert fields["Situation familiale"] == "pacsé(e)"
    assert fields["Date de naissance"] == "18 mars 1994"


def test_import_and_export_them(tmp_path: Path, carnet) -> None:
    settings = SETTINGS.replace("required: true", "required: false")
    repo = write_repo(tmp_path / "repo", {}, settings=settings)
    source = tmp_path / "clients.csv"
    source.write_text(
        "Nom;Prénom;Date de naissance;Situation familiale;Langues\n"
        "Martin;Paul;05/11/1980;célibataire;français, anglais\n",
        encoding="utf-8",
    )
    guess = carnet("import", "guess", str(source), "--save-mapping", "clients", repo=repo)
    assert guess.exit_code == 0, guess.output
    assert "contact.date_naissance" in guess.stdout
    done = carnet("import", "run", str(source), "--mapping", "clients", repo=repo)
    assert done.exit_code == 0, done.output
    saved = (repo / "data/contacts/paul-martin.yaml").read_text(encoding="utf-8")
    assert "date_naissance: 1980-11-05" in saved
    assert "langues: [français, anglais]" in saved
    assert carnet("validate", repo=repo).exit_code == 0
    exported = carnet("export", "contact", repo=repo)
    assert exported.exit_code == 0, exported.output
    raw = (repo / "build/export/contacts.csv").read_bytes().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw), delimiter=";"))
    cells = dict(zip(header, row, strict=True))
    assert cells["Date de naissance"] == "1980-11-05"
    assert cells["Langues"] == "français, anglais"


@pytest.mark.browser
def test_the_contact_list_filters_on_a_choice_field(site: Path) -> None:
    from browser import browser, serve

    with serve(site) as base, browser() as chromium:
        for width in (1366, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "/contacts/")
            column = page.locator("th[data-choice=situation]")
            assert column.inner_text() == "Situation familiale"
            every = page.locator("table tbody tr").count()
            page.select_option("select.carnet-choice", "pacsé(e)")
            shown = page.eval_on_selector_all(
                "table tbody tr",
                "rows => rows.filter(r => !r.hidden).map(r => r.cells[0].innerText)",
            )
            assert shown == ["Chloé Renaud"]
            page.fill("input.carnet-filter", "Dupont")  # the text filter keeps the choice
            hidden = page.eval_on_selector_all(
                "table tbody tr", "rows => rows.filter(r => !r.hidden).length"
            )
            assert hidden == 0
            page.fill("input.carnet-filter", "")
            page.select_option("select.carnet-choice", "")
            assert (
                page.eval_on_selector_all(
                    "table tbody tr", "rows => rows.filter(r => !r.hidden).length"
                )
                == every
            )
