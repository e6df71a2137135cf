"""``carnet init``: a new firm's repository from zero, then a record of each kind with
``carnet new``, and ``carnet validate --strict`` finds nothing to say; ``carnet build``
builds it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import TODAY

from generator.cli.main import main

IDENTITY = {
    "GIT_AUTHOR_NAME": "Lucie Martin",
    "GIT_AUTHOR_EMAIL": "lucie@atelier-martin.fr",
    "GIT_COMMITTER_NAME": "Lucie Martin",
    "GIT_COMMITTER_EMAIL": "lucie@atelier-martin.fr",
    "CARNET_USER": None,
}
FIRM = (
    "--no-input",
    "--name",
    "Atelier Martin",
    "--legal-form",
    "EURL",
    "--siret",
    "73282932000074",
    "--vat-number",
    "FR44732829320",
    "--street",
    "3 rue Mercière",
    "--postcode",
    "69002",
    "--city",
    "Lyon",
    "--iban",
    "FR7630006000011234567890189",
)


def carnet(*args: str, repo: Path | None = None, env: dict | None = None):
    """``carnet ARGS`` in-process, today pinned, git knowing who Lucie is."""
    base = ["--today", TODAY.isoformat()] + (["--repo", str(repo)] if repo else [])
    return CliRunner().invoke(main, [*base, *args], env={**IDENTITY, **(env or {})})


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def test_init_then_one_record_of_each_kind_validates_strictly(tmp_path: Path) -> None:
    firm = tmp_path / "atelier-martin"
    created = carnet("init", str(firm), *FIRM)
    assert created.exit_code == 0, created.output
    assert "data/settings.yaml" in created.stdout.splitlines()
    for rel in ("mkdocs.yml", ".gitignore", ".vscode/settings.json", "README.md"):
        assert (firm / rel).is_file(), rel
    assert (firm / "schemas" / "interaction.schema.json").is_file()
    settings = yaml.safe_load((firm / "data/settings.yaml").read_text(encoding="utf-8"))
    assert settings["firm"]["siret"] == "73282932000074"
    assert settings["firm"]["address"]["postcode"] == "69002"  # quoted: text, not 69002
    assert settings["users"] == {
        "lucie": {"name": "Lucie Martin", "email": "lucie@atelier-martin.fr"}
    }, "the first user comes from git when not given"
    ignored = (firm / ".gitignore").read_text(encoding="utf-8").split()
    assert {"build/", ".carnet-cache/", ".carnet-secrets.yaml"} <= set(ignored)
    assert _git(firm, "log", "--format=%s").splitlines() == [
        "Création du dépôt « Atelier Martin » (carnet init)"
    ]
    assert _git(firm, "status", "--porcelain") == "", "everything written is committed"

    news = [
        ("company", "--name", "Mes Beaux Sapins", "--nature", "client"),
        ("contact", "--name", "Jeanne Sapin", "--company", "mes-beaux-sapins"),
        ("project", "--name", "Sapins 2026", "--company", "mes-beaux-sapins"),
        ("interaction", "--pipeline", "sale", "--company", "mes-beaux-sapins", "--name", "Devis"),
        ("interaction", "--pipeline", "support", "--company", "mes-beaux-sapins"),
        ("product", "--name", "Sapin Nordmann 2 m", "--price", "45.00"),
    ]
    for args in news:
        result = carnet("new", *args, repo=firm)
        assert result.exit_code == 0, (args, result.output)
        (path,) = result.stdout.splitlines()
        assert (firm / path).is_file()
    interaction = yaml.safe_load(
        (firm / "data/interactions/2026/devis.yaml").read_text(encoding="utf-8")
    )
    assert interaction["contact"] == "jeanne-sapin", "the company's only contact"
    assert interaction["user"] == "lucie", "git's e-mail is Lucie's"
    assert len(_git(firm, "log", "--format=%H").split()) == 1, "carnet new commits nothing"
    checked = carnet("validate", "--strict", "--no-cache", repo=firm)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == ""
    assert "7 fichiers vérifiés : 0 erreur, 0 avertissement" in checked.stderr


def test_a_fresh_repository_validates_and_builds_at_once(tmp_path: Path) -> None:
    firm = tmp_path / "vide"
    assert carnet("init", str(firm), *FIRM).exit_code == 0
    assert carnet("validate", "--strict", repo=firm).exit_code == 0
    assert carnet("schema", "--check", repo=firm).exit_code == 0, "the editor's schemas are current"
    built = carnet("build", "--strict", repo=firm)
    assert built.exit_code == 0, built.output
    home = (firm / "build/site/index.html").read_text(encoding="utf-8")
    assert "Atelier Martin" in home


def test_the_folder_may_hold_a_git_repository_without_commits(tmp_path: Path) -> None:
    firm = tmp_path / "clone-vide"
    firm.mkdir()
    _git(firm, "init", "-q", "-b", "principal")
    result = carnet("init", str(firm), *FIRM)
    assert result.exit_code == 0, result.output
    assert _git(firm, "rev-parse", "--abbrev-ref", "HEAD").strip() == "principal"


@pytest.mark.parametrize("content", ["README.md", ".git-with-a-commit", "lien"])
def test_a_folder_that_holds_anything_is_refused(tmp_path: Path, content: str) -> None:
    firm = tmp_path / "pris"
    firm.mkdir()
    if content == "README.md":
        (firm / "README.md").write_text("déjà là\n", encoding="utf-8")
    elif content == "lien":
        firm.rmdir()
        (tmp_path / "ailleurs").mkdir()
        firm.symlink_to(tmp_path / "ailleurs")
    else:
        _git(firm, "init", "-q")
        _git(
            firm,
            "-c",
            "user.name=X",
            "-c",
            "user.email=x@x.fr",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "x",
        )
    before = sorted(p.name for p in firm.iterdir())
    result = carnet("init", str(firm), *FIRM)
    assert result.exit_code == 1
    assert "n'est pas vide" in result.stderr
    assert sorted(p.name for p in firm.iterdir()) == before, "nothing written"


@pytest.mark.parametrize(
    ("platform", "path"), [("github", ".github/workflows/carnet.yml"), ("gitlab", ".gitlab-ci.yml")]
)
def test_init_writes_the_ci_pipeline_into_the_first_commit(
    tmp_path: Path, platform: str, path: str
) -> None:
    firm = tmp_path / "avec-ci"
    result = carnet("init", str(firm), *FIRM, "--ci", platform)
    assert result.exit_code == 0, result.output
    assert path in _git(firm, "ls-files").splitlines()
    assert _git(firm, "status", "--porcelain") == ""
    check = carnet("ci", platform, "--check", repo=firm)
    assert check.exit_code == 0, check.output  # exactly what carnet ci writes


def test_init_defaults_to_the_repository_option(tmp_path: Path) -> None:
    result = carnet("init", *FIRM, repo=tmp_path / "ici")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ici" / "data" / "settings.yaml").is_file()


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--siret", "73282932000075", "SIRET « 73282932000075 » refusé : clé de contrôle"),
        ("--siren", "123", "SIREN « 123 » refusé"),
        ("--iban", "FR7630006000011234567890180", "IBAN « FR7630006000011234567890180 »"),
        ("--vat-number", "44732829320", "N° de TVA intracommunautaire"),
        ("--email", "pas-une-adresse", "ce n'est pas une adresse e-mail"),
        ("--country", "France", "deux majuscules"),
        ("--name", "", "--name est obligatoire"),
    ],
)
def test_bad_answers_are_usage_errors_and_nothing_is_written(
    tmp_path: Path, option: str, value: str, words: str
) -> None:
    firm = tmp_path / "neuf"
    result = carnet("init", str(firm), *FIRM, option, value)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert not firm.exists()


def test_a_siret_of_another_siren_is_refused(tmp_path: Path) -> None:
    result = carnet("init", str(tmp_path / "x"), *FIRM, "--siren", "552100554")
    assert result.exit_code == 2
    assert "n'appartient pas au SIREN" in result.stderr


def test_without_a_git_identity_nothing_is_left(tmp_path: Path) -> None:
    firm = tmp_path / "anonyme"
    env = {
        **dict.fromkeys(IDENTITY),
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "user.useConfigOnly",
        "GIT_CONFIG_VALUE_0": "true",
        "EMAIL": None,
    }
    result = CliRunner().invoke(
        main, ["init", str(firm), *FIRM, "--user-name", "Lucie Martin"], env=env
    )
    assert result.exit_code == 1, result.output
    assert "git ne sait pas qui vous êtes" in result.stderr
    assert not firm.exists(), "the folder made is taken back"


def test_english_messages(tmp_path: Path) -> None:
    (tmp_path / "plein").mkdir()
    (tmp_path / "plein" / "x").write_text("x", encoding="utf-8")
    result = carnet("--lang", "en", "init", str(tmp_path / "plein"), *FIRM)
    assert result.exit_code == 1
    assert "is not empty" in result.stderr
