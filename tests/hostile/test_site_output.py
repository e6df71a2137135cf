"""The site folder: a build killed half-way never blocks the next one, and Carnet never
writes into a folder it did not create."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.hostile.conftest import assert_no_crash, carnet_process, snapshot


def _started_writing(site: Path) -> bool:
    """MkDocs has written something of its own in ``site``."""
    return site.is_dir() and any(not p.name.startswith(".") for p in site.iterdir())


def test_a_build_killed_while_mkdocs_writes_does_not_block_the_next(carnet, repo: Path) -> None:
    site = repo / "build" / "site"
    process = carnet_process(repo, "--today", "2026-11-25", "build")
    try:
        deadline = time.monotonic() + 120
        while not _started_writing(site) and process.poll() is None:
            assert time.monotonic() < deadline, "MkDocs never started writing"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert not (site / "search" / "search_index.json").exists()  # killed half-way indeed

    result = carnet(repo, "build")
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    assert "complète" in result.output  # nothing of the killed build is trusted
    assert (site / "index.html").is_file()
    assert (site / "societes" / "mes-beaux-sapins" / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()


def test_out_refuses_a_folder_carnet_did_not_write(carnet, repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "intranet"
    folder.mkdir()
    (folder / "important.txt").write_text("à garder\n", encoding="utf-8")
    before = snapshot(folder)
    result = carnet(repo, "build", "--out", str(folder))
    assert_no_crash(result)
    assert result.exit_code == 1
    assert "n'a pas été écrit par Carnet" in result.output
    assert snapshot(folder) == before


def test_a_refused_configuration_claims_no_folder(carnet, repo: Path, tmp_path: Path) -> None:
    """MkDocs refusing its configuration happens before the folder is touched."""
    (repo / "mkdocs.yml").write_text(
        "theme: material\nmarkdown_extensions:\n  - toc: {no_such_option: 1}\n", encoding="utf-8"
    )
    folder = tmp_path / "intranet"
    result = carnet(repo, "build", "--out", str(folder))
    assert result.exit_code == 1
    assert not folder.exists()
