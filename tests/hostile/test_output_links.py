"""Output folders under ``build/``: never reached through a link, never trusted when git
brought them.

A pull request may commit anything under ``build/`` (it is only ignored by convention):
``build -> /elsewhere``, ``build/site`` dangling, a link inside Carnet's staging folder
(its name is the hash of a predictable path), ``build/documents/F2026-0001.pdf ->
/proc/self/environ``, or a manifest copied from a clean run with a forged PDF. Each
writing command refuses a linked output folder (``output-link``, exit 1, nothing written
outside), removes links from its own folders instead of following them, and re-renders
what git tracks instead of publishing it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    TODAY,
    assert_no_crash,
    carnet_process,
    git,
    make_repo,
    snapshot,
)
from tests.hostile.extranet_open import open_everything

BROTTEAUX = "site-garage-brotteaux"
PASSWORD = "Garage-Brotteaux-2026-test"
PASSWORDS = {"CARNET_EXTRANET_BROTTEAUX": PASSWORD}
MANIFEST = ".carnet-documents.json"
WRITERS = {
    "site": ("build",),
    "documents": ("documents",),
    "merge": ("merge", "attestation-formation", "formation-wordpress-2026"),
    "stock": ("stock", "report"),
}
"""Each writing command's default folder under ``build/``, and how to run it."""


def commit_build(repo: Path, message: str = "build/ versionné") -> None:
    """Commit everything, ``build/`` included (as a pull request would, with ``add -f``)."""
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-qm", message)


def site_pdf(repo: Path, name: str) -> bytes | None:
    path = repo / "build" / "site" / "documents" / "pdf" / name
    return path.read_bytes() if path.exists() else None


@pytest.mark.parametrize("target", ["secret", "/proc/self/environ"])
def test_a_linked_pdf_is_never_published_on_the_site(
    carnet, repo: Path, outside: Path, target: str
) -> None:
    folder = repo / "build" / "documents"
    folder.mkdir(parents=True)
    source = outside / "secret.txt" if target == "secret" else Path(target)
    (folder / "F2026-0001.pdf").symlink_to(source)
    commit_build(repo)
    result = carnet(repo, "build")
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    published = site_pdf(repo, "F2026-0001.pdf") or b""
    assert b"SECRET" not in published and b"PATH=" not in published
    assert published.startswith(b"%PDF")  # the document's own, made again by the build
    assert not (repo / "build/documents/F2026-0001.pdf").is_symlink()


@pytest.mark.parametrize("command", sorted(WRITERS))
@pytest.mark.parametrize("linked", ["build", "own"])
def test_a_linked_output_folder_is_refused_by_every_writer(
    carnet, repo: Path, outside: Path, command: str, linked: str
) -> None:
    args = WRITERS[command]
    folder = "site" if command == "site" else args[0]
    link = repo / "build" if linked == "build" else repo / "build" / folder
    link.parent.mkdir(parents=True, exist_ok=True)
    target = outside / "b"
    target.mkdir()
    link.symlink_to(target, target_is_directory=True)
    commit_build(repo)
    before = snapshot(outside)
    result = carnet(repo, *args)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "lien symbolique" in result.output, result.output
    assert snapshot(outside) == before


def test_a_dangling_site_link_is_a_refusal_not_a_crash(carnet, repo: Path, tmp_path) -> None:
    (repo / "build").mkdir()
    (repo / "build" / "site").symlink_to(tmp_path / "nowhere-site", target_is_directory=True)
    commit_build(repo)
    result = carnet(repo, "build")
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "build/site" in result.output and "lien symbolique" in result.output
    assert not (tmp_path / "nowhere-site").exists()


def test_links_in_the_staging_folder_are_removed_not_followed(
    carnet, repo: Path, outside: Path
) -> None:
    """The staging folder's name is predictable: a committed ``docs/contacts`` link would
    have its stale pages deleted and new ones written outside, a ``docs/documents/pdf``
    link every file of the folder it leads to deleted."""
    notes = outside / "notes"
    notes.mkdir()
    (notes / "todo.md").write_text("# à faire\n", encoding="utf-8")
    pdfs = outside / "pdfs"
    pdfs.mkdir()
    (pdfs / "contrat.pdf").write_bytes(b"%PDF-1.7 the user's only copy")
    key = hashlib.blake2b(
        str((repo / "build" / "site").resolve()).encode(), digest_size=6
    ).hexdigest()
    docs = repo / "build" / ".carnet-site" / key / "docs"
    (docs / "documents").mkdir(parents=True)
    (docs / "contacts").symlink_to(notes, target_is_directory=True)
    (docs / "documents" / "pdf").symlink_to(pdfs, target_is_directory=True)
    commit_build(repo)
    before = snapshot(outside)
    result = carnet(repo, "build")
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    assert snapshot(outside) == before
    assert (repo / "build" / "site" / "contacts" / "jeanne-sapin" / "index.html").is_file()


def test_a_linked_report_is_replaced_never_read(carnet, repo: Path) -> None:
    folder = repo / "build" / "stock"
    folder.mkdir(parents=True)
    (folder / f"stock-{TODAY}.pdf").symlink_to("/dev/zero")
    commit_build(repo)
    result = carnet(repo, "stock", "report")
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    report = folder / f"stock-{TODAY}.pdf"
    assert not report.is_symlink() and report.read_bytes().startswith(b"%PDF")


