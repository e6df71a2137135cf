"""``carnet export``: CSV for Excel, xlsx, vCard 4.0; interest and consent filters;
formulas never; and a round trip (export, then import into an empty repository)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import vobject
import yaml
from conftest import ROOT
from openpyxl import load_workbook

from generator.testing import MINIMAL_SETTINGS, book_from_yaml, write_repo

SETTINGS = MINIMAL_SETTINGS.replace(
    "interests: [professionnel, particulier]", "interests: [professionnel, particulier, newsletter]"
)
HOSTILE = """\
name: "=HYPERLINK(\\"http://evil.example\\",\\"clic\\")"
kind: client
siren: "732829320"
address: {street: "+33 rue du Piège", postcode: "69002", city: "@Lyon", country: FR}
phone: "-1+1"
interests: [professionnel]
"""
FILES = {
    "data/companies/piege.yaml": HOSTILE,
    "data/companies/atelier-vidal.yaml": (
        'name: Atelier Vidal\nkind: prospect\nsiret: "73282932000074"\n'
        'address: {street: 3 rue Mercière, postcode: "69002", city: Lyon, country: FR}\n'
        'phone: "04 78 00 00 00"\nwebsite: https://atelier-vidal.fr\ninterests: [newsletter]\n'
    ),
    "data/contacts/helene-vidal.yaml": (
        "civility: Mme\nfirst_name: Hélène\nlast_name: Vidal\ncompany: atelier-vidal\n"
        'role: Gérante\nemail: helene@atelier-vidal.fr\nmobile: "06 12 34 56 78"\n'
        "interests: [newsletter, professionnel]\nnote: |\n  Deux lignes ;\n  avec « guillemets ».\n"
    ),
    "data/contacts/paul-prive.yaml": (
        "first_name: Paul\nlast_name: Privé\nemail: paul@example.org\ninterests: [newsletter]\n"
    ),
    "data/contacts/lea-prive.yaml": (
        "first_name: Léa\nlast_name: Optin\nemail: lea@example.org\ninterests: [newsletter]\n"
        "optin: {date: 2026-01-10, source: formulaire site}\n"
        'address: {street: 1 rue Neuve, postcode: "69001", city: Lyon, country: FR}\n'
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", FILES, settings=SETTINGS)


def _csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_defuses_formulas_and_keeps_french_text(repo: Path, carnet) -> None:
    result = carnet("export", "company", repo=repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "build/export/companies.csv"
    rows = _csv(repo / "build/export/companies.csv")
    header, *data = rows
    assert header[:3] == ["Raison sociale", "Nature", "Forme juridique"]
    hostile = next(r for r in data if "HYPERLINK" in r[0])
    assert hostile[0].startswith("'=")
    assert hostile[header.index("Rue")] == "'+33 rue du Piège"
    assert hostile[header.index("Ville")] == "'@Lyon"
    assert hostile[header.index("Téléphone")] == "'-1+1"


def test_xlsx_has_a_frozen_filtered_header_and_no_formula(
    repo: Path, carnet, tmp_path: Path
) -> None:
    out = tmp_path / "societes.xlsx"
    result = carnet("export", "company", "--format", "xlsx", "--out", str(out), repo=repo)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].value == "Raison sociale" and sheet["A1"].font.bold
    names = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    hostile = next(v for v in names if "HYPERLINK" in v)
    cell = sheet.cell(row=names[hostile], column=1)
    assert cell.data_type == "s" and cell.quotePrefix


def test_interest_and_consent_filters(repo: Path, carnet) -> None:
    result = carnet("export", "contact", "--interest", "newsletter", "--consent", repo=repo)
    assert result.exit_code == 0, result.output
    names = {r[2] for r in _csv(repo / "build/export/contacts.csv")[1:]}
    # Paul is a private person without opt-in: never written to
    assert names == {"Vidal", "Optin"}
    everyone = carnet("export", "contact", "--interest", "newsletter", repo=repo)
    assert everyone.exit_code == 0
    assert {r[2] for r in _csv(repo / "build/export/contacts.csv")[1:]} == {
        "Vidal",
        "Optin",
        "Privé",
    }
    typo = carnet("export", "contact", "--interest", "newsleter", repo=repo)
    assert typo.exit_code == 2
    assert "newsletter" in typo.stderr


def test_consent_rule() -> None:
    book = book_from_yaml({k: v for k, v in FILES.items() if "piege" not in k}, settings=SETTINGS)
    assert book.consent["helene-vidal"].allowed  # B2B, no opt-out
    assert not book.consent["paul-prive"].allowed  # B2C without opt-in
    assert book.consent["lea-prive"].allowed  # B2C with opt-in


def test_vcard_4(repo: Path, carnet) -> None:
    result = carnet("export", "contact", "--format", "vcf", repo=repo)
    assert result.exit_code == 0, result.output
    text = (repo / "build/export/contacts.vcf").read_text(encoding="utf-8")
    cards = list(vobject.readComponents(text))
    assert len(cards) == 3
    helene = next(c for c in cards if c.fn.value == "Hélène Vidal")
    assert helene.version.value == "4.0"
    assert helene.org.value == ["Atelier Vidal"]
    assert helene.note.value == "Deux lignes ;\navec « guillemets ».\n"
    assert "tel:+33612345678" in text


def test_round_trip_export_then_import_into_an_empty_repository(
    repo: Path, carnet, tmp_path: Path
) -> None:
    (repo / "data/companies/piege.yaml").unlink()
    result = carnet("export", "contact", repo=repo)
    assert result.exit_code == 0, result.output
    empty = write_repo(tmp_path / "empty", {}, settings=SETTINGS)
    exported = repo / "build/export/contacts.csv"
    guess = carnet("import", "guess", str(exported), "--save-mapping", "retour", repo=empty)
    assert guess.exit_code == 0, guess.output
    done = carnet("import", "run", str(exported), "--mapping", "retour", repo=empty)
    assert done.exit_code == 0, done.output
    for folder in ("data/contacts", "data/companies"):
        # the same records (file names follow the naming rules: slugs of the names)
        before = [yaml.safe_load(p.read_text("utf-8")) for p in (repo / folder).glob("*.yaml")]
        after = [yaml.safe_load(p.read_text("utf-8")) for p in (empty / folder).glob("*.yaml")]
        assert sorted(json.dumps(r, sort_keys=True, default=str) for r in after) == sorted(
            json.dumps(r, sort_keys=True, default=str) for r in before
        ), folder


def test_the_example_exports_in_every_format(tmp_path: Path, carnet) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    for fmt in ("csv", "xlsx", "vcf"):
        for kind in ("contact", "company"):
            result = carnet("export", kind, "--format", fmt, repo=repo)
            assert result.exit_code == 0, result.output


def test_xlsx_and_vcard_exports_import_back(repo: Path, carnet, tmp_path: Path) -> None:
    (repo / "data/companies/piege.yaml").unlink()
    companies, cards = tmp_path / "societes.xlsx", tmp_path / "contacts.vcf"
    assert (
        carnet(
            "export", "company", "--format", "xlsx", "--out", str(companies), repo=repo
        ).exit_code
        == 0
    )
    assert (
        carnet("export", "contact", "--format", "vcf", "--out", str(cards), repo=repo).exit_code
        == 0
    )
    empty = write_repo(tmp_path / "empty", {}, settings=SETTINGS)
    for path, name, kind in ((companies, "societes", "company"), (cards, "cartes", "contact")):
        guess = carnet(
            "import", "guess", str(path), "--kind", kind, "--save-mapping", name, repo=empty
        )
        assert guess.exit_code == 0, guess.output
        done = carnet("import", "run", str(path), "--mapping", name, repo=empty)
        assert done.exit_code == 0, done.output
    # the vCards name their company by its name only: the company imported from the
    # workbook is theirs, not a second one
    assert sorted(p.name for p in (empty / "data/companies").glob("*.yaml")) == [
        "atelier-vidal.yaml"
    ]
    helene = yaml.safe_load((empty / "data/contacts/helene-vidal.yaml").read_text("utf-8"))
    assert helene["company"] == "atelier-vidal"
    assert helene["mobile"] == "+33612345678"  # the tel: URI of the vCard 4.0
    assert helene["interests"] == ["newsletter", "professionnel"]
    assert "même nom, sans code postal" in done.stderr
    assert carnet("validate", repo=empty).exit_code == 0


def test_out_never_replaces_what_is_not_a_file_nor_writes_into_data(
    repo: Path, carnet, tmp_path: Path
) -> None:
    import os
    import stat

    pipe = tmp_path / "tube.csv"  # stands for /dev/null: run as root, it was replaced
    os.mkfifo(pipe)
    a_file = tmp_path / "deja.csv"
    a_file.write_text("garde-moi\n", encoding="utf-8")
    record = repo / "data/contacts/helene-vidal.yaml"
    before = record.read_bytes()
    for out in (pipe, a_file / "dessous.csv", "", record, repo / "data/x.csv"):
        result = carnet("export", "contact", "--out", str(out), repo=repo)
        assert result.exit_code == 1, (out, result.output)
        assert "--out" in result.stderr and "rien n'est écrit" in result.stderr, result.stderr
        assert "inattendue" not in result.output
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert a_file.read_text(encoding="utf-8") == "garde-moi\n"
    assert record.read_bytes() == before
    assert not (repo / "data/x.csv").exists()
    # an existing file named by the user is replaced, as asked
    done = carnet("export", "contact", "--out", str(a_file), repo=repo)
    assert done.exit_code == 0, done.output
    assert a_file.read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_export_is_readable_as_any_new_file(repo: Path, carnet, tmp_path: Path) -> None:
    import os
    import stat

    mask = os.umask(0o022)
    os.umask(mask)
    result = carnet("export", "contact", repo=repo)
    assert result.exit_code == 0, result.output
    written = repo / "build/export/contacts.csv"
    # the temporary file's private 0600 stayed: a list to share nobody else could read
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~mask
    shared = tmp_path / "partage.csv"
    shared.write_text("ancien\n", encoding="utf-8")
    shared.chmod(0o664)
    assert carnet("export", "contact", "--out", str(shared), repo=repo).exit_code == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664  # the file it replaces keeps its mode


def test_a_text_longer_than_an_excel_cell_is_told(repo: Path, carnet, tmp_path: Path) -> None:
    record = repo / "data/contacts/paul-prive.yaml"
    record.write_text(record.read_text("utf-8") + f"note: {'x' * 40000}\n", encoding="utf-8")
    out = tmp_path / "contacts.xlsx"
    result = carnet("export", "contact", "--format", "xlsx", "--out", str(out), repo=repo)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 3).value == "Privé")
    assert len(sheet.cell(row, header.index("Note") + 1).value) == 32767  # Excel's limit
    # cut without a word before: now told, located in the workbook
    where = f"{out}:{row}:{header.index('Note') + 1}: warning:"
    assert where in result.stderr and "40\u202f000" in result.stderr, result.stderr
    assert "[export-cell-cut]" in result.stderr


def test_vcard_writes_the_firm_s_own_fields(tmp_path: Path, carnet) -> None:
    """A custom field travels in a vCard as an extension property (``X-CARNET-…``)."""
    settings = SETTINGS + (
        "custom_fields:\n  contact:\n"
        "    situation: {label: Situation familiale, type: choice, choices: [marié(e), pacsé(e)]}\n"
        "    loisirs: {label: Loisirs, type: multiple, choices: [golf, voile]}\n"
        "    naissance: {label: Date de naissance, type: date}\n"
    )
    files = dict(FILES)
    files["data/contacts/paul-prive.yaml"] += (
        "situation: pacsé(e)\nloisirs: [golf, voile]\nnaissance: 1980-03-04\n"
    )
    repo = write_repo(tmp_path / "repo", files, settings=settings)
    result = carnet("export", "contact", "--format", "vcf", repo=repo)
    assert result.exit_code == 0, result.output
    text = (repo / "build/export/contacts.vcf").read_text(encoding="utf-8")
    paul = next(c for c in vobject.readComponents(text) if c.fn.value == "Paul Privé")
    assert paul.contents["x-carnet-situation"][0].value == "pacsé(e)"
    assert "X-CARNET-LOISIRS:golf\\, voile" in text  # one text: readers keep one value
    assert paul.contents["x-carnet-naissance"][0].value == "1980-03-04"
    # and back: carnet import reads them as the fields of the same names
    empty = write_repo(tmp_path / "vide", {}, settings=settings)
    cards = repo / "build/export/contacts.vcf"
    saved = carnet("import", "guess", str(cards), "--save-mapping", "cartes", repo=empty)
    assert saved.exit_code == 0, saved.output
    done = carnet("import", "run", str(cards), "--mapping", "cartes", "--no-commit", repo=empty)
    assert done.exit_code == 0, done.output
    back = yaml.safe_load((empty / "data/contacts/paul-prive.yaml").read_text(encoding="utf-8"))
    assert back["situation"] == "pacsé(e)" and back["loisirs"] == ["golf", "voile"]
    assert str(back["naissance"]) == "1980-03-04"
