"""Extranet passwords protect a ciphertext anyone may download: weak ones are refused.

At least 14 characters and a zxcvbn score of 3 or more, guessed with the firm's, the
project's, its companies' and contacts' names in the attacker's dictionary. Two
extranets sharing a password, or a secrets file tracked by git, are warned about. A
broken ``.carnet-secrets.yaml`` is a located problem, never a crash.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.extranet.passwords import MIN_LENGTH, weakness

from .conftest import ROOT, assert_no_crash, commit_all, git

SAPINS = "sapins-2026"
STRONG = "Sapins-de-Noel-2026-test"
BROTTEAUX = "Garage-Brotteaux-2026-test"
BROTTEAUX_ID = "site-garage-brotteaux"
SECRETS = ".carnet-secrets.yaml"


def _makefile_passwords() -> dict[str, str]:
    """The example extranets' demo passwords, as ``make site`` sets them."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return dict(re.findall(r"^export (CARNET_EXTRANET_\w+) \?= (\S+)$", text, re.MULTILINE))


@pytest.mark.parametrize(
    "password",
    [
        "password12345",
        "azertyuiop123",
        "motdepasse12",
        "motdepasse123456",
        "Mes Beaux Sapins",  # the client's own name
        "MesBeauxSapins2026",
        "Atelier Dupont 2026",  # the firm's
        "Xk9#mQ2$vL7pZ",  # random, but 13 characters
        "xxxxxxxxxxxxxxxxxxxx",
    ],
)
def test_weak_passwords_are_refused(repo: Path, carnet, password: str) -> None:
    result = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": password})
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "mot de passe refusé" in result.output and password not in result.output
    assert not (repo / "build" / "extranet" / SAPINS).exists()


def test_allow_weak_password_is_the_explicit_override(repo: Path, carnet) -> None:
    env = {"CARNET_EXTRANET_SAPINS": "Mes Beaux Sapins"}
    result = carnet(repo, "extranet", SAPINS, "--allow-weak-password", env=env)
    assert result.exit_code == 0, result.output
    assert (repo / "build" / "extranet" / SAPINS / "index.html").is_file()


def test_the_demo_passwords_pass_the_rule(repo: Path, carnet) -> None:
    demo = _makefile_passwords()
    assert set(demo) == {"CARNET_EXTRANET_SAPINS", "CARNET_EXTRANET_BROTTEAUX"}
    result = carnet(repo, "extranet", env=demo)
    assert result.exit_code == 0, result.output
    assert "refusé" not in result.output and "même mot de passe" not in result.output


def test_the_rule_itself() -> None:
    assert MIN_LENGTH >= 14
    assert weakness("Xk9#mQ2$vL7pZ")  # 13
    assert weakness("Un secret bien long 2026") is None
    names = ["Mes Beaux Sapins", "Jeanne Sapin", "Atelier Dupont"]
    assert weakness("Mes-Beaux-Sapins!", names)
    assert weakness("Mes-Beaux-Sapins!") is None, "the names are what make it weak"
    assert weakness(STRONG, names) is None


def test_a_weak_password_from_the_secrets_file_is_refused_too(repo: Path, carnet) -> None:
    (repo / SECRETS).write_text(f"{SAPINS}: password12345\n", encoding="utf-8")
    result = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": ""})
    assert result.exit_code == 1 and "mot de passe refusé" in result.output


def test_two_extranets_sharing_a_password_are_not_built(repo: Path, carnet) -> None:
    """Whoever knows one client's password would open the other's extranet."""
    env = {"CARNET_EXTRANET_SAPINS": STRONG, "CARNET_EXTRANET_BROTTEAUX": STRONG}
    result = carnet(repo, "extranet", env=env)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "[extranet-password-shared]" in result.output
    assert SAPINS in result.output and BROTTEAUX_ID in result.output
    assert STRONG not in result.output
    assert not (repo / "build" / "extranet" / SAPINS).exists()
    assert not (repo / "build" / "extranet" / BROTTEAUX_ID).exists()
    only_one = carnet(repo, "extranet", SAPINS, env=env)
    assert "[extranet-password-shared]" in only_one.output, "even when building one of them"
    assert only_one.exit_code == 1 and not (repo / "build" / "extranet" / SAPINS).exists()
    env["CARNET_EXTRANET_BROTTEAUX"] = BROTTEAUX
    assert carnet(repo, "extranet", env=env).exit_code == 0


