"""Reading any real file, and every bad input an import meets: one clear line or a
located problem, never a traceback, nothing written."""

from __future__ import annotations

import codecs
import io
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from openpyxl import Workbook
from stock_helpers import snapshot

from generator.importers.reading import open_table
from generator.problems import Refused

ROWS = [["Société", "Prénom", "Nom", "E-mail"], ["Atelier Vidal", "Hélène", "Vidal", "h@vidal.fr"]]


def _text(rows: list[list[str]], delimiter: str) -> str:
    return "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", b"", ","),
        ("utf-8", codecs.BOM_UTF8, ";"),
        ("cp1252", b"", ";"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t"),
        ("utf-8", b"", "|"),
        ("utf-32-le", codecs.BOM_UTF32_LE, ";"),  # was read as UTF-16: NULs everywhere
        ("utf-16-le", b"", ";"),  # without its BOM: was « fichier binaire »
        ("utf-16-be", b"", ","),
    ],
)
def test_encodings_and_dialects(tmp_path: Path, encoding: str, bom: bytes, delimiter: str) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(bom + _text(ROWS, delimiter).encode(encoding))
    table = open_table(path, "contacts.csv")
    assert table.delimiter == delimiter
    assert table.header == ROWS[0]
    rows = list(table.rows())
    assert [r.cells for r in rows] == [ROWS[1]]
    assert rows[0].line == 2


def test_a_long_french_excel_file_is_read_as_cp1252() -> None:
    """charset-normalizer alone takes this cp1252 file (Excel's « CSV (séparateur :
    point-virgule) », names it has never seen) for cp850, a DOS code page: « Prénom »
    would read « PrÚnom ». A file that reads as cleanly in cp1252 is read in cp1252."""
    path = Path(__file__).parent / "fixtures" / "imports" / "excel-fr-cp1252-long.csv"
    table = open_table(path, path.name)
    assert table.encoding == "cp1252"
    assert table.header[:3] == ["Raison sociale", "SIRET", "Prénom"]
    assert any(row.cells[2] == "Élodie" for row in table.rows())


def test_cp1252_with_a_byte_it_does_not_define(tmp_path: Path) -> None:
    # 0x81 means nothing in cp1252: charset-normalizer then chose cp775 (Baltic), and
    # every « é » of the file became « ķ »
    path = tmp_path / "excel.csv"
    path.write_bytes(
        _text(ROWS, ";").encode("cp1252")
        + "Garage;Zoé;Martin;z@m.fr\r\n".encode("cp1252").replace(b"Garage", b"Gar\x81ge")
    )
    table = open_table(path, "excel.csv")
    assert table.encoding == "cp1252"
    assert table.header == ROWS[0]
    assert [r.cells[1] for r in table.rows()] == ["Hélène", "Zoé"]


ANDROID_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mart=C3=AEn;=C3=89lodie;;Mme;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=89lodie Mart=C3=AEn\r\n"
    "TEL;CELL:0612345679\r\n"
    "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;12 all=C3=A9e des =\r\n"
    "Tilleuls;Lyon;;69003;\r\n"
    "FN pas de deux-points\r\n"
    "END:VCARD\r\n"
)


def test_vcard_2_1_quoted_printable_civility_and_a_line_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "android.vcf"
    path.write_bytes(ANDROID_21.encode("ascii"))
    table = open_table(path, "android.vcf")
    (row,) = table.rows()
    cells = dict(zip(table.header, row.cells, strict=True))
    # a soft line break of quoted-printable continues the line (the address was cut)
    assert cells["Rue"] == "12 allée des Tilleuls"
    assert (cells["Ville"], cells["Code postal"]) == ("Lyon", "69003")
    assert (cells["Civilité"], cells["Prénom"], cells["Nom"]) == ("Mme", "Élodie", "Martîn")
    # the line vobject skips is told, located, not logged on stderr in its own words
    assert table.skipped == [(8, "FN pas de deux-points")]