def test_serve_refuses_a_linked_folder(repo: Path, outside: Path) -> None:
    (repo / "build").mkdir()
    (outside / "s").mkdir()  # empty: nothing else stops the build
    (repo / "build" / "serve").symlink_to(outside / "s", target_is_directory=True)
    before = snapshot(outside)
    process = carnet_process(repo, "--today", TODAY, "serve", "--port", "0")
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    assert_no_crash(out + err)
    assert process.returncode == 1, out + err
    assert "build/serve" in err and "lien symbolique" in err
    assert snapshot(outside) == before


@pytest.fixture
def genuine_manifest(tmp_path: Path, carnet) -> bytes:
    """The manifest of a clean ``carnet documents`` run of the example (its keys do not
    depend on where the repository lies: a pull request can commit a copy)."""
    donor = make_repo(tmp_path / "donor", with_git=False)
    result = carnet(donor, "documents", "F2026-0001", "F2026-0002")
    assert result.exit_code == 0, result.output
    return (donor / "build" / "documents" / MANIFEST).read_bytes()


def test_committed_documents_are_never_shipped(carnet, repo: Path, genuine_manifest: bytes) -> None:
    """A committed manifest with a PDF that is a link to ``.carnet-secrets.yaml``, and a
    forged regular PDF (another IBAN): both are rendered again, never shipped."""
    folder = repo / "build" / "documents"
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_bytes(genuine_manifest)
    (folder / "F2026-0001.pdf").symlink_to("../../.carnet-secrets.yaml")
    forged = b"%PDF-1.7\n% IBAN FR76 ATTACKER 0000\n"
    (folder / "F2026-0002.pdf").write_bytes(forged)
    commit_build(repo)
    (repo / ".carnet-secrets.yaml").write_text("sapins-2026: SECRET-7f3a9c-mot-de-passe\n")

    result = carnet(repo, "extranet", BROTTEAUX, env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    shipped = open_everything(repo / "build" / "extranet" / BROTTEAUX, PASSWORD)
    assert "SECRET-7f3a9c" not in shipped and "ATTACKER" not in shipped
    assert "F2026-0002" in shipped

    assert "[build-tracked]" in result.output
    assert not (folder / "F2026-0001.pdf").is_symlink()
    assert (folder / "F2026-0002.pdf").read_bytes() != forged

    result = carnet(repo, "build")  # git still tracks the manifest: no PDF is trusted
    assert result.exit_code == 0, result.output
    assert "[build-tracked]" in result.output
    for name in ("F2026-0001.pdf", "F2026-0002.pdf"):
        published = site_pdf(repo, name) or b""
        assert b"SECRET-7f3a9c" not in published and b"ATTACKER" not in published

    git(repo, "rm", "-rq", "--cached", "build")  # as the warning says
    assert carnet(repo, "documents").exit_code == 0
    result = carnet(repo, "build")
    assert result.exit_code == 0 and "[build-tracked]" not in result.output, result.output
    published = site_pdf(repo, "F2026-0002.pdf")
    assert published is not None and published.startswith(b"%PDF") and b"ATTACKER" not in published


def test_a_tracked_manifest_is_not_trusted_by_documents(
    carnet, repo: Path, genuine_manifest: bytes
) -> None:
    folder = repo / "build" / "documents"
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_bytes(genuine_manifest)
    (folder / "F2026-0001.pdf").write_bytes(b"%PDF-1.7\n% forged\n")
    commit_build(repo)
    result = carnet(repo, "documents", "F2026-0001")
    assert result.exit_code == 0, result.output
    assert "build/documents/F2026-0001.pdf" in result.output  # written again
    assert b"forged" not in (folder / "F2026-0001.pdf").read_bytes()
    shutil.rmtree(folder)


def test_links_in_the_extranet_staging_area_are_removed_not_followed(
    carnet, repo: Path, outside: Path
) -> None:
    area = repo / "build" / ".extranet-staging"
    dead = area / "999999999-old"  # a run killed outright: its folder is removed
    dead.mkdir(parents=True)
    (dead / "pages").symlink_to(outside, target_is_directory=True)
    (area / "999999998-x").symlink_to(outside, target_is_directory=True)
    commit_build(repo)
    before = snapshot(outside)
    result = carnet(repo, "extranet", BROTTEAUX, env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    assert snapshot(outside) == before
    assert not any(p.is_symlink() for p in area.rglob("*"))


def test_a_linked_extranet_staging_area_is_removed_not_followed(
    carnet, repo: Path, outside: Path
) -> None:
    (repo / "build").mkdir()
    (repo / "build" / ".extranet-staging").symlink_to(outside, target_is_directory=True)
    commit_build(repo)
    before = snapshot(outside)
    result = carnet(repo, "extranet", BROTTEAUX, env=PASSWORDS)
    assert result.exit_code == 0, result.output
    assert snapshot(outside) == before
    assert not (repo / "build" / ".extranet-staging").is_symlink()
