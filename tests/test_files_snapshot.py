"""Unchanged files are known by their metadata, as git's index knows them; racy ones are read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from array import array

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from racy_helpers import SECOND, example_copy

from generator.files.cache import Cache, digest
from generator.files.reading import read_sources
from generator.files.snapshot import DIGEST_SIZE, FileTable, Snapshot, take


@pytest.fixture
def repo(tmp_path):
    return example_copy(tmp_path)


def _table(taken_ns: int, mtimes: list[int]) -> tuple[Snapshot, FileTable]:
    paths = [f"data/companies/c{i}.yaml" for i in range(len(mtimes))]
    stats = array("q")
    for i, mtime in enumerate(mtimes):
        stats.extend((100, mtime, mtime, 1000 + i))
    snapshot = Snapshot(taken_ns, paths, stats)
    digests = b"".join(digest(p.encode()) for p in paths)
    stored = FileTable.from_bytes(FileTable.of(snapshot, digests).to_bytes())
    assert stored is not None
    return snapshot, stored


def test_a_file_modified_in_the_second_the_table_was_taken_is_read_again() -> None:
    """Git's racy-timestamp rule: same metadata, but it may have changed since."""
    taken = 1_700_000_000 * SECOND + 400_000_000
    snapshot, stored = _table(taken, [taken - 2 * SECOND, taken - 300_000_000, taken + 5])
    digests, unknown = stored.known(snapshot)
    assert unknown == [1, 2]
    assert digests[:DIGEST_SIZE] == digest(b"data/companies/c0.yaml")


def test_changed_metadata_new_and_removed_files_are_read() -> None:
    taken = 1_700_000_000 * SECOND
    snapshot, stored = _table(taken, [taken - 5 * SECOND] * 3)
    stats = array("q", snapshot.stats)
    stats[4 * 1] += 1  # c1 grew by a byte
    moved = Snapshot(
        taken, ["data/companies/c0.yaml", "data/companies/c1.yaml", "data/x.yaml"], stats
    )
    digests, unknown = stored.known(moved)
    assert unknown == [1, 2]
    assert digests[:DIGEST_SIZE] == stored.digest_at(0)


def _stored(**changes: object) -> bytes:
    """A stored table of two files, its header changed by ``changes``."""
    import json

    from generator.files.snapshot import MAGIC

    header = {"taken_ns": 1, "count": 2, "paths": 3, "byteorder": sys.byteorder, "racy": []}
    header.update(changes)
    text = json.dumps(header).encode()
    body = b"a\nb" + bytes(2 * 4 * 8) + bytes(2 * DIGEST_SIZE)
    return MAGIC + len(text).to_bytes(8, "big") + text + body


def test_a_well_formed_table_is_read() -> None:
    table = FileTable.from_bytes(_stored())
    assert table is not None and table.paths == ["a", "b"] and table.listing is None


@pytest.mark.parametrize("key", ["zz", "00" * 3, 12, None])
def test_a_content_key_that_is_not_one_is_made_again(key) -> None:
    table = FileTable.from_bytes(_stored(key=key))
    assert table is not None and table.key is None
    made = table.content_key()
    assert len(made) == DIGEST_SIZE and FileTable.from_bytes(table.to_bytes()).key == made


def test_the_content_key_is_kept_only_for_the_same_files() -> None:
    """A run where nothing changed takes the stored key; any other makes its own, the
    one a fresh table of the same files makes."""
    snapshot, stored = _table(10 * SECOND, [SECOND, 2 * SECOND])
    assert stored.key == FileTable.of(snapshot, stored.digests).content_key()
    same = FileTable.of(snapshot, bytes(stored.digests)).same_files(stored)
    assert same.key == stored.key
    edited = bytearray(stored.digests)
    edited[0] ^= 1
    other = FileTable.of(snapshot, bytes(edited)).same_files(stored)
    assert other.key is None and other.content_key() != stored.key
    renamed = Snapshot(
        snapshot.taken_ns, ["data/companies/x.yaml", snapshot.paths[1]], snapshot.stats
    )
    moved = FileTable.of(renamed, stored.digests).same_files(stored)
    assert moved.key is None and moved.content_key() != stored.key


