"""An interaction's ``attachment:`` ships a file to a client: only a file of the
repository's ``data/documents/``, never one a link leads to elsewhere.

``data/documents -> ..`` (or ``-> ../.git``) would make ``.carnet-secrets.yaml`` or
``.git/config`` look like documents; a file link would lead to the same. The one rule
for a path a record names (:func:`generator.files.sources.resolve_inside`: inside,
below the root, no hidden part) refuses each: the extranet is not built.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tests.hostile.conftest import assert_no_crash, commit_all

SAPINS = "sapins-2026"
PASSWORDS = {"CARNET_EXTRANET_SAPINS": "Sapins-de-Noel-2026-test"}
SECRET = "sapins-2026: SECRET-7f3a9c-du-client\n"
RECORD = "data/interactions/2026/projet-mbs-2026-rapport-t1.yaml"


def attach(repo: Path, path: str) -> None:
    """Point the example's attached report (project sapins-2026) at ``path``."""
    record = repo / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("data/documents/mbs-2026-rapport-audience-t1.pdf", path), encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("link", "named"),
    [
        ("..", "data/documents/.carnet-secrets.yaml"),
        ("../.git", "data/documents/config"),
        ("..", "data/documents/data/documents/mbs-2026-rapport-audience-t1.pdf"),
    ],
)
def test_a_documents_folder_linked_into_the_repository_ships_nothing(
    carnet, repo: Path, link: str, named: str
) -> None:
    shutil.rmtree(repo / "data" / "documents")
    (repo / "data" / "documents").symlink_to(link, target_is_directory=True)
    attach(repo, named)
    commit_all(repo, "Pièce jointe")
    (repo / ".carnet-secrets.yaml").write_text(SECRET, encoding="utf-8")
    result = carnet(repo, "extranet", SAPINS, env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "data/documents" in result.output
    assert not (repo / "build" / "extranet" / SAPINS).exists()


@pytest.mark.parametrize(
    ("link", "named"),
    [
        ("..", "data/documents/.carnet-secrets.yaml"),
        ("../.git", "data/documents/config"),
        ("..", "data/documents/data/settings.yaml"),
    ],
)
def test_attachments_follow_the_one_rule_for_named_paths(repo: Path, link: str, named: str) -> None:
    """The attachments are resolved when the extranet is built, whatever the walk of
    ``data/`` said earlier: a folder linked to the repository (or a folder holding
    ``data/documents``) or to a hidden folder lets nothing through."""
    from generator.book.variants import with_entry
    from generator.extranet.attachments import record_attachments
    from generator.extranet.scope import scoped_to
    from generator.load import load

    book = load(repo, use_cache=False).book
    assert book is not None
    # validate refuses such a path (checks/paths.py): the Book is given it afterwards
    entry = next(e for e in book.of("interaction") if e.path == RECORD)
    record = entry.record.model_copy(update={"attachment": named})
    book = with_entry(book, replace(entry, record=record))
    shutil.rmtree(repo / "data" / "documents")
    (repo / "data" / "documents").symlink_to(link, target_is_directory=True)
    (repo / ".carnet-secrets.yaml").write_text(SECRET, encoding="utf-8")
    files, errors = record_attachments(scoped_to(book, SAPINS), repo)
    assert files == {}
    assert [e.code for e in errors] == ["extranet-attachment-outside"]


def test_a_file_link_to_a_hidden_file_ships_nothing(carnet, repo: Path) -> None:
    (repo / "data" / "documents" / "rapport.pdf").symlink_to("../../.carnet-secrets.yaml")
    attach(repo, "data/documents/rapport.pdf")
    commit_all(repo, "Pièce jointe")
    (repo / ".carnet-secrets.yaml").write_text(SECRET, encoding="utf-8")
    result = carnet(repo, "extranet", SAPINS, env=PASSWORDS)
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert not (repo / "build" / "extranet" / SAPINS).exists()


def test_a_link_inside_data_documents_is_followed_when_it_stays_there(carnet, repo: Path) -> None:
    folder = repo / "data" / "documents"
    (folder / "rapport.pdf").symlink_to("mbs-2026-rapport-audience-t1.pdf")
    attach(repo, "data/documents/rapport.pdf")
    commit_all(repo, "Pièce jointe")
    result = carnet(repo, "extranet", SAPINS, env=PASSWORDS)
    assert result.exit_code == 0, result.output
