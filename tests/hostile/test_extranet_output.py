"""`carnet extranet` writes only folders it made, only where it was asked to, and reads
its password only from a variable meant for it.

A user's folder under ``--out``, a committed symbolic link that sends ``build/extranet``
(or ``build``) out of the repository, a project folder that is a link: each is refused
with exit 1 and nothing is touched. ``password_env`` must name a ``CARNET_`` variable:
``PATH`` is not a password.
"""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

from .conftest import TODAY, assert_no_crash, carnet_process, commit_all, snapshot

PASSWORDS = {
    "CARNET_EXTRANET_SAPINS": "Sapins-de-Noel-2026-test",
    "CARNET_EXTRANET_BROTTEAUX": "Garage-Brotteaux-2026-test",
}
SAPINS = "sapins-2026"
MARKER = ".carnet-extranet"


def test_a_folder_under_out_that_carnet_did_not_write_is_left_alone(
    repo: Path, tmp_path: Path, carnet
) -> None:
    out = tmp_path / "publie"
    mine = out / SAPINS
    mine.mkdir(parents=True)
    (mine / "contrat-signe.pdf").write_bytes(b"%PDF-1.7 the user's only copy")
    before = snapshot(out)
    result = carnet(repo, "extranet", SAPINS, "--out", str(out), env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "Carnet" in result.output and str(mine) in result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == [SAPINS], "no temporary folder left"


def test_the_default_folder_is_refused_too_when_it_holds_foreign_files(repo: Path, carnet) -> None:
    target = repo / "build" / "extranet" / SAPINS
    target.mkdir(parents=True)
    (target / "notes.txt").write_text("mes notes\n")
    result = carnet(repo, "extranet", env=PASSWORDS)
    assert result.exit_code == 1, result.output
    assert (target / "notes.txt").read_text() == "mes notes\n"
    assert not (repo / "build" / "extranet" / "site-garage-brotteaux").exists(), (
        "a refusal stops the whole run before anything is written"
    )


def test_an_extranet_carnet_built_is_replaced_and_carries_the_marker(
    repo: Path, tmp_path: Path, carnet
) -> None:
    out = tmp_path / "publie"
    assert carnet(repo, "extranet", SAPINS, "--out", str(out), env=PASSWORDS).exit_code == 0
    site = out / SAPINS
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    first = (site / "index.html").read_bytes()
    (out / "autre-chose").mkdir()  # a sibling of the user's: never touched
    (out / "autre-chose" / "f.txt").write_text("x")
    result = carnet(repo, "extranet", SAPINS, "--out", str(out), env=PASSWORDS)
    assert result.exit_code == 0, result.output
    assert (site / "index.html").read_bytes() != first and (site / MARKER).is_file()
    assert (out / "autre-chose" / "f.txt").read_text() == "x"
    assert sorted(p.name for p in out.iterdir()) == ["autre-chose", SAPINS]


def test_a_committed_link_out_of_the_repository_is_refused(
    repo: Path, outside: Path, carnet
) -> None:
    """``build/extranet -> ../..`` and a project named like the folder beside the
    repository: a fresh clone's ``carnet extranet`` would replace ``outside/``."""
    project = repo / "data" / "projects" / f"{SAPINS}.yaml"
    (repo / "data" / "projects" / "outside.yaml").write_text(
        project.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (repo / "build").mkdir()
    (repo / "build" / "extranet").symlink_to(Path("..") / "..")
    commit_all(repo, "Un lien bien caché")
    before = snapshot(outside)
    result = carnet(repo, "extranet", "outside", env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "build/extranet" in result.output
    assert snapshot(outside) == before
    assert [p.name for p in outside.parent.iterdir() if p.name.startswith(".outside")] == []


def test_a_build_folder_that_leaves_the_repository_is_refused(
    repo: Path, tmp_path: Path, carnet
) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (repo / "build").symlink_to(elsewhere)
    result = carnet(repo, "extranet", SAPINS, env=PASSWORDS)
    assert result.exit_code == 1, result.output
    assert list(elsewhere.iterdir()) == [], "nothing written through the link"


def test_an_output_that_is_a_file_is_refused(repo: Path, tmp_path: Path, carnet) -> None:
    (repo / "build").mkdir()
    (repo / "build" / "extranet").write_text("pas un dossier\n")
    result = carnet(repo, "extranet", SAPINS, env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 1 and "pas un dossier" in result.output
    out = tmp_path / "publie"
    out.mkdir()
    (out / SAPINS).write_text("mon fichier\n")
    result = carnet(repo, "extranet", SAPINS, "--out", str(out), env=PASSWORDS)
    assert result.exit_code == 1 and (out / SAPINS).read_text() == "mon fichier\n"


def test_a_project_folder_that_is_a_link_is_refused(
    repo: Path, tmp_path: Path, outside: Path, carnet
) -> None:
    out = tmp_path / "publie"
    out.mkdir()
    (out / SAPINS).symlink_to(outside)
    before = snapshot(outside)
    result = carnet(repo, "extranet", SAPINS, "--out", str(out), env=PASSWORDS)
    assert result.exit_code == 1, result.output
    assert snapshot(outside) == before and (out / SAPINS).is_symlink()


def test_password_env_must_name_a_carnet_variable(repo: Path, carnet) -> None:
    project = repo / "data" / "projects" / f"{SAPINS}.yaml"
    text = project.read_text(encoding="utf-8")
    assert "password_env: CARNET_EXTRANET_SAPINS" in text
    project.write_text(text.replace("CARNET_EXTRANET_SAPINS", "PATH"), encoding="utf-8")
    line = next(n for n, t in enumerate(project.read_text().splitlines(), 1) if "password_env" in t)
    result = carnet(repo, "validate")
    assert result.exit_code == 1, result.output
    assert f"data/projects/{SAPINS}.yaml:{line}:" in result.output
    built = carnet(repo, "extranet", SAPINS, env={"PATH": os.environ["PATH"]})
    assert_no_crash(built)
    assert built.exit_code == 1 and not (repo / "build" / "extranet" / SAPINS).exists()


def _staged_page(*roots: Path) -> Path | None:
    """A clear Markdown page of an extranet being built, anywhere under ``roots``."""
    for root in roots:
        for page in root.rglob("index.md"):
            return page
    return None


def _clear_text(*roots: Path) -> list[Path]:
    """Pages (Markdown or HTML) under ``roots`` that show the client's name in clear."""
    return [
        p
        for root in roots
        for p in root.rglob("*")
        if p.suffix in (".md", ".html") and p.is_file() and b"Mes Beaux Sapins" in p.read_bytes()
    ]


def _kill_mid_build(repo: Path, tmp: Path, signum: int) -> Path:
    """Start ``carnet extranet``, send ``signum`` while clear pages exist; where they were."""
    for _attempt in range(5):
        process = carnet_process(
            repo,
            "--today",
            TODAY,
            "extranet",
            SAPINS,
            env={**PASSWORDS, "TMPDIR": str(tmp)},
        )
        deadline = time.monotonic() + 120
        page = None
        while page is None and process.poll() is None and time.monotonic() < deadline:
            page = _staged_page(repo / "build", tmp)
            time.sleep(0.002)
        if page is not None:
            process.send_signal(signum)
            process.communicate(timeout=60)
            assert process.returncode != 0
            return page
        process.communicate(timeout=60)  # too fast to catch: build again
    raise AssertionError("the build never showed its staged pages")


def test_a_build_stopped_by_sigterm_leaves_no_clear_page(repo: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    _kill_mid_build(repo, tmp, signal.SIGTERM)
    assert _clear_text(repo / "build", tmp) == []
    assert list(tmp.iterdir()) == []
    assert not (repo / "build" / "extranet" / SAPINS).exists()


def test_a_build_killed_outright_leaves_its_pages_private_until_the_next_run(
    repo: Path, tmp_path: Path, carnet
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    page = _kill_mid_build(repo, tmp, signal.SIGKILL)
    left = _clear_text(repo / "build", tmp)
    assert left, "SIGKILL cannot be caught: the staged pages are still there"
    for path in left:
        private = next(p for p in path.parents if p.parent.name == ".extranet-staging")
        assert stat.S_IMODE(private.stat().st_mode) == 0o700, private
        assert stat.S_IMODE(private.parent.stat().st_mode) == 0o700
    assert page.is_relative_to(repo / "build")
    result = carnet(repo, "extranet", SAPINS, env=PASSWORDS)
    assert result.exit_code == 0, result.output
    assert _clear_text(repo / "build", tmp) == [], "the next run wiped them"


def test_a_relative_repository_path_builds(repo: Path, carnet, monkeypatch) -> None:
    """``carnet --repo . extranet`` (the usual way): the staging folder is under build/."""
    monkeypatch.chdir(repo)
    result = carnet(Path("."), "extranet", SAPINS, env=PASSWORDS)
    assert result.exit_code == 0, result.output
    assert (repo / "build" / "extranet" / SAPINS / MARKER).is_file()
