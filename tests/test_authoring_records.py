"""``carnet new``, ``carnet link`` and ``carnet unlink`` on a committed copy of the example
business: skeletons that validate, ids, who the user is, the support ticket, names that do
not exist, and project files edited with their comments kept. None of them commits."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, TODAY

from generator.cli.main import main

QUIET_GIT = {
    "GIT_AUTHOR_NAME": None,
    "GIT_AUTHOR_EMAIL": None,
    "GIT_COMMITTER_NAME": None,
    "GIT_COMMITTER_EMAIL": None,
    "CARNET_USER": None,
}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed copy of the example whose git user is Karim (by e-mail)."""
    target = tmp_path / "repo"
    shutil.copytree(ROOT / "data", target / "data")
    _git(target, "init", "-q", "-b", "main")
    _git(target, "config", "user.name", "Karim Haddad")
    _git(target, "config", "user.email", "Karim@Atelier-Dupont.fr")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "Exemple")
    return target


def carnet(repo: Path, *args: str, env: dict | None = None):
    """``carnet ARGS`` in-process on ``repo``, today pinned, git's identity its own."""
    base = ["--repo", str(repo), "--today", TODAY.isoformat()]
    return CliRunner().invoke(main, [*base, *args], env={**QUIET_GIT, **(env or {})})


def _unchanged_history(repo: Path) -> None:
    assert len(_git(repo, "log", "--format=%H").split()) == 1, "nothing committed"


def _read(repo: Path, rel: str) -> dict:
    return yaml.safe_load((repo / rel).read_text(encoding="utf-8"))


def test_an_interaction_takes_the_only_contact_and_the_user_from_git(repo: Path) -> None:
    result = carnet(
        repo,
        "new",
        "interaction",
        "--company",
        "auto-ecole-confluence",
        "--pipeline",
        "sale",
        "--name",
        "Site / refonte / Auto-école",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "data/interactions/2026/site-refonte-auto-ecole.yaml\n"
    record = _read(repo, "data/interactions/2026/site-refonte-auto-ecole.yaml")
    assert record["user"] == "karim", "git's user.email matched to settings (any case)"
    assert record["contact"] == "mehdi-khelifi"
    assert record["type"] == "Vente - 1 - Prise de contact"
    assert record["state"] == "open" and record["date"] == TODAY
    _unchanged_history(repo)
    assert carnet(repo, "validate", "--strict").exit_code == 0


def test_carnet_user_wins_over_git_and_a_company_with_several_contacts_lists_them(
    repo: Path,
) -> None:
    result = carnet(
        repo,
        "new",
        "interaction",
        "--company",
        "mes-beaux-sapins",
        "--pipeline",
        "sale",
        "--name",
        "Sapins 2027",
        env={"CARNET_USER": "benoit"},
    )
    assert result.exit_code == 0, result.output
    text = (repo / result.stdout.strip()).read_text(encoding="utf-8")
    record = yaml.safe_load(text)
    assert record["user"] == "benoit"
    assert "contact" not in record
    assert "jeanne-sapin, marc-lefevre, sophie-garnier" in text, "the candidates in a comment"


def test_a_contact_brings_its_company(repo: Path) -> None:
    result = carnet(repo, "new", "interaction", "--contact", "jeanne-sapin", "--name", "Appel")
    assert result.exit_code == 0, result.output
    assert _read(repo, result.stdout.strip())["company"] == "mes-beaux-sapins"


def test_a_support_interaction_gets_a_ticket_number_from_the_date_and_time(repo: Path) -> None:
    before = datetime.now().strftime("%H%M")
    result = carnet(
        repo,
        "new",
        "interaction",
        "--pipeline",
        "support",
        "--company",
        "mes-beaux-sapins",
        "--name",
        "Extranet / mot de passe perdu",
    )
    after = datetime.now().strftime("%H%M")
    assert result.exit_code == 0, result.output
    subject = _read(repo, result.stdout.strip())["subject"]
    found = re.fullmatch(r"Extranet / mot de passe perdu / 20261125(\d{4})", subject)
    assert found, subject
    assert before <= found[1] <= after
    unnamed = carnet(repo, "new", "interaction", "--pipeline", "support")
    assert unnamed.exit_code == 0, unnamed.output
    assert re.fullmatch(r"data/interactions/2026/ticket-20261125\d{4}\.yaml\n", unnamed.stdout)


@pytest.mark.parametrize(
    ("kind", "options", "path"),
    [
        ("company", ["--name", "Mes Beaux Sapins"], "data/companies/mes-beaux-sapins-2.yaml"),
        ("contact", ["--name", "Jeanne Sapin"], "data/contacts/jeanne-sapin-2.yaml"),
        ("project", ["--name", "Sapins 2026"], "data/projects/sapins-2026-2.yaml"),
        ("product", ["--name", "Selfibox", "--price", "1 200,50"], None),
    ],
)
def test_ids_are_slugs_with_a_suffix_when_taken(
    repo: Path, kind: str, options: list[str], path: str | None
) -> None:
    result = carnet(repo, "new", kind, *options)
    if path is None:  # a price that does not read as a number
        assert result.exit_code == 2 and "illisible" in result.stderr
        return
    assert result.exit_code == 0, result.output
    assert result.stdout == path + "\n"
    assert carnet(repo, "validate", "--strict").exit_code == 0


def test_interaction_ids_are_unique_across_year_folders(repo: Path) -> None:
    existing = next((repo / "data/interactions").rglob("*.yaml"))
    result = carnet(
        repo,
        "new",
        "interaction",
        "--name",
        existing.stem.replace("-", " "),
        "--date",
        "2031-01-05",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"data/interactions/2031/{existing.stem}-2.yaml\n"


def test_a_required_field_left_unknown_is_flagged_on_its_line(repo: Path) -> None:
    result = carnet(repo, "new", "company", "acme")
    assert result.exit_code == 0, result.output
    text = (repo / "data/companies/acme.yaml").read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("name:"))
    assert "À COMPLÉTER" in text.splitlines()[line - 1]
    checked = carnet(repo, "validate")
    assert checked.exit_code == 1
    assert f"data/companies/acme.yaml:{line}:" in checked.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["company", "mes-beaux-sapins"], 1, "« mes-beaux-sapins » est déjà pris"),
        (["company", "Mes_Sapins"], 2, "identifiant « Mes_Sapins » invalide"),
        (["company"], 2, "donnez un identifiant ou un nom"),
        (
            ["contact", "--name", "X", "--company", "mes-beaux-sapin"],
            2,
            "vouliez-vous dire company/mes-beaux-sapins",
        ),
        (["interaction", "--name", "X", "--project", "sapin-2026"], 2, "project/sapins-2026"),
        (["interaction", "--name", "X", "--pipeline", "sales"], 2, "valeurs permises : « sale »"),
        (["interaction", "--name", "X", "--stage", "Vente - 9"], 2, "étape « Vente - 9 » inconnue"),
        (["interaction", "--name", "X", "--user", "karine"], 2, "valeurs permises : « karim »"),
        (["company", "--name", "X", "--nature", "client-vip"], 2, "nature de société"),
    ],
)
def test_names_that_do_not_exist_are_refused(
    repo: Path, args: list[str], code: int, words: str
) -> None:
    before = _git(repo, "status", "--porcelain", "--untracked-files=all")
    result = carnet(repo, "new", *args)
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert _git(repo, "status", "--porcelain", "--untracked-files=all") == before


