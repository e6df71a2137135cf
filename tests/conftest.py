"""Shared fixtures: the bundled example business, pinned dates, hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)

hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the bundled example business (never the working tree)."""
    target = tmp_path_factory.mktemp("example") / "repo"
    shutil.copytree(ROOT / "data", target / "data")
    return target


@pytest.fixture
def runner() -> CliRunner:
    """Click's runner: commands run in-process."""
    return CliRunner()


@pytest.fixture
def carnet(runner: CliRunner):
    """Run ``carnet ARGS…`` in-process with ``--today`` pinned."""
    from generator.cli.main import main

    def invoke(*args: str, repo: Path | None = None):
        base = ["--today", TODAY.isoformat()]
        if repo is not None:
            base = ["--repo", str(repo), *base]
        return runner.invoke(main, [*base, *args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example business's site with its documents' PDFs, built once per session (in a
    git repository)."""
    from test_site_build import build, make_repo

    from generator.cli.main import main

    repo = make_repo(tmp_path_factory.mktemp("site") / "repo")
    documents = CliRunner().invoke(
        main, ["--repo", str(repo), "--today", TODAY.isoformat(), "documents"]
    )
    assert documents.exit_code == 0, documents.output
    result = build(CliRunner(), repo, "--strict")
    assert result.exit_code == 0, result.output
    return repo / "build" / "site"