def _name_variable(repo: Path, project: str, variable: str) -> int:
    """Set ``project``'s ``password_env`` to ``variable``; the line of the setting."""
    path = repo / "data" / "projects" / f"{project}.yaml"
    text = re.sub(r"password_env: \S+", f"password_env: {variable}", path.read_text("utf-8"))
    path.write_text(text, encoding="utf-8")
    return next(n for n, t in enumerate(text.splitlines(), 1) if "password_env" in t)


def test_swapped_password_variables_are_reported(repo: Path, carnet) -> None:
    """Each project names the other's variable: each client would get the other's
    extranet, opened by their own password."""
    line = _name_variable(repo, SAPINS, "CARNET_EXTRANET_BROTTEAUX")
    _name_variable(repo, BROTTEAUX_ID, "CARNET_EXTRANET_SAPINS")
    result = carnet(repo, "validate")
    assert_no_crash(result)
    where = f"data/projects/{SAPINS}.yaml:{line}:17: warning: "
    assert where in result.output and "[extranet-password-env-unnamed]" in result.output
    assert f"data/projects/{BROTTEAUX_ID}.yaml:" in result.output
    assert carnet(repo, "validate", "--strict").exit_code == 1
    env = {"CARNET_EXTRANET_SAPINS": STRONG, "CARNET_EXTRANET_BROTTEAUX": BROTTEAUX}
    built = carnet(repo, "extranet", SAPINS, env=env)
    assert "[extranet-password-env-unnamed]" in built.output


def test_two_projects_naming_one_variable_is_an_error(repo: Path, carnet) -> None:
    first = _name_variable(repo, SAPINS, "CARNET_EXTRANET_BROTTEAUX_SAPINS")
    line = _name_variable(repo, BROTTEAUX_ID, "CARNET_EXTRANET_BROTTEAUX_SAPINS")
    result = carnet(repo, "validate")
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert f"data/projects/{BROTTEAUX_ID}.yaml:{line}:17: error: " in result.output
    assert f"data/projects/{SAPINS}.yaml:{first}:" not in result.output, "the second only"
    assert "[extranet-password-env-shared]" in result.output
    env = {"CARNET_EXTRANET_BROTTEAUX_SAPINS": STRONG}
    built = carnet(repo, "extranet", env=env)
    assert built.exit_code == 1, built.output
    assert not (repo / "build" / "extranet" / SAPINS).exists()


def test_a_secrets_file_tracked_by_git_is_warned_about(repo: Path, carnet) -> None:
    (repo / SECRETS).write_text(f"{SAPINS}: {STRONG}\n", encoding="utf-8")
    result = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": ""})
    assert result.exit_code == 0 and "[secrets-tracked]" not in result.output
    commit_all(repo, "Oups")
    result = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": ""})
    assert result.exit_code == 0, result.output
    assert f"{SECRETS}:1:1: " in result.output and "[secrets-tracked]" in result.output
    git(repo, "rm", "-q", "--cached", SECRETS)
    result = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": ""})
    assert "[secrets-tracked]" not in result.output


@pytest.mark.parametrize(
    ("content", "where", "code"),
    [
        (b"sapins-2026: [pas ferm\xc3\xa9\nautre: x\n", ":2:", "yaml-syntax"),
        (b"sapins-2026: 'caf\xe9 cr\xe8me br\xfbl\xe9e 2026'\n", ":1:", "encoding-invalid"),
        (b"- une liste\n- de mots\n", ":1:1:", "file-not-mapping"),
        (b"sapins-2026: {pas: une chaine}\n", ":1:14:", "type-invalid"),
    ],
)
def test_a_broken_secrets_file_is_a_located_problem_and_the_run_goes_on(
    repo: Path, carnet, content: bytes, where: str, code: str
) -> None:
    (repo / SECRETS).write_bytes(content)
    env = {"CARNET_EXTRANET_SAPINS": "", "CARNET_EXTRANET_BROTTEAUX": BROTTEAUX}
    result = carnet(repo, "extranet", env=env)
    assert_no_crash(result)
    assert f"{SECRETS}{where}" in result.output and f"[{code}]" in result.output, result.output
    assert result.exit_code == 1, "an error was reported"
    assert (repo / "build" / "extranet" / "site-garage-brotteaux" / "index.html").is_file()
    assert "pas de mot de passe" in result.output


def test_a_secrets_file_linking_out_of_the_repository_is_not_read(
    repo: Path, outside: Path, carnet
) -> None:
    (repo / SECRETS).symlink_to(outside / "secret.txt")
    result = carnet(repo, "extranet", SAPINS, env={"CARNET_EXTRANET_SAPINS": ""})
    assert_no_crash(result)
    assert "SECRET-7f3a9c" not in result.output
    assert result.exit_code == 1 and f"{SECRETS}:1:1: " in result.output