PROJECT = "data/projects/sapins-2026.yaml"


def _comments(text: str) -> list[str]:
    """The comments of a YAML text, in order (their column may move with the value)."""
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def test_link_adds_updates_and_unlink_removes_keeping_every_comment(repo: Path) -> None:
    path = repo / PROJECT
    original = path.read_text(encoding="utf-8")
    path.write_text(
        original.replace(
            "  - {id: jeanne-sapin, role: key user}",
            "  - {id: jeanne-sapin, role: key user}   # elle valide les maquettes",
        ),
        encoding="utf-8",
    )
    comments = _comments(path.read_text(encoding="utf-8"))

    added = carnet(repo, "link", "patrick-fournier", "sapins-2026", "--role", "relecteur")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines() == [
        PROJECT,
        "patrick-fournier lié au projet sapins-2026 (relecteur)",
    ]
    updated = carnet(repo, "link", "contact/jeanne-sapin", "sapins-2026", "--role", "sponsor")
    assert updated.exit_code == 0, updated.output
    company = carnet(
        repo, "link", "pepinieres-du-rhone", "project/sapins-2026", "--role", "fournisseur"
    )
    assert company.exit_code == 0, company.output

    text = path.read_text(encoding="utf-8")
    assert _comments(text) == comments
    assert re.search(r"- \{id: jeanne-sapin, role: sponsor\} +# elle valide les maquettes", text)
    record = yaml.safe_load(text)
    assert {"id": "patrick-fournier", "role": "relecteur"} in record["contacts"]
    assert record["companies"][-1] == {"id": "pepinieres-du-rhone", "role": "fournisseur"}
    assert carnet(repo, "validate", "--strict").exit_code == 0

    again = carnet(repo, "link", "pepinieres-du-rhone", "sapins-2026", "--role", "fournisseur")
    assert again.exit_code == 0 and "rien n'est écrit" in again.stdout
    removed = carnet(repo, "unlink", "patrick-fournier", "sapins-2026")
    assert removed.exit_code == 0, removed.output
    assert carnet(repo, "unlink", "pepinieres-du-rhone", "sapins-2026").exit_code == 0
    restored = path.read_text(encoding="utf-8")
    assert restored == text.replace("  - {id: patrick-fournier, role: relecteur}\n", "").replace(
        "  - {id: pepinieres-du-rhone, role: fournisseur}\n", ""
    )
    _unchanged_history(repo)


