"""Where the shipped templates are: ``site_templates/`` (package data)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def templates_dir() -> Path:
    """The ``site_templates`` folder, installed or in a source checkout."""
    return Path(str(files("site_templates")))