def test_a_vcard_line_left_out_is_a_located_warning(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "android.vcf"
    path.write_bytes(ANDROID_21.encode("ascii"))
    result = _run(carnet, repo, path, "--map", "Nom=contact.last_name", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"{path}:8:1: warning: ligne illisible, laissée de côté : « FN pas de deux-points »" in (
        result.stderr
    )
    assert "vobject" not in result.stderr and "Skipped line" not in result.stderr


def test_a_vcf_that_is_a_csv_is_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    table = open_table(path, "contacts.vcf")  # was « fichier vide »
    assert table.format == "csv"
    assert [r.cells for r in table.rows()] == [ROWS[1]]


def test_a_header_named_twice_is_numbered(tmp_path: Path) -> None:
    # the second « Nom » could not be mapped: a mapping names its columns by their header
    path = tmp_path / "deux-noms.csv"
    path.write_text("Nom;Nom;E-mail;;\r\nVidal;Hélène;h@vidal.fr;;\r\n", encoding="utf-8")
    assert open_table(path, "deux-noms.csv").header == ["Nom", "Nom 2", "E-mail", "", ""]


def test_a_file_of_one_column_keeps_its_commas(tmp_path: Path) -> None:
    # the sniffer found « , » in the values: every « Sapin, Jeanne » became a ragged row
    path = tmp_path / "noms.csv"
    path.write_text("Nom complet\r\nSapin, Jeanne\r\nMartin; Luc\r\nVidal\r\n", encoding="utf-8")
    table = open_table(path, "noms.csv")
    assert table.header == ["Nom complet"]
    assert [r.cells for r in table.rows()] == [["Sapin, Jeanne"], ["Martin; Luc"], ["Vidal"]]
    assert table.delimiter is None  # guess shows no delimiter


def test_xlsx_with_a_title_and_merged_header_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Export CRM"
    sheet.append(["Export de l'ancien CRM — 2026"])
    sheet.merge_cells("A1:E1")
    sheet.append(["Société", "Contact", None, "Adresse", None])
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("D2:E2")
    sheet.append(["Atelier Vidal", "Hélène", "Vidal", "3 rue Mercière", "69002"])
    path = tmp_path / "crm.xlsx"
    book.save(path)
    table = open_table(path, "crm.xlsx")
    assert table.header == ["Société", "Contact", "Contact 2", "Adresse", "Adresse 2"]
    rows = list(table.rows())
    assert rows[0].line == 3
    assert rows[0].cells == ["Atelier Vidal", "Hélène", "Vidal", "3 rue Mercière", "69002"]


def test_xlsx_dates_and_numbers_read_as_typed(tmp_path: Path) -> None:
    from datetime import date, datetime

    book = Workbook()
    book.active.append(["Nom", "Naissance", "Rendez-vous", "Score"])
    book.active.append(["Vidal", date(1980, 3, 4), datetime(2026, 3, 4, 10, 30), 12.5])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    (row,) = open_table(path, "dates.xlsx").rows()
    # a date cell comes back as a datetime at midnight: the date alone, not 1980-03-04T00:00:00
    assert row.cells == ["Vidal", "1980-03-04", "2026-03-04T10:30:00", "12.5"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("vide.csv", b"", "import-file-empty"),
        ("blancs.csv", b"\r\n\r\n", "import-file-empty"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "import-file-binary"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(64), "import-file-binary"),
        ("faux.xlsx", b"pas un classeur", "import-file-unreadable"),
    ],
)
def test_files_that_cannot_be_imported(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Refused) as caught:
        open_table(path, name)
    assert caught.value.code == code


def _workbook(tmp_path: Path) -> bytes:
    book = Workbook()
    book.active.append(["Nom", "Prénom"])
    book.active.append(["Vidal", "Hélène"])
    book.save(tmp_path / "modele.xlsx")
    return (tmp_path / "modele.xlsx").read_bytes()


def test_a_corrupted_xlsx_is_one_clear_line(tmp_path: Path) -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_workbook(tmp_path)))
    path = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(path, "w") as broken:  # the sheet cut in the middle of a row
        for info in source.infolist():
            data = source.read(info)
            broken.writestr(
                info, data[: len(data) // 2] if "worksheets/" in info.filename else data
            )
    with pytest.raises(Refused) as caught:
        list(open_table(path, "abime.xlsx").rows())
    assert caught.value.code == "import-file-unreadable"


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    import struct

    raw = bytearray(_workbook(tmp_path))
    # every part claims 1 GB once inflated (the central directory's uncompressed sizes)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        raw[at + 24 : at + 28] = struct.pack("<I", 1 << 30)
        at = raw.find(b"PK\x01\x02", at + 4)
    path = tmp_path / "bombe.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(Refused) as caught:
        open_table(path, "bombe.xlsx")
    assert caught.value.code == "import-file-too-large"


def test_a_file_of_200_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "enorme.csv"
    with path.open("wb") as handle:  # sparse: nothing is really written
        handle.truncate(200 * 1024 * 1024)
    with pytest.raises(Refused) as caught:
        open_table(path, "enorme.csv")
    assert caught.value.code == "import-file-too-large"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(ROOT / "data", target / "data")
    (target / "data/imports").mkdir()
    return target


def _run(carnet, repo: Path, path: Path, *more: str):
    return carnet("import", "run", str(path), *more, repo=repo)


def test_header_only_and_empty_files(repo: Path, tmp_path: Path, carnet) -> None:
    header = tmp_path / "entete.csv"
    header.write_text("Société;Nom\r\n", encoding="utf-8")
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    before = snapshot(repo)
    for path, words in ((header, "un en-tête sans aucune ligne"), (empty, "fichier vide")):
        result = _run(carnet, repo, path, "--map", "Nom=contact.last_name")
        assert result.exit_code == 1
        assert words in result.stderr
        assert "Traceback" not in result.output
    assert snapshot(repo) == before


def test_ragged_rows_are_located(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "decale.csv"
    path.write_text("Société;Nom\r\nAtelier;Vidal\r\nGarage;Martin;en trop\r\n", encoding="utf-8")
    result = _run(carnet, repo, path, "--map", "Nom=contact.last_name")
    assert result.exit_code == 1
    assert f"{path}:3:3: error: ligne de 3 cellules pour un en-tête de 2 colonnes" in result.stderr


def test_a_quote_never_closed_is_refused(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "guillemet.csv"
    path.write_text(
        'Société;Nom\r\nAtelier;Vidal\r\n"Garage;Martin\r\nBoulangerie;Dupré\r\n',
        encoding="utf-8",
    )
    before = snapshot(repo)
    result = _run(
        carnet, repo, path, "--map", "Nom=contact.last_name", "--map", "Société=company.name"
    )
    # the rest of the file would have been one company named « Garage;Martin… »
    assert result.exit_code == 1, result.output
    assert f"{path}:3 : guillemet ouvert jamais refermé" in result.stderr
    assert snapshot(repo) == before
    closed = tmp_path / "ferme.csv"
    closed.write_text('Société;Nom\r\n"Atelier\r\nVidal";Vidal', encoding="utf-8")
    assert [r.cells for r in open_table(closed, "ferme.csv").rows()] == [
        ["Atelier\r\nVidal", "Vidal"]
    ]


def test_mapping_problems_are_located_in_the_mapping(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    (repo / "data/imports/mauvaise.yaml").write_text(
        "kind: company\n"
        "columns:\n"
        "  Société: company.name\n"
        "  Prénom: contact.first_name\n"
        "  Nom: company.name\n"
        "  E-mail: company.emial\n"
        "  Téléphone: company.phone\n",
        encoding="utf-8",
    )
    before = snapshot(repo)
    result = _run(carnet, repo, path, "--mapping", "mauvaise")
    assert result.exit_code == 1
    err = result.stderr
    rel = "data/imports/mauvaise.yaml"
    assert f"{rel}:4:3: error: champ « contact.first_name » d'une autre nature" in err
    assert f"{rel}:5:3: error: champ « company.name » déjà rempli par la colonne « Société »" in err
    assert f"{rel}:6:3: error: champ « company.emial » inconnu" in err
    assert "company.email" in err  # did you mean
    assert f"{rel}:7:3: error: colonne « Téléphone » absente du fichier" in err
    assert snapshot(repo) == before


def test_a_mapping_that_does_not_validate(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    (repo / "data/imports/cassee.yaml").write_text(
        "kind: personne\ncolumns: {Nom: contact.last_name}\n", encoding="utf-8"
    )
    result = _run(carnet, repo, path, "--mapping", "cassee")
    assert result.exit_code == 1
    assert "data/imports/cassee.yaml:1:7: error:" in result.stderr
    (repo / "data/imports/cassee.yaml").unlink()  # validated like a record: it blocks the rest
    unknown = _run(carnet, repo, path, "--mapping", "absente")
    assert unknown.exit_code == 2
    assert "introuvable" in unknown.stderr
    neither = _run(carnet, repo, path)
    assert neither.exit_code == 2


def test_mapping_names_of_any_shape(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    long_name = "Fichier des prospects du salon " * 10  # 300 characters
    for name, file in (
        ("../../hors du dépôt", "hors-du-depot"),
        ("a/b\\c", "a-b-c"),
        (long_name, ("fichier-des-prospects-du-salon-" * 2)[:60].strip("-")),
    ):
        saved = carnet("import", "guess", str(path), "--save-mapping", name, repo=repo)
        assert saved.exit_code == 0, saved.output  # a name too long for a file crashed
        assert (repo / f"data/imports/{file}.yaml").is_file(), sorted(
            p.name for p in (repo / "data/imports").iterdir()
        )
        run = _run(carnet, repo, path, "--mapping", name, "--dry-run")
        assert run.exit_code == 0, run.output
    assert sorted(p.name for p in repo.rglob("*") if p.is_file() and "imports" in p.parts) == [
        "a-b-c.yaml",
        f"{file}.yaml",
        "hors-du-depot.yaml",
    ]


def test_a_mapping_s_warnings_are_shown(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    (repo / "data/imports/salon.yaml").write_text(
        "kind: contact\ncolumns: {Nom: contact.last_name}\nconstant: {contact.interests: [salon]}\n",
        encoding="utf-8",
    )
    result = _run(carnet, repo, path, "--mapping", "salon", "--dry-run")
    assert result.exit_code == 0, result.output
    # « constant » for « constants »: the constants were silently not applied
    assert "data/imports/salon.yaml:3:1: warning:" in result.stderr
    assert "[field-unknown]" in result.stderr


def test_a_column_mapped_twice_inline_is_refused(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    twice = ["--map", "Nom=contact.last_name", "--map", "Nom=contact.first_name"]
    result = _run(carnet, repo, path, *twice, "--dry-run")
    # the first was dropped without a word, then every row was « contact sans nom »
    assert result.exit_code == 2, result.output
    assert "« Nom » associée deux fois" in result.stderr


def test_a_constant_that_fails_is_told_once_in_the_mapping(
    repo: Path, tmp_path: Path, carnet
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text([*ROWS, ROWS[1], ROWS[1]], ";"), encoding="utf-8")
    (repo / "data/imports/salon.yaml").write_text(
        "kind: contact\n"
        "columns: {Nom: contact.last_name}\n"
        "constants:\n"
        "  contact.email: pas-une-adresse\n"
        "  contact.optin_date: hier\n",
        encoding="utf-8",
    )
    before = snapshot(repo)
    result = _run(carnet, repo, path, "--mapping", "salon")
    assert result.exit_code == 1, result.output
    err = result.stderr
    # once, where it is typed; not once a row, at the row's first column
    assert err.count("pas-une-adresse") == 1, err
    assert "data/imports/salon.yaml:4:18: error: adresse e-mail « pas-une-adresse » invalide" in err
    assert "data/imports/salon.yaml:5:23: error: date « hier » illisible" in err
    assert f"{path}:" not in err
    assert snapshot(repo) == before


def test_a_mapping_is_never_saved_through_a_link(repo: Path, tmp_path: Path, carnet) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (repo / "data/imports").rmdir()
    (repo / "data/imports").symlink_to(outside, target_is_directory=True)
    # guess reads no record, so nothing flagged the link: the mapping went outside
    result = carnet("import", "guess", str(path), "--save-mapping", "salon", repo=repo)
    assert result.exit_code == 1, result.output
    assert "data/imports est un lien symbolique" in result.stderr
    assert list(outside.iterdir()) == []


def test_an_empty_first_sheet_names_the_others(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["Liste du salon, voir l'onglet suivant"])
    book.create_sheet("Contacts").append(["Nom", "Prénom"])
    book["Contacts"].append(["Vidal", "Hélène"])
    path = tmp_path / "salon.xlsx"
    book.save(path)
    with pytest.raises(Refused) as caught:  # was « fichier vide »
        open_table(path, "salon.xlsx")
    assert caught.value.code == "import-sheet-empty"
    assert caught.value.params["others"] == "Contacts"
    assert open_table(path, "salon.xlsx", sheet="Contacts").header == ["Nom", "Prénom"]


def test_vcard_components_of_several_values(tmp_path: Path) -> None:
    path = tmp_path / "carte.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dupont;Jean,Pierre;;Dr,M.;\r\n"
        "FN:Jean-Pierre Dupont\r\nADR:;;12 rue Neuve,Bâtiment B;Lyon;;69001;France\r\n"
        "EMAIL:\r\nEMAIL:jp@dupont.fr\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    table = open_table(path, "carte.vcf")
    (row,) = table.rows()
    cells = dict(zip(table.header, row.cells, strict=True))
    # the lists vobject gives were written as Python: « ['Jean', 'Pierre'] »
    assert (cells["Civilité"], cells["Prénom"]) == ("Dr M.", "Jean Pierre")
    assert cells["Rue"] == "12 rue Neuve, Bâtiment B"
    assert cells["E-mail"] == "jp@dupont.fr"  # the first filled one, not the first one


def test_guess_on_thousands_of_columns_prints_plain_lines(
    repo: Path, tmp_path: Path, carnet
) -> None:
    path = tmp_path / "large.csv"
    header = [f"c{n}" for n in range(1000)] + ["Nom"]
    path.write_text(";".join(header) + "\r\n" + ";" * 1000 + "Vidal\r\n", encoding="utf-8")
    result = carnet("import", "guess", str(path), repo=repo)
    assert result.exit_code == 0, result.output
    # rich drew 100,000 columns in 30 s; plain lines take a moment
    assert "─" not in result.stdout
    assert any(
        line.split()[:3] == ["Nom", "contact.last_name", "Vidal"]
        for line in result.stdout.splitlines()
    )


def test_a_workbook_under_another_name_and_an_old_xls(tmp_path: Path) -> None:
    renamed = tmp_path / "export.csv"  # an xlsx saved as .csv: was « fichier binaire »
    renamed.write_bytes(_workbook(tmp_path))
    table = open_table(renamed, "export.csv")
    assert (table.format, table.header) == ("xlsx", ["Nom", "Prénom"])
    old = tmp_path / "ancien.xls"  # Excel 97-2003: say so, and what to do
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(Refused) as caught:
        open_table(old, "ancien.xls")
    assert caught.value.code == "import-file-xls"


def test_an_xlsx_of_one_column(tmp_path: Path) -> None:
    book = Workbook()
    for value in (None, "E-mail", "h@vidal.fr", "l@martin.fr"):
        book.active.append([value])
    path = tmp_path / "adresses.xlsx"
    book.save(path)
    table = open_table(path, "adresses.xlsx")  # every row looked like a title: « vide »
    assert (table.header, table.header_line) == (["E-mail"], 2)
    assert [(r.line, r.cells) for r in table.rows()] == [(3, ["h@vidal.fr"]), (4, ["l@martin.fr"])]


def test_a_list_constant_fills_its_own_field(repo: Path, tmp_path: Path, carnet) -> None:
    settings = repo / "data/settings.yaml"
    text = settings.read_text(encoding="utf-8")
    declared = "    situation: {label: Situation familiale"
    loisirs = "    loisirs: {label: Loisirs, type: multiple, choices: [golf, voile]}\n"
    settings.write_text(text.replace(declared, loisirs + declared, 1), encoding="utf-8")
    path = tmp_path / "contacts.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8")
    (repo / "data/imports/golf.yaml").write_text(
        "kind: contact\ncolumns: {Nom: contact.last_name}\n"
        "constants: {contact.loisirs: [golf, voile], contact.interests: [newsletter]}\n",
        encoding="utf-8",
    )
    result = _run(carnet, repo, path, "--mapping", "golf")
    # every list went to the interests: « golf absent de settings.interests »
    assert result.exit_code == 0, result.output
    record = yaml.safe_load((repo / "data/contacts/vidal.yaml").read_text(encoding="utf-8"))
    assert record["loisirs"] == ["golf", "voile"]
    assert record["interests"] == ["newsletter"]


def test_vcard_lines_counted_as_the_file_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "mac.vcf"  # macOS writes U+2028 in notes: no line break of the file
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Vidal;Hélène\r\nNOTE:un\u2028deux\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Martin;Luc\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    assert [r.line for r in open_table(path, "mac.vcf").rows()] == [1, 6]
