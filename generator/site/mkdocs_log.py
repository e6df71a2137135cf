"""What MkDocs says while it builds, kept: its warnings collected, and its refusals of a
configuration turned into problems located in the repository's ``mkdocs.yml``."""

from __future__ import annotations

import logging
import re

from generator.problems import Problem
from generator.site.config import SiteConfig


class Collector(logging.Handler):
    """Keeps the message of every warning (and worse) MkDocs logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_CONFIG_VALUE = re.compile(r"Config value '([^']+)': (.*)", re.DOTALL)


def refusals(messages: list[str], summary: str, site_config: SiteConfig) -> list[Problem]:
    """MkDocs' complaints about its configuration, as problems of ``mkdocs.yml``."""
    found = [m for m in map(_CONFIG_VALUE.match, messages) if m]
    if not found:
        return [site_config.locate("", summary)]
    return [site_config.locate(m[1], _first_and_last(m[2])) for m in found]


def _first_and_last(detail: str) -> str:
    """MkDocs' message without the traceback it sometimes carries."""
    lines = [line.strip() for line in detail.strip().splitlines() if line.strip()]
    return " ".join(lines[:1] + lines[-1:]) if len(lines) > 1 else "".join(lines)
