"""Output folders are reached without following a link (generator/files/output.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.files.output import is_plain_file, output_folder, read_output
from generator.problems import Refused


def test_default_outputs_are_real_folders(tmp_path: Path) -> None:
    folder = output_folder(tmp_path, "documents")
    assert folder == tmp_path / "build" / "documents" and folder.is_dir()
    assert output_folder(tmp_path, "documents") == folder  # already there: fine


@pytest.mark.parametrize("linked", ["build", "build/documents"])
def test_a_linked_component_is_refused(tmp_path: Path, linked: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    (repo / linked).parent.mkdir(parents=True, exist_ok=True)
    (repo / linked).symlink_to(outside, target_is_directory=True)
    with pytest.raises(Refused) as refused:
        output_folder(repo, "documents")
    assert refused.value.code == "output-link" and refused.value.exit_code == 1
    assert linked in refused.value.message("fr")
    assert not any(outside.iterdir())


def test_out_is_the_users_choice(tmp_path: Path) -> None:
    chosen = tmp_path / "ailleurs"
    (tmp_path / "lien").symlink_to(chosen, target_is_directory=True)
    chosen.mkdir()
    assert output_folder(tmp_path / "repo", "site", out=tmp_path / "lien") == tmp_path / "lien"


def test_reading_back_never_follows_a_link(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    (tmp_path / "F1.pdf").symlink_to(secret)
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    (tmp_path / "real.pdf").write_bytes(b"%PDF")
    assert read_output(tmp_path / "F1.pdf") is None
    assert read_output(tmp_path / "zero.pdf") is None
    assert read_output(tmp_path / "missing.pdf") is None
    assert read_output(tmp_path / "real.pdf") == b"%PDF"
    assert is_plain_file(tmp_path / "real.pdf") and not is_plain_file(tmp_path / "F1.pdf")
