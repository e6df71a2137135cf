"""A cold run (no file table) reads each record file in the process that parses it: the
same files, metadata, digests, problems and answer as reading first and parsing after."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from generator.files.cache import Cache
from generator.files.reading import FILES_CACHE, read_sources
from generator.files.snapshot import FileTable
from generator.load import load_settings
from generator.schema.batch import PARALLEL_THRESHOLD, parse_all, read_and_parse


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example, with enough companies to be parsed on two processes, some of them
    broken, a FIFO and a link leading out of the repository."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    folder = tmp_path / "data" / "companies"
    for n in range(PARALLEL_THRESHOLD + 100):
        (folder / f"societe-{n:04}.yaml").write_text(f"name: Société {n}\nkind: client\n")
    (folder / "societe-0007.yaml").write_text("name: [unclosed\n")
    (folder / "societe-0300.yaml").write_text("name: S\nkind: clinet\ncolour: red\n")
    (folder / "societe-0450.yaml").write_text("name: S\nkind: client\nkind: client\n")
    os.symlink("/etc/hostname", folder / "societe-0100.yaml.tmp")
    os.replace(folder / "societe-0100.yaml.tmp", folder / "societe-0100.yaml")
    os.unlink(folder / "societe-0200.yaml")
    os.mkfifo(folder / "societe-0200.yaml")
    return tmp_path


def test_a_cold_run_reads_each_file_where_it_parses_it(repo: Path) -> None:
    cache = Cache(repo, tracked=False)
    deferred = read_sources(repo, cache, jobs=2, defer=True)
    assert deferred.pending and not deferred.raws
    settings, _ = load_settings(repo)
    assert settings is not None
    parsed = read_and_parse(deferred, settings.timezone, "fr", 2)
    assert not deferred.pending

    plain = read_sources(repo, None, jobs=1)
    assert deferred.table.paths == plain.table.paths
    assert deferred.table.stats == plain.table.stats
    assert deferred.table.digests == plain.table.digests
    assert deferred.notes == plain.notes and len(plain.notes) == 2
    assert deferred.files == plain.files
    assert deferred.read_now == len(plain.files)
    todo = [(f.kind, f.path, plain.raws[f.path]) for f in plain.files]
    assert parsed == dict(parse_all(todo, "Europe/Paris", "fr", 1))

    stored = FileTable.from_bytes(cache.load_bytes(FILES_CACHE))
    assert stored is not None
    assert stored.paths == plain.table.paths and stored.digests == plain.table.digests


def test_cold_warm_and_uncached_runs_print_the_same(carnet, repo: Path) -> None:
    cold = carnet("validate", "--format", "json", repo=repo)
    assert cold.exit_code == 1
    codes = {p["code"] for p in json.loads(cold.stdout)}
    assert {"yaml-syntax", "enum-invalid", "yaml-duplicate-key", "file-unreadable"} <= codes
    warm = carnet("validate", "--format", "json", repo=repo)
    assert warm.stdout == cold.stdout
    uncached = carnet("validate", "--format", "json", "--no-cache", repo=repo)
    assert uncached.stdout == cold.stdout
    for table in (repo / ".carnet-cache").glob(f"{FILES_CACHE}-*"):
        table.unlink()  # the answer stored, the file table gone: read again as it parses
    again = carnet("validate", "--format", "json", repo=repo)
    assert again.stdout == cold.stdout
