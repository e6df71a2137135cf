"""``carnet import guess|run``: real files in the shapes other tools write, imported into
a committed copy of the example business (a real git repository)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from stock_helpers import git, snapshot

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
EXCEL = FIXTURES / "excel-fr-cp1252.csv"


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example business, committed once for the module."""
    repo = tmp_path_factory.mktemp("import") / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Benoît Martin")
    git(repo, "config", "user.email", "benoit@example.fr")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Exemple")
    return repo


@pytest.fixture
def repo(committed: Path, tmp_path: Path) -> Path:
    """A private copy of the committed example, for a test that writes."""
    target = tmp_path / "repo"
    shutil.copytree(committed, target)
    return target


def _read(repo: Path, rel: str) -> dict:
    return yaml.safe_load((repo / rel).read_text(encoding="utf-8"))


def test_guess_reads_a_french_excel_csv_and_saves_the_mapping(repo: Path, carnet) -> None:
    result = carnet(
        "import", "guess", str(EXCEL), "--save-mapping", "Fichier prospects mensuel", repo=repo
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Encodage : cp1252" in out
    assert "Séparateur : ;" in out
    assert "Lignes : 5" in out
    assert "Élodie" in out  # accents decoded from cp1252
    saved = _read(repo, "data/imports/fichier-prospects-mensuel.yaml")
    assert saved["kind"] == "contact"
    assert saved["columns"]["Raison sociale"] == "company.name"
    assert saved["columns"]["Tél."] == "contact.phone"
    assert saved["columns"]["CP"] == "contact.postcode"
    assert saved["columns"]["Centres d'intérêt"] == "contact.interests"
    # saving over it needs --force
    again = carnet(
        "import", "guess", str(EXCEL), "--save-mapping", "Fichier prospects mensuel", repo=repo
    )
    assert again.exit_code == 1
    assert "existe déjà" in again.stderr
    forced = carnet(
        "import",
        "guess",
        str(EXCEL),
        "--save-mapping",
        "Fichier prospects mensuel",
        "--force",
        repo=repo,
    )
    assert forced.exit_code == 0, forced.output


def _mapping(repo: Path) -> None:
    (repo / "data/imports").mkdir(parents=True, exist_ok=True)
    (repo / "data/imports/prospects.yaml").write_text(
        "title: Fichier prospects mensuel\n"
        "kind: contact\n"
        "columns:\n"
        "  Raison sociale: company.name\n"
        "  SIRET: company.siret\n"
        "  Civilité: contact.civility\n"
        "  Prénom: contact.first_name\n"
        "  Nom: contact.last_name\n"
        "  Fonction: contact.role\n"
        "  E-mail: contact.email\n"
        "  Tél.: contact.phone\n"
        "  Portable: contact.mobile\n"
        "  Adresse: contact.street\n"
        "  CP: contact.postcode\n"
        "  Ville: contact.city\n"
        "  Type: {field: company.kind, values: {Client: client, Prospect: prospect}}\n"
        "  Centres d'intérêt: contact.interests\n",
        encoding="utf-8",
    )


def test_dry_run_shows_the_plan_and_writes_nothing(repo: Path, carnet) -> None:
    _mapping(repo)
    before = snapshot(repo)
    head = git(repo, "rev-parse", "HEAD")
    result = carnet("import", "run", str(EXCEL), "--mapping", "prospects", "--dry-run", repo=repo)
    assert result.exit_code == 0, result.output
    assert "Essai" in result.stdout
    assert "data/companies/boulangerie-dupre.yaml" in result.stdout
    # Jeanne Sapin exists in the example: same e-mail, whatever its case
    assert "en double de data/contacts/jeanne-sapin.yaml (même e-mail) : ignoré" in result.stderr
    assert f"{EXCEL}:6:5: warning: contact « Jeanne Sapin »" in result.stderr
    assert f"{EXCEL}:6:1: warning: société « Mes Beaux Sapins » en double" in result.stderr
    assert snapshot(repo) == before
    assert git(repo, "rev-parse", "HEAD") == head


def test_import_creates_companies_once_links_contacts_and_commits(repo: Path, carnet) -> None:
    _mapping(repo)
    result = carnet("import", "run", str(EXCEL), "--mapping", "prospects", repo=repo)
    assert result.exit_code == 0, result.output
    log = git(repo, "log", "-1", "--format=%s")
    assert log.strip() == "Import Fichier prospects mensuel : 3 sociétés, 4 contacts"
    # two rows name Boulangerie Dupré (same SIRET): one company, two contacts linked to it
    company = _read(repo, "data/companies/boulangerie-dupre.yaml")
    assert company == {
        "name": "Boulangerie Dupré",
        "kind": "prospect",
        "siret": "73282932000074",
        "address": {"street": "12 rue de la République", "postcode": "69002", "city": "Lyon"},
    }
    elodie = _read(repo, "data/contacts/elodie-dupre.yaml")
    assert elodie["company"] == "boulangerie-dupre"
    assert elodie["email"] == "elodie.dupre@boulangerie-dupre.fr"
    assert elodie["phone"] == "04 78 12 34 56"  # kept as typed
    assert elodie["interests"] == ["newsletter", "événementiel"]
    assert _read(repo, "data/contacts/remi-dupre.yaml")["company"] == "boulangerie-dupre"
    # a quoted delimiter, a quoted newline, a postcode Excel turned into a number
    cafe = _read(repo, "data/companies/cafe-des-arts-lyon.yaml")
    assert cafe["name"] == "Café des Arts; Lyon"
    assert cafe["address"] == {
        "street": "3 place Sathonay",
        "street2": "Bâtiment B",
        "postcode": "01000",
        "city": "Bourg-en-Bresse",
    }
    # Mes Beaux Sapins exists: not created again, Jeanne is a duplicate and skipped
    assert not (repo / "data/companies/mes-beaux-sapins-2.yaml").exists()
    assert not (repo / "data/contacts/jeanne-sapin-2.yaml").exists()
    check = carnet("validate", repo=repo)
    assert check.exit_code == 0, check.output


def test_the_commit_holds_exactly_the_files_written(repo: Path, carnet) -> None:
    """The import's commit adds the new files and nothing else, each as written; the
    index agrees (nothing left to commit) and no partial index is left in .git."""
    _mapping(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Configuration")
    before = snapshot(repo)
    result = carnet("import", "run", str(EXCEL), "--mapping", "prospects", repo=repo)
    assert result.exit_code == 0, result.output
    written = {rel: data for rel, data in snapshot(repo).items() if rel not in before}
    assert len(written) == 7  # 3 companies, 4 contacts
    changed = git(repo, "diff", "--name-status", "--no-renames", "HEAD~1", "HEAD").splitlines()
    assert sorted(changed) == sorted(f"A\t{rel}" for rel in written)
    for rel, data in written.items():
        shown = subprocess.run(
            ["git", "show", f"HEAD:{rel}"], cwd=repo, capture_output=True, check=True
        )
        assert shown.stdout == data
    assert git(repo, "status", "--porcelain") == ""
    assert not list((repo / ".git").glob("carnet-index-*"))


def test_nothing_is_written_through_a_link_out_of_the_repository(
    repo: Path, carnet, tmp_path: Path
) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    shutil.rmtree(repo / "data/contacts")
    (repo / "data/contacts").symlink_to(outside, target_is_directory=True)
    _mapping(repo)
    result = carnet("import", "run", str(EXCEL), "--mapping", "prospects", repo=repo)
    assert result.exit_code == 1, result.output
    assert "sort du dépôt" in result.stderr
    assert list(outside.iterdir()) == []
    assert not (repo / "data/companies/boulangerie-dupre.yaml").exists()


def test_on_duplicate_update_prints_each_change(repo: Path, carnet) -> None:
    _mapping(repo)
    result = carnet(
        "import",
        "run",
        str(EXCEL),
        "--mapping",
        "prospects",
        "--on-duplicate",
        "update",
        repo=repo,
    )
    assert result.exit_code == 0, result.output
    jeanne = _read(repo, "data/contacts/jeanne-sapin.yaml")
    assert jeanne["role"] == "Responsable communication"
    assert "data/contacts/jeanne-sapin.yaml: civility: + Mme" in result.stdout
    assert "mis à jour" in result.stderr


def test_update_keeps_the_kind_the_file_does_not_give(repo: Path, carnet, tmp_path: Path) -> None:
    # Mes Beaux Sapins is a client: a file without a « Type » column says nothing of it
    path = tmp_path / "maj.csv"
    path.write_text(
        "Société;SIRET;Nom;E-mail\r\n"
        "Mes Beaux Sapins;73464097200042;Sapin;jeanne@mesbeauxsapins.fr\r\n"
        "Nouvelle Sapinière;;Lenoir;lenoir@sapiniere.fr\r\n"
        "Nouvelle Sapinière;;Leblanc;leblanc@sapiniere.fr\r\n",
        encoding="utf-8",
    )
    pairs = ["Société=company.name", "SIRET=company.siret", "Nom=contact.last_name"]
    maps = [arg for pair in [*pairs, "E-mail=contact.email"] for arg in ("--map", pair)]
    result = carnet(
        "import", "run", str(path), *maps, "--on-duplicate", "update", "--dry-run", repo=repo
    )
    assert result.exit_code == 0, result.output
    assert "kind" not in result.stdout  # was « kind: client → prospect »
    typed = tmp_path / "type.csv"
    typed.write_text(
        "Société;Type;Nom\r\nAtelier Neuf;Fournisseur;Durand\r\nAtelier Neuf;;Dupont\r\n",
        encoding="utf-8",
    )
    both = ["--map", "Type=company.kind", "--map", "Nom=contact.last_name"]
    done = carnet(
        "import", "run", str(typed), "--map", "Société=company.name", *both,
        "--on-duplicate", "update", repo=repo,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    # the second row names the same company without its kind: it stays a supplier
    assert _read(repo, "data/companies/atelier-neuf.yaml")["kind"] == "supplier"


def test_rows_naming_a_duplicate_company_make_one_with_on_duplicate_new(
    repo: Path, carnet, tmp_path: Path
) -> None:
    path = tmp_path / "nouveau.csv"
    path.write_text(
        "Société;SIRET;Nom\r\n"
        "Mes Beaux Sapins;73464097200042;Sapinou\r\n"
        "Mes Beaux Sapins;734 640 972 00042;Sapinet\r\n",
        encoding="utf-8",
    )
    maps = ["--map", "Société=company.name", "--map", "SIRET=company.siret"]
    result = carnet(
        "import", "run", str(path), *maps, "--map", "Nom=contact.last_name",
        "--on-duplicate", "new", repo=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # created anyway, as asked, but once: both rows name the same company
    assert (repo / "data/companies/mes-beaux-sapins-2.yaml").exists()
    assert not (repo / "data/companies/mes-beaux-sapins-3.yaml").exists()
    assert _read(repo, "data/contacts/sapinet.yaml")["company"] == "mes-beaux-sapins-2"


def test_names_in_other_scripts_are_not_all_the_same(repo: Path, carnet, tmp_path: Path) -> None:
    # Cyrillic and Japanese names kept no letter once « normalised »: every such contact
    # was a « close name » of the first, every such company « the same name »
    path = tmp_path / "international.csv"
    path.write_text(
        "Société;Prénom;Nom;CP\r\n"
        "ОАО Ромашка;Иван;Петров;75001\r\n"
        "ООО Лютик;Сергей;Смирнов;75001\r\n"
        "株式会社山田;花子;山田;\r\n"
        "有限会社佐藤;太郎;佐藤;\r\n"
        ".;Zoé;Vidal;\r\n"
        "-;Luc;Martin;\r\n",
        encoding="utf-8",
    )
    maps = ["Société=company.name", "Prénom=contact.first_name", "Nom=contact.last_name"]
    args = [arg for pair in [*maps, "CP=contact.postcode"] for arg in ("--map", pair)]
    result = carnet("import", "run", str(path), *args, repo=repo)
    assert result.exit_code == 0, result.output
    assert "en double" not in result.stderr
    assert "6 sociétés et 6 contacts créés" in result.stderr
    # files stay named in ASCII: a name without Latin letters falls back to the kind
    names = sorted(p.stem for p in (repo / "data/companies").glob("societe*.yaml"))
    assert names == ["societe", *(f"societe-{n}" for n in range(2, 7))]
    assert carnet("validate", repo=repo).exit_code == 0


def test_an_error_anywhere_writes_nothing_and_points_at_the_cell(
    repo: Path, carnet, tmp_path: Path
) -> None:
    _mapping(repo)
    bad = tmp_path / "prospects.csv"
    text = EXCEL.read_bytes().decode("cp1252")
    text = text.replace("732 829 320 00074", "732 829 320 00075", 1)  # wrong Luhn key
    text = text.replace("paul@garage-martin.fr", "paul@garage-martin")
    bad.write_bytes(text.encode("cp1252"))
    before = snapshot(repo)
    result = carnet("import", "run", str(bad), "--mapping", "prospects", repo=repo)
    assert result.exit_code == 1
    assert f"{bad}:2:2: error: SIRET « 73282932000075 » invalide" in result.stderr
    assert f"{bad}:7:7: error: adresse e-mail « paul@garage-martin » invalide" in result.stderr
    assert "rien n'est importé" in result.stderr
    assert snapshot(repo) == before
    assert not list(repo.rglob(".carnet-new-*"))  # the files written while validated are gone


def test_inline_map_and_values_the_checks_refuse(repo: Path, carnet, tmp_path: Path) -> None:
    salon = tmp_path / "salon.csv"
    salon.write_text(
        "Nom complet,Société,Centres\nSAPIN Martine,Sapins du Jura,salon 2026\n", encoding="utf-8"
    )
    result = carnet(
        "import",
        "run",
        str(salon),
        "--map",
        "Nom complet=contact.full_name",
        "--map",
        "Société=company.name",
        "--map",
        "Centres=contact.interests",
        repo=repo,
    )
    assert result.exit_code == 1
    # the interest is not in settings.interests: the same rule as a typed record
    assert f"{salon}:2:3: error:" in result.stderr
    assert "salon 2026" in result.stderr


def test_google_outlook_and_phone_files(repo: Path, carnet) -> None:
    for name in ("google-contacts.csv", "outlook.csv", "phone-3.0.vcf"):
        saved = carnet(
            "import",
            "guess",
            str(FIXTURES / name),
            "--save-mapping",
            name.split(".")[0],
            repo=repo,
        )
        assert saved.exit_code == 0, saved.output
    google = carnet(
        "import",
        "run",
        str(FIXTURES / "google-contacts.csv"),
        "--mapping",
        "google-contacts",
        repo=repo,
    )
    assert google.exit_code == 0, google.output
    lucie = _read(repo, "data/contacts/lucie-bernard.yaml")
    assert lucie["interests"] == ["newsletter"]  # Google's "* myContacts" left out
    assert lucie["company"] == "atelier-bernard"
    assert _read(repo, "data/companies/atelier-bernard.yaml")["address"]["country"] == "FR"
    outlook = carnet(
        "import", "run", str(FIXTURES / "outlook.csv"), "--mapping", "outlook", repo=repo
    )
    assert outlook.exit_code == 0, outlook.output
    assert _read(repo, "data/contacts/thomas-roux.yaml")["interests"] == [
        "professionnel",
        "newsletter",
    ]
    assert _read(repo, "data/contacts/thomas-roux.yaml")["note"] == "Préfère\nles e-mails\n"
    assert _read(repo, "data/contacts/helene-garnier.yaml")["company"] == "garnier-conseil"
    phone = carnet(
        "import", "run", str(FIXTURES / "phone-3.0.vcf"), "--mapping", "phone-3", repo=repo
    )
    assert phone.exit_code == 0, phone.output
    assert "jeanne-sapin.yaml (même e-mail)" in phone.stderr
    nicolas = _read(repo, "data/contacts/nicolas-fabre.yaml")
    assert nicolas["phone"] == "04 77 12 12 12"
    assert nicolas["note"].startswith("Devis cartes de vœux à relancer en septembre, voir")
    assert carnet("validate", repo=repo).exit_code == 0


def _many_rows(path: Path, count: int) -> list[str]:
    """A CSV of ``count`` contacts, four per company (each its own postcode), with a
    duplicate e-mail far from its first row, an invalid e-mail and an invalid phone
    number near the end; the contacts' last names."""
    rng = random.Random(7)
    syllables = ["ba", "do", "fi", "gu", "ka", "le", "mo", "nu", "pi", "ro", "sa", "tu", "vo"]
    names: list[str] = []
    while len(names) < count:
        word = "".join(rng.choice(syllables) for _ in range(4)).capitalize()
        if word not in names:
            names.append(word)
    lines = ["Raison sociale;SIRET;Prénom;Nom;E-mail;Tél.;CP;Ville"]
    for n in range(count):
        email = f"p{n}@societe-{n // 4}.fr"
        if n == count - 50:
            email = "p3@societe-0.fr"  # the same as row 5's, in another chunk
        if n == count - 20:
            email = "pas-une-adresse"
        phone = f"04 78 {n // 100 + 10} {n % 100:02d} 11" if n != count - 10 else "12"
        company = f"Société {names[n // 4 * 4]}"
        lines.append(f"{company};;Jeanne;{names[n]};{email};{phone};69{n // 4:03d};Lyon")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def test_a_large_file_read_on_every_core_says_what_one_process_says(
    repo: Path, carnet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """600 rows go through the worker processes (rows read, files written and parsed
    there): the plan, the problems and their lines are those of one process."""
    from generator.importers import workers

    source = tmp_path / "grand.csv"
    names = _many_rows(source, 600)
    args = ["import", "run", str(source), "--dry-run"]
    for pair in ("Raison sociale=company.name", "Prénom=contact.first_name",
                 "Nom=contact.last_name", "E-mail=contact.email", "Tél.=contact.phone",
                 "CP=contact.postcode", "Ville=contact.city"):  # fmt: skip
        args += ["--map", pair]
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    parallel = carnet(*args, repo=repo)
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 10**9)
    alone = carnet(*args, repo=repo)
    assert parallel.exit_code == alone.exit_code == 1
    assert parallel.stdout == alone.stdout and parallel.stderr == alone.stderr
    err = parallel.stderr
    assert f"{source}:582:5: error: adresse e-mail « pas-une-adresse » invalide" in err
    assert f"{source}:592:6: warning: numéro de téléphone « 12 »" in err
    assert f"{source}:552:4: warning: contact « Jeanne {names[550]} » en double" in err
    assert err.count("warning:") == 2  # the duplicate and the phone: nothing else
    last = f"data/contacts/jeanne-{names[599].lower()}.yaml"
    assert last in parallel.stdout
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 400)
    fixed = tmp_path / "corrige.csv"
    fixed.write_text(
        source.read_text(encoding="utf-8")
        .replace("pas-une-adresse", "corrige@exemple.fr")
        .replace(";12;", ";04 78 99 99 11;"),
        encoding="utf-8",
    )
    real = [str(fixed) if a == str(source) else a for a in args if a != "--dry-run"]
    done = carnet(*real, repo=repo)
    assert done.exit_code == 0, done.output
    assert git(repo, "log", "-1", "--format=%s").startswith(
        "Import corrige.csv : 150 sociétés, 599"
    )
    assert _read(repo, last)["company"] == f"societe-{names[596].lower()}"


def test_custom_fields_and_a_text_on_several_lines(repo: Path, carnet, tmp_path: Path) -> None:
    """The firm's own fields (settings.custom_fields) are imported as typed ones are
    validated: no « champ inconnu » warning, a choice outside its list located at its
    cell, a number with decimals written as a number; a note on two lines (a quoted cell)
    takes the long way through the parser, and the dry run says what the import does."""
    settings = repo / "data" / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("situation:"))
    extra = "    budget: {label: Budget, type: number}\n    remarque: {label: Remarque, type: text}"
    settings.write_text(text.replace(line, f"{line}\n{extra}"), encoding="utf-8")
    git(repo, "commit", "-qam", "Champs propres")
    source = tmp_path / "salon.csv"
    rows = 'Nom;Prénom;Situation;Budget;Remarque\nDurand;Zoé;marié(e);12,5;"Vue au salon\nRappeler en janvier"\n'
    source.write_text(rows + "Martin;Léo;divorcé;3;\n", encoding="utf-8")
    args = ["import", "run", str(source)]
    for pair in ("Nom=contact.last_name", "Prénom=contact.first_name",
                 "Situation=contact.situation", "Budget=contact.budget",
                 "Remarque=contact.remarque"):  # fmt: skip
        args += ["--map", pair]
    refused = carnet(*args, "--dry-run", repo=repo)
    assert refused.exit_code == 1
    assert f"{source}:4:3: error:" in refused.stderr  # the row after the two-line cell
    assert "divorcé" in refused.stderr
    assert "champ inconnu" not in refused.stderr
    source.write_text(rows + "Martin;Léo;célibataire;3;\n", encoding="utf-8")
    dry = carnet(*args, "--dry-run", repo=repo)
    assert dry.exit_code == 0, dry.output
    assert dry.stderr.count("warning") == 0, dry.stderr
    done = carnet(*args, repo=repo)
    assert done.exit_code == 0, done.output
    assert done.stderr.count("warning") == 0, done.stderr
    zoe = (repo / "data/contacts/zoe-durand.yaml").read_text(encoding="utf-8")
    assert "budget: 12.5\n" in zoe and zoe.startswith("first_name: Zoé\nlast_name: Durand\n")
    assert _read(repo, "data/contacts/zoe-durand.yaml")["remarque"] == (
        "Vue au salon\nRappeler en janvier\n"
    )
    assert _read(repo, "data/contacts/leo-martin.yaml")["budget"] == 3
    checked = carnet("validate", repo=repo)
    assert checked.exit_code == 0 and "0 avertissement" in checked.stderr, checked.output


def test_validate_checks_the_saved_mappings(repo: Path, carnet) -> None:
    """A saved mapping is validated like a record by ``carnet validate`` (its YAML, its
    shape, each problem at its line and column), and a fixed one is seen as fixed by the
    next run, whose other files did not change."""
    folder = repo / "data" / "imports"
    folder.mkdir(exist_ok=True)
    (folder / "salon.yaml").write_text(
        "kind: contact\ncolumns:\n  Nom: contact.last_name\nname_threshold: 150\n",
        encoding="utf-8",
    )
    first = carnet("validate", repo=repo)
    assert first.exit_code == 1
    assert "data/imports/salon.yaml:4:17: error:" in first.stdout, first.output
    (folder / "salon.yaml").write_text(
        "kind: contact\ncolumns:\n  Nom: contact.last_name\nname_threshold: 85\n",
        encoding="utf-8",
    )
    fixed = carnet("validate", repo=repo)
    assert fixed.exit_code == 0, fixed.output
    assert "salon.yaml" not in fixed.output
