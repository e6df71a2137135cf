"""data/ is walked again only when one of its folders changed, as git's untracked cache
knows; what a run finds is always what a walk would find."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from racy_helpers import example_copy, next_second

from generator.files.cache import Cache
from generator.files.listing import walk
from generator.files.reading import read_sources
from generator.files.sources import discover


@pytest.fixture
def repo(tmp_path):
    return example_copy(tmp_path)


def _same_as_a_walk(sources, repo) -> None:
    files, notes = discover(repo)
    assert sources.files == files
    assert sources.notes == notes
    assert sources.table.paths == [f.path for f in files]
    counts: dict[str, int] = {}
    for f in files:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    assert sources.counts == counts


def test_an_unchanged_data_folder_is_not_walked_again(repo) -> None:
    cache = Cache(repo, tracked=False)
    (repo / "data" / "companies" / "notes.yml").write_text("x: 1\n")  # a misplaced file
    next_second()
    first = read_sources(repo, cache)
    assert first.walked
    again = read_sources(repo, cache)
    assert not again.walked and again.read_now == 0
    assert again.counts == first.counts  # told without making the files
    _same_as_a_walk(again, repo)
    assert any(n.code == "file-yml-extension" for n in again.notes)
    assert {f.kind for f in again.files} >= {"company", "contact", "sendlog", "campaign"}


@pytest.mark.parametrize(
    "change",
    [
        lambda data: (data / "companies" / "nouvelle.yaml").write_text("name: N\nkind: client\n"),
        lambda data: (data / "companies" / "mes-beaux-sapins.yaml").unlink(),
        lambda data: os.rename(
            data / "companies" / "mes-beaux-sapins.yaml", data / "companies" / "sapins.yaml"
        ),
        lambda data: (data / "interactions" / "2031").mkdir(),
        lambda data: shutil.rmtree(data / "stock"),
    ],
    ids=["added", "removed", "renamed", "new-folder", "folder-removed"],
)
def test_a_changed_folder_is_walked_again(repo, change) -> None:
    cache = Cache(repo, tracked=False)
    read_sources(repo, cache)
    change(repo / "data")
    seen = read_sources(repo, cache)
    assert seen.walked
    _same_as_a_walk(seen, repo)


def test_a_file_replaced_by_a_folder_is_seen(repo) -> None:
    cache = Cache(repo, tracked=False)
    read_sources(repo, cache)
    target = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    target.unlink()
    target.mkdir()
    seen = read_sources(repo, cache)
    assert seen.walked
    _same_as_a_walk(seen, repo)
    assert any(n.path.endswith("mes-beaux-sapins.yaml") for n in seen.notes)


def test_a_folder_changed_in_the_second_of_the_walk_is_walked_again(repo) -> None:
    """Git's racy-timestamp rule: its times may not show a change made just after."""
    folder = repo / "data" / "companies"
    now = time.time_ns()
    os.utime(folder, ns=(now, now))
    assert walk(repo)[2] is None
    next_second()
    assert walk(repo)[2] is not None


def test_a_walk_through_a_link_is_never_kept(repo) -> None:
    data = repo / "data"
    os.rename(data / "projects", repo / "projets-ailleurs")
    os.symlink("../projets-ailleurs", data / "projects")
    next_second()
    files, _, listing = walk(repo)
    assert listing is None and any(f.kind == "project" for f in files)
    cache = Cache(repo, tracked=False)
    read_sources(repo, cache)
    (repo / "projets-ailleurs" / "nouveau.yaml").write_text("name: Nouveau\n")
    seen = read_sources(repo, cache)
    assert seen.walked and "data/projects/nouveau.yaml" in seen.table.paths