def test_a_project_without_participants_gets_its_list(repo: Path) -> None:
    assert carnet(repo, "new", "project", "--name", "Atelier vide").exit_code == 0
    result = carnet(repo, "link", "jeanne-sapin", "atelier-vide", "--role", "invitée")
    assert result.exit_code == 0, result.output
    record = _read(repo, "data/projects/atelier-vide.yaml")
    assert record["contacts"] == [{"id": "jeanne-sapin", "role": "invitée"}]
    assert "# Fiche projet écrite par « carnet new »" in (
        repo / "data/projects/atelier-vide.yaml"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["link", "jeane-sapin", "sapins-2026"], 2, "vouliez-vous dire contact/jeanne-sapin"),
        (["link", "jeanne-sapin", "sapin-2026"], 2, "project/sapins-2025, project/sapins-2026 ?"),
        (["link", "sapins-2025", "sapins-2026"], 2, "fiche projet : seuls une société"),
        (["unlink", "hugo-marchand", "sapins-2026"], 1, "ne participe pas au projet"),
        (["unlink", "jeanne-sapn", "sapins-2026"], 2, "vouliez-vous dire"),
    ],
)
def test_link_refusals_write_nothing(repo: Path, args: list[str], code: int, words: str) -> None:
    before = (repo / PROJECT).read_bytes()
    result = carnet(repo, *args)
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert (repo / PROJECT).read_bytes() == before


def test_english(repo: Path) -> None:
    result = carnet(repo, "--lang", "en", "link", "jeanne-sapin", "sapins-2026", "--role", "x")
    assert result.stdout.splitlines()[-1] == "role of jeanne-sapin in project sapins-2026: x"
    refused = carnet(repo, "--lang", "en", "new", "interaction", "--name", "X", "--user", "zoe")
    assert "user 'zoe' is not in settings.yaml" in refused.stderr


def test_nothing_is_written_through_a_link_out_of_the_repository(
    repo: Path, tmp_path: Path
) -> None:
    """A hostile repository's ``data/companies`` (or a project file) is a link elsewhere."""
    outside = tmp_path / "ailleurs"
    (outside / "projects").mkdir(parents=True)
    shutil.rmtree(repo / "data/stock/products")
    (repo / "data/stock/products").symlink_to(outside, target_is_directory=True)
    refused = carnet(repo, "new", "product", "--name", "Fuite", "--price", "1")
    assert refused.exit_code == 1, refused.output
    assert "mène hors du dépôt" in refused.stderr
    project = repo / "data/projects/sapins-2026.yaml"
    (outside / "projects" / "sapins-2026.yaml").write_bytes(project.read_bytes())
    project.unlink()
    project.symlink_to(outside / "projects" / "sapins-2026.yaml")
    linked = carnet(repo, "link", "patrick-fournier", "sapins-2026")
    assert linked.exit_code == 1, linked.output
    assert list(outside.rglob("*")) == [outside / "projects", outside / "projects/sapins-2026.yaml"]
    assert "patrick" not in (outside / "projects/sapins-2026.yaml").read_text(encoding="utf-8")


def test_edit_opens_the_new_record_in_the_editor(repo: Path) -> None:
    editor = "sed -i s/^kind:\\ prospect/kind:\\ partner/"
    result = carnet(
        repo,
        "new",
        "company",
        "--name",
        "Atelier Voisin",
        "--edit",
        env={"EDITOR": editor, "VISUAL": None},
    )
    assert result.exit_code == 0, result.output
    assert _read(repo, "data/companies/atelier-voisin.yaml")["kind"] == "partner"


def test_broken_settings_are_shown_first(repo: Path) -> None:
    (repo / "data/settings.yaml").write_text("firm: {name: X}\n", encoding="utf-8")
    result = carnet(repo, "new", "company", "--name", "Y")
    assert result.exit_code == 1
    assert "data/settings.yaml" in result.stderr and "corrigez d'abord" in result.stderr
    assert not (repo / "data/companies/y.yaml").exists()
