"""Hostile files in ``data/``: links out of the repository, link loops, pipes, folders
named like records, git conflict markers, NUL bytes, and ``build --at`` on such a past.

Nothing outside the repository may be read (the ``outside`` secret never shows), each
refusal is a located problem, and the run's other problems are still reported.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from hostile.conftest import assert_no_crash, carnet_process, commit_all, git, git_env

Carnet = Callable[..., Result]
SECRET = "SECRET-7f3a9c"
OTHER = ("data/companies/autre-probleme.yaml", 2, 7, "enum-invalid")
"""A plain mistake planted in every repository: it must still be reported."""


def plant_other_problem(repo: Path) -> None:
    """A company whose kind is misspelt (``data/companies/autre-probleme.yaml:2:7``)."""
    (repo / OTHER[0]).write_text("name: Autre problème\nkind: clientt\n", encoding="utf-8")


def validate_json(carnet: Carnet, repo: Path) -> tuple[Result, list[dict[str, object]]]:
    """``validate --format json``: the result and its problems (no crash, no secret)."""
    result = carnet(repo, "validate", "--format", "json")
    assert_no_crash(result)
    assert SECRET not in result.output
    return result, json.loads(result.stdout)


def located(problems: list[dict[str, object]]) -> set[tuple[object, ...]]:
    """``(path, line, column, code)`` of every problem."""
    return {(p["path"], p["line"], p["column"], p["code"]) for p in problems}


def test_links_to_files_outside_are_never_opened(carnet: Carnet, repo: Path, outside: Path) -> None:
    (outside / "company.yaml").write_text(f"name: {SECRET} Co\nkind: client\n")
    companies = repo / "data" / "companies"
    (companies / "leak.yaml").symlink_to(outside / "secret.txt")
    (companies / "published.yaml").symlink_to(Path("../../../outside/company.yaml"))
    (repo / "data" / "settings-copy").mkdir()
    (repo / ".carnet-secrets.yaml").write_text(f"extranet: {SECRET}\n")
    (companies / "secrets.yaml").symlink_to(Path("../../.carnet-secrets.yaml"))
    # a link that stays inside the repository keeps working
    (repo / "shared").mkdir()
    (repo / "shared" / "partagee.yaml").write_text("name: Partagée\nkind: client\n")
    (companies / "partagee.yaml").symlink_to(Path("../../shared/partagee.yaml"))
    plant_other_problem(repo)
    commit_all(repo, "Liens")

    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert located(problems) >= {
        ("data/companies/leak.yaml", 1, 1, "file-unreadable"),
        ("data/companies/published.yaml", 1, 1, "file-unreadable"),
        ("data/companies/secrets.yaml", 1, 1, "file-unreadable"),
        OTHER,
    }
    assert not [p for p in problems if p["path"] == "data/companies/partagee.yaml"]
    text = carnet(repo, "validate")
    assert SECRET not in text.output and "sort du dépôt" in text.output
    built = carnet(repo, "build")
    assert built.exit_code == 1 and SECRET not in built.output
    assert not (repo / "build" / "site").exists()


def test_settings_linked_outside_is_refused(carnet: Carnet, repo: Path, outside: Path) -> None:
    settings = repo / "data" / "settings.yaml"
    settings.unlink()
    settings.symlink_to(outside / "secret.txt")
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert located(problems) >= {("data/settings.yaml", 1, 1, "file-unreadable"), OTHER}


def test_folder_links_that_leave_or_loop_are_not_walked(repo: Path, outside: Path) -> None:
    (outside / "records").mkdir()
    (outside / "records" / "fuite.yaml").write_text(f"{SECRET}\n")
    interactions = repo / "data" / "interactions"
    (interactions / "slash").symlink_to("/")
    (interactions / "dehors").symlink_to(outside / "records")
    (interactions / "boucle").symlink_to(Path("."))
    (interactions / "2026" / "parent").symlink_to(Path(".."))
    (interactions / "elle-meme").symlink_to(Path("elle-meme"))
    plant_other_problem(repo)
    commit_all(repo, "Dossiers liés")

    started = time.monotonic()
    process = carnet_process(repo, "--today", "2026-11-25", "validate", "--format", "json")
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert time.monotonic() - started < 30
    assert_no_crash(stdout + stderr)
    assert SECRET not in stdout + stderr
    assert process.returncode == 1
    assert located(json.loads(stdout)) >= {
        ("data/interactions/slash", 1, 1, "file-unreadable"),
        ("data/interactions/dehors", 1, 1, "file-unreadable"),
        ("data/interactions/boucle", 1, 1, "file-unreadable"),
        ("data/interactions/2026/parent", 1, 1, "file-unreadable"),
        ("data/interactions/elle-meme", 1, 1, "file-unreadable"),
        OTHER,
    }


def test_link_loops_pipes_and_folders_named_like_records(carnet: Carnet, repo: Path) -> None:
    companies = repo / "data" / "companies"
    (companies / "a.yaml").symlink_to("b.yaml")
    (companies / "b.yaml").symlink_to("a.yaml")
    (companies / "dossier.yaml").mkdir()
    (companies / "dossier.yaml" / "dedans.yaml").write_text("name: Dedans\nkind: client\n")
    plant_other_problem(repo)
    commit_all(repo, "Boucles")
    os.mkfifo(companies / "tube.yaml")

    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert located(problems) >= {
        ("data/companies/a.yaml", 1, 1, "file-unreadable"),
        ("data/companies/b.yaml", 1, 1, "file-unreadable"),
        ("data/companies/dossier.yaml", 1, 1, "file-unreadable"),
        ("data/companies/tube.yaml", 1, 1, "file-unreadable"),
        OTHER,
    }
    hints = {p["path"]: p["hint"] for p in problems}
    assert "dossier" in str(hints["data/companies/dossier.yaml"])
    assert "boucle" in str(hints["data/companies/a.yaml"])


def test_conflict_markers_are_named(carnet: Carnet, repo: Path) -> None:
    (repo / "data" / "companies" / "conflit.yaml").write_text(
        "name: Conflit\n<<<<<<< HEAD\nkind: client\n=======\nkind: prospect\n>>>>>>> autre\n"
    )
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert located(problems) >= {("data/companies/conflit.yaml", 2, 1, "git-conflict"), OTHER}
    conflict = next(p for p in problems if p["code"] == "git-conflict")
    assert "conflit git non résolu" in str(conflict["message"])
    assert not [p for p in problems if p["path"].endswith("conflit.yaml") and p is not conflict]


@pytest.mark.parametrize("raw", [b"name: A\x00B\nkind: client\n", b"name: AB\nkind: cli\x07ent\n"])
def test_nul_and_raw_control_bytes_give_one_located_line(
    carnet: Carnet, repo: Path, raw: bytes
) -> None:
    (repo / "data" / "companies" / "binaire.yaml").write_bytes(raw)
    plant_other_problem(repo)
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    line = 1 if b"\x00" in raw else 2
    column = 8 if b"\x00" in raw else 10
    expected = ("data/companies/binaire.yaml", line, column, "yaml-control-character")
    assert located(problems) >= {expected, OTHER}
    text = carnet(repo, "validate").output
    [shown] = [t for t in text.splitlines() if "binaire.yaml" in t]
    assert "U+00" in shown and "\x00" not in text and "\x07" not in text


def test_build_at_a_revision_with_links_out_of_the_repository(
    carnet: Carnet, repo: Path, outside: Path
) -> None:
    companies = repo / "data" / "companies"
    (companies / "absolu.yaml").symlink_to(outside / "secret.txt")
    (companies / "relatif.yaml").symlink_to(Path("../../../outside/secret.txt"))
    plant_other_problem(repo)
    commit_all(repo, "Liens vers l'extérieur")
    for name in ("absolu.yaml", "relatif.yaml", "autre-probleme.yaml"):
        (companies / name).unlink()
    commit_all(repo, "Nettoyage")
    assert carnet(repo, "validate").exit_code == 0

    result = carnet(repo, "build", "--at", "HEAD~1", "--out", str(repo / "build" / "juin"))
    assert_no_crash(result)
    assert SECRET not in result.output
    assert result.exit_code == 1
    for path in ("absolu.yaml:1:1", "relatif.yaml:1:1", "autre-probleme.yaml:2:7"):
        assert f"data/companies/{path}" in result.output
    assert "[file-unreadable]" in result.output
    assert not (repo / "build" / "juin").exists()


@pytest.mark.parametrize("when", ["2026-99-99", "2026-02-30"])
def test_build_at_an_impossible_date_is_refused(carnet: Carnet, repo: Path, when: str) -> None:
    git(repo, "commit", "--allow-empty", "-qm", "Vide")
    result = carnet(repo, "build", "--at", when)
    assert_no_crash(result)
    assert result.exit_code == 2
    assert when in result.output and "date" in result.output
    assert not (repo / "build").exists()


def test_history_never_reads_a_work_tree_link_out(
    carnet: Carnet, repo: Path, outside: Path
) -> None:
    (outside / "company.yaml").write_text(f"name: {SECRET} Co\nkind: client\nnote: {SECRET}\n")
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    company.unlink()
    company.symlink_to(outside / "company.yaml")
    plant_other_problem(repo)
    for args in (("history", "company/mes-beaux-sapins"), ("history", "--since", "2020-01-01")):
        result = carnet(repo, *args)
        assert_no_crash(result)
        assert result.exit_code == 0 and SECRET not in result.output
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert located(problems) >= {("data/companies/mes-beaux-sapins.yaml", 1, 1, "file-unreadable")}


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_endless_files_in_the_work_tree_are_never_read(repo: Path, target: str) -> None:
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    company.unlink()
    if target == "fifo":
        os.mkfifo(company)
    else:
        company.symlink_to(target)
    for args in (("validate",), ("history", "--since", "2020-01-01")):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "--repo",
                str(repo),
                "--today",
                "2026-11-25",
                *args,
            ],
            env=git_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=limit_memory,
        )
        try:
            stdout, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
        assert_no_crash(stdout + stderr)
        assert process.returncode == (1 if args == ("validate",) else 0), stderr
        if args == ("validate",):
            assert "data/companies/mes-beaux-sapins.yaml:1:1" in stdout


def limit_memory() -> None:
    """At most 2 GiB of address space (a runaway read fails fast instead of swapping)."""
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


def test_data_folder_linked_outside_is_not_read(carnet: Carnet, repo: Path, outside: Path) -> None:
    (repo / "data").rename(outside / "data")
    (outside / "data" / "companies" / "fuite.yaml").write_text(f"{SECRET}\n")
    (repo / "data").symlink_to(outside / "data")
    result, problems = validate_json(carnet, repo)
    assert result.exit_code == 1
    assert located(problems) >= {
        ("data", 1, 1, "file-unreadable"),
        ("data/settings.yaml", 1, 1, "file-unreadable"),
    }
    assert not [p for p in problems if str(p["path"]).startswith("data/companies")]


def test_an_auxiliary_folder_linked_to_the_repository_root_is_refused(carnet, repo) -> None:
    """``data/documents -> ..`` would make the whole repository (``.carnet-secrets.yaml``,
    ``.git/config``) look like documents: the link is unreadable, never followed."""
    import shutil

    from generator.files.sources import resolve_inside

    shutil.rmtree(repo / "data" / "documents")
    (repo / "data" / "documents").symlink_to("..", target_is_directory=True)
    (repo / ".carnet-secrets.yaml").write_text("sapins-2026: secret-du-client-1234\n")
    result = carnet(repo, "validate", "--format", "json")
    assert result.exit_code == 1
    assert '"path": "data/documents"' in result.output and "file-unreadable" in result.output
    assert resolve_inside(repo, "data/documents/.carnet-secrets.yaml") is None
    assert resolve_inside(repo, ".git/config") is None
    assert resolve_inside(repo, "data/settings.yaml") is not None


def test_schema_never_writes_through_a_linked_folder(carnet, repo, outside) -> None:
    (repo / "schemas").symlink_to(outside, target_is_directory=True)
    before = sorted(p.name for p in outside.iterdir())
    result = carnet(repo, "schema")
    assert result.exit_code == 1
    assert "schemas" in result.output and "lien symbolique" in result.output
    assert sorted(p.name for p in outside.iterdir()) == before
