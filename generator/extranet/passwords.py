"""Extranet passwords: from an environment variable or ``.carnet-secrets.yaml``, never
from the data; weak ones are refused unless explicitly allowed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

SECRETS_FILE = ".carnet-secrets.yaml"
MIN_LENGTH = 12
COMMON = frozenset(
    {
        "123456789012",
        "motdepasse123",
        "motdepasse1234",
        "password1234",
        "azertyuiop12",
        "qwertyuiop12",
        "000000000000",
        "111111111111",
        "123412341234",
        "administrateur",
        "extranet2026!",
        "extranetclient",
        "bienvenue1234",
        "soleil123456",
        "changezmoi123",
        "iloveyou1234",
        "passwordpassword",
        "azertyazerty",
        "0123456789ab",
        "abcdefghijkl",
    }
)
"""A small list of passwords too common to protect anything (all at least 12 long)."""


@dataclass(frozen=True, slots=True)
class ProjectPassword:
    """Where a project's password came from, and whether it is acceptable."""

    password: str | None
    source: str
    weak_reason: str | None


def read_secrets(repo: Path) -> dict[str, str]:
    """``{project: password}`` from ``.carnet-secrets.yaml`` (git-ignored), if any."""
    path = repo / SECRETS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if v is not None}


def weakness(password: str) -> str | None:
    """Why ``password`` is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"moins de {MIN_LENGTH} caractères"
    if password.lower() in COMMON or len(set(password)) < 4:
        return "mot de passe trop courant"
    return None


def password_for(repo: Path, project_id: str, password_env: str | None) -> ProjectPassword:
    """The project's password: its environment variable first, then the secrets file."""
    if password_env and os.environ.get(password_env):
        value = os.environ[password_env]
        return ProjectPassword(value, f"${password_env}", weakness(value))
    secrets = read_secrets(repo)
    if project_id in secrets:
        value = secrets[project_id]
        return ProjectPassword(value, SECRETS_FILE, weakness(value))
    return ProjectPassword(None, "", None)
