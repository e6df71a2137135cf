"""Problems: what validation finds, where it is, and how it is printed.

A Problem is plain data. Checks return lists of them; nothing raises. A problem found
before positions are known carries a ``loc`` (the path of keys inside its file) and is
given its line and column later by :func:`generator.load.locate_problems`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from enum import StrEnum
from typing import Any

from generator.messages import render


class Severity(StrEnum):
    """How bad a problem is: errors fail a run, warnings fail it with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, located in a file of the repository (POSIX path relative to it)."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    loc: Loc | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md: exactly these seven keys."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    def format_text(self) -> str:
        """``path:line:col: severity: message [code]``, the hint on the next line."""
        text = (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )
        if self.hint:
            text += f"\n    {self.hint}"
        return text

    def to_data(self) -> list[Any]:
        """Plain JSON data for the cache (:meth:`from_data` reads it back)."""
        return [
            self.path,
            self.line,
            self.column,
            str(self.severity),
            self.code,
            self.message,
            self.hint,
            None if self.loc is None else list(self.loc),
        ]

    @classmethod
    def from_data(cls, data: list[Any]) -> Problem:
        """The problem :meth:`to_data` wrote."""
        path, line, column, severity, code, message, hint, loc = data
        return cls(
            path,
            line,
            column,
            Severity(severity),
            code,
            message,
            hint,
            None if loc is None else tuple(loc),
        )

    @property
    def is_error(self) -> bool:
        """True for errors (after ``--strict`` has been applied)."""
        return self.severity is Severity.ERROR


def make_problem(
    code: str,
    path: str,
    *,
    line: int = 1,
    column: int = 1,
    loc: Loc | None = None,
    severity: Severity | None = None,
    lang: str = "fr",
    **params: Any,
) -> Problem:
    """Build a problem whose message and hint come from the catalogue of ``code``."""
    message, hint, default_severity = render(code, lang, params)
    return Problem(
        path=path,
        line=line,
        column=column,
        severity=severity or default_severity,
        code=code,
        message=message,
        hint=hint,
        loc=loc,
    )


def did_you_mean(value: str, candidates: Iterable[str], lang: str = "fr") -> str:
    """A "did you mean" hint, or an empty string when nothing is close."""
    matches = get_close_matches(str(value), list(candidates), n=1, cutoff=0.6)
    if not matches:
        return ""
    return (
        f"did you mean '{matches[0]}'?"
        if lang.startswith("en")
        else f"vouliez-vous dire « {matches[0]} » ?"
    )


def apply_strict(problems: list[Problem]) -> list[Problem]:
    """``--strict``: data warnings become errors (environment notices stay ``info``)."""
    return [
        replace(p, severity=Severity.ERROR) if p.severity is Severity.WARNING else p
        for p in problems
    ]


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Stable, editor-friendly order: by path, then line, then column, then code."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def to_json(problems: list[Problem]) -> str:
    """The ``--format json`` output: a list of seven-key objects."""
    return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)


def count_by_severity(problems: list[Problem]) -> dict[Severity, int]:
    """How many problems of each severity."""
    counts = dict.fromkeys(Severity, 0)
    for p in problems:
        counts[p.severity] += 1
    return counts
