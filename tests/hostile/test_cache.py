"""Caches are data: a pickle committed to a data repository never runs, a cache that git
tracks is neither read nor written, ``--no-cache`` writes nothing (issue: security, 1)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from .conftest import ROOT, assert_no_crash, commit_all, git, snapshot


class _Payload:
    """Unpickling this creates ``canary``: proof that the cache ran code."""

    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.canary), "w"))


def _plant_pickles(repo: Path, canary: Path) -> None:
    """Pickles under every name a cache has had (pickle-era and JSON-era), committed."""
    payload = pickle.dumps(_Payload(canary))
    cache = repo / ".carnet-cache"
    cache.mkdir()
    for name in ("validate", "records", "history"):
        (cache / f"{name}.pickle").write_bytes(payload)
    stage = repo / "build" / ".carnet-site" / "0123456789ab"
    stage.mkdir(parents=True)
    (stage / "search-cache.pickle").write_bytes(payload)
    (stage / "search-cache.json").write_bytes(payload)
    git(repo, "add", "-f", ".carnet-cache", "build")
    commit_all(repo, "Un cache « utile »")


def test_a_committed_pickle_never_runs(repo: Path, outside: Path, carnet) -> None:
    canary = outside / "canary"
    _plant_pickles(repo, canary)
    for args in (("validate",), ("validate", "--no-cache"), ("summary",), ("build",)):
        result = carnet(repo, *args)
        assert_no_crash(result)
        assert not canary.exists(), args
    # the JSON-era names too: a pickle there is unreadable data, never code
    for path in (repo / ".carnet-cache").glob("*.pickle"):
        stem = path.stem
        path.rename(path.with_name(f"{stem}-ffffffffffffffffffffffffffffffff.json"))
    assert_no_crash(carnet(repo, "validate"))
    assert not canary.exists()


def test_no_pickle_in_carnet() -> None:
    """No module of Carnet imports pickle (a cache is JSON, always)."""
    for path in (ROOT / "generator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import pickle" not in text and "pickle." not in text, path


def test_a_tracked_cache_is_neither_read_nor_written(repo: Path, carnet) -> None:
    """A committed cache that says « no problem » for a broken file is not believed."""
    assert carnet(repo, "validate").exit_code == 0
    assert carnet(repo, "summary").exit_code == 0
    cache = repo / ".carnet-cache"
    records = next(cache.glob("records-*.json"))
    data = json.loads(records.read_text(encoding="utf-8"))
    company = "data/companies/mes-beaux-sapins.yaml"
    path = repo / company
    path.write_text(path.read_text(encoding="utf-8").replace("kind: client", "kind: 12"))
    # forge the entry of the broken file: its new digest, no problem
    from generator.files.cache import digest

    data["value"][company][0] = digest(path.read_bytes()).hex()
    records.write_text(json.dumps(data), encoding="utf-8")
    for stale in cache.glob("validate-*.json"):
        stale.unlink()
    git(repo, "add", "-f", ".carnet-cache")
    commit_all(repo, "Cache et société")
    before = snapshot(cache)
    result = carnet(repo, "validate", "--format", "json")
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)
    codes = {(p["path"], p["code"]) for p in problems}
    assert (company, "enum-invalid") in codes
    assert (".carnet-cache", "cache-tracked") in codes
    tracked = next(p for p in problems if p["code"] == "cache-tracked")
    assert tracked["severity"] == "warning" and "git rm" in tracked["hint"]
    assert snapshot(cache) == before  # nothing written into a tracked cache
    assert carnet(repo, "summary").exit_code == 1
    assert snapshot(cache) == before


def test_no_cache_writes_nothing_even_with_history(repo: Path, carnet) -> None:
    """The frozen-documents check reads git history: with --no-cache it caches nothing."""
    result = carnet(repo, "validate", "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (repo / ".carnet-cache").exists()


def test_a_symlinked_cache_writes_nothing_outside(repo: Path, outside: Path, carnet) -> None:
    (repo / ".carnet-cache").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    result = carnet(repo, "validate", "--format", "json")
    assert result.exit_code == 0, result.output
    assert snapshot(outside) == before
    assert "SECRET" not in result.output