@pytest.mark.parametrize(
    "broken",
    [
        _stored(count=3),
        _stored(paths=2),
        _stored(taken_ns="x"),
        _stored(racy=[7]),
        _stored(byteorder="middle"),
        _stored()[:-1],
        _stored().replace(b"{", b"[", 1),
        b"not a table",
        b"",
        None,
    ],
)
def test_a_foreign_table_is_ignored(broken) -> None:
    assert FileTable.from_bytes(broken) is None


def test_only_what_changed_is_read(repo) -> None:
    cache = Cache(repo, tracked=False)
    first = read_sources(repo, cache)
    assert first.read_now == len(first.files) > 10
    again = read_sources(repo, cache)
    assert again.read_now == 0
    assert again.content_key() == first.content_key()
    assert again.digests == first.digests

    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("kind: client", "kind: clinet"), encoding="utf-8")
    edited = read_sources(repo, cache)
    assert edited.read_now == 1
    assert edited.content_key() != first.content_key()
    assert edited.digests[company.relative_to(repo).as_posix()] == digest(company.read_bytes())


def test_a_same_size_edit_in_the_same_second_is_seen(repo) -> None:
    """Written, validated and written again (same size, time put back) within a second."""
    cache = Cache(repo, tracked=False)
    company = repo / "data" / "companies" / "mes-beaux-sapins.yaml"
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("kind: client", "kind: clinet"), encoding="utf-8")
    before = os.stat(company)
    first = read_sources(repo, cache)
    company.write_text(text.replace("kind: client", "kind: cleint"), encoding="utf-8")
    os.utime(company, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(company).st_size == before.st_size
    seen = read_sources(repo, cache)
    path = company.relative_to(repo).as_posix()
    assert seen.digests[path] == digest(company.read_bytes()) != first.digests[path]


def test_snapshot_of_links_and_missing_files(repo) -> None:
    """A link shows its target's changes; a vanished file is never vouched for."""
    data = repo / "data" / "companies"
    os.symlink("mes-beaux-sapins.yaml", data / "lien.yaml")
    paths = ["data/companies/lien.yaml", "data/companies/absente.yaml"]
    snap = take(repo, paths)
    assert snap.stat_of(0)[0] == (data / "mes-beaux-sapins.yaml").stat().st_size
    assert snap.stat_of(1) == (-1, -1, -1, -1)


def test_the_metadata_taken_on_two_processes_is_the_same_as_on_one(repo) -> None:
    """The stat shared with a forked child gives each file's own metadata, in order:
    links, missing files and folders of every kind included, whichever half they fall in."""
    data = repo / "data" / "companies"
    os.symlink("mes-beaux-sapins.yaml", data / "lien.yaml")
    paths = sorted(p.relative_to(repo).as_posix() for p in (repo / "data").rglob("*.yaml"))
    paths.insert(1, "data/companies/absente.yaml")
    paths.append("data/nulle-part/absente.yaml")
    alone = take(repo, paths, share=False)
    shared = take(repo, paths, share=True)
    assert len(paths) > 20 and shared.paths == alone.paths == paths
    assert shared.stats == alone.stats
    for i, path in enumerate(paths):
        if path.endswith("lien.yaml"):
            continue  # a link's metadata folds in its target's (test above)
        info = os.lstat(repo / path) if os.path.lexists(repo / path) else None
        expected = (-1,) * 4 if info is None else (info.st_size, info.st_mtime_ns)
        assert shared.stat_of(i)[: len(expected)] == expected, path


def test_many_files_are_read_on_two_processes_as_on_one(tmp_path) -> None:
    """The cold reading shared with a forked worker finds the same bytes, metadata,
    digests and unreadable files, in the same order, as one process does."""
    from generator.files.reading import SHARED_FROM

    shutil.copytree(ROOT / "data", tmp_path / "data")
    folder = tmp_path / "data" / "companies"
    for n in range(SHARED_FROM + 200):
        (folder / f"societe-{n:05}.yaml").write_text(f"name: Société {n}\nkind: client\n")
    os.symlink("/etc/hostname", folder / "societe-02500.yaml.tmp")
    os.replace(folder / "societe-02500.yaml.tmp", folder / "societe-02500.yaml")
    os.unlink(folder / "societe-01000.yaml")
    os.mkfifo(folder / "societe-01000.yaml")
    alone = read_sources(tmp_path, jobs=1)
    shared = read_sources(tmp_path, jobs=2)
    assert shared.table.paths == alone.table.paths
    assert shared.table.stats == alone.table.stats and shared.table.digests == alone.table.digests
    assert shared.raws == alone.raws and len(shared.raws) > SHARED_FROM
    assert shared.notes == alone.notes
    assert {n.path.rsplit("/", 1)[1] for n in shared.notes} == {
        "societe-02500.yaml",
        "societe-01000.yaml",
    }


FORKS_OF_A_WARM_LOAD = """
import os, sys
from pathlib import Path
from generator.load import load
from generator.schema.batch import ParseMemo
forks = []
os.register_at_fork(before=lambda: forks.append(1))
repo = Path(sys.argv[1])
load(repo, need_book=False)  # cold: the file table is written
for memo in (None, ParseMemo()):
    forks.clear()
    load(repo, need_book=False, memo=memo)
    print(len(forks))
"""


def test_a_long_running_server_takes_the_metadata_alone(tmp_path) -> None:
    """With many files, a command's warm run stats half of them in a forked child; a
    load that keeps a memo (``carnet serve``, which lives on) does it alone: the child
    would count the server's memory again. In a fresh interpreter (one thread)."""
    from generator.files.snapshot import STAT_SHARED_FROM

    shutil.copytree(ROOT / "data", tmp_path / "data")
    folder = tmp_path / "data" / "companies"
    for n in range(STAT_SHARED_FROM):
        (folder / f"societe-{n:05}.yaml").write_text(f"name: Société {n}\nkind: client\n")
    time.sleep(1.1)  # none is racy: the warm runs read nothing again (no reader forked)
    done = subprocess.run(
        [sys.executable, "-c", FORKS_OF_A_WARM_LOAD, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["1", "0"], done.stdout + done.stderr


@pytest.mark.parametrize("size", [0, 1, 65_535, 65_536, 65_537, 300_000])
def test_a_file_is_read_whole_in_one_read(tmp_path, monkeypatch, size) -> None:
    """A regular file reads short only at its end: no second read to find the end."""
    from generator.files.sources import read_all

    content = bytes((i * 7) % 251 for i in range(size))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "f.yaml").write_bytes(content)
    reads = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counted)
    raws, notes = read_all(tmp_path, ["data/f.yaml"])
    assert raws == {"data/f.yaml": content} and notes == []
    assert len(reads) == 1


@settings(max_examples=40, deadline=None)
@given(
    st.sets(st.integers(0, 2999), max_size=40),
    st.sets(st.integers(0, 2999), max_size=5),
    st.sampled_from([1, 2, 3]),
)
def test_the_same_files_tell_exactly_which_changed(changed, racy, field) -> None:
    """Among the same paths, the files whose metadata differ (any field, in any block of
    files) and the racy ones are read again, and only they lose their digest."""
    mtimes = [SECOND * (1 + i % 7) for i in range(3000)]
    snapshot, stored = _table(100 * SECOND, mtimes)
    stored.racy = sorted(racy)
    stats = array("q", snapshot.stats)
    for i in changed:
        stats[i * 4 + field] += 1
    now = Snapshot(snapshot.taken_ns, list(snapshot.paths), stats)
    digests, unknown = stored.known(now)
    assert unknown == sorted(changed | racy)
    for i in range(3000):
        expected = bytes(DIGEST_SIZE) if i in unknown else stored.digest_at(i)
        assert digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE] == expected
