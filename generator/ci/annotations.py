"""Problems as the CI platforms show them on the files: GitHub Actions workflow commands
(``carnet validate --format github``) and a GitLab Code Quality report
(``carnet validate --format gitlab``).

GitHub reads ``::error file=…,line=…,col=…,title=…::message`` lines on standard output
and puts each one on its line of the pull request's diff; in a command's message ``%``,
CR and LF are written ``%25``, ``%0D`` and ``%0A``, and in its properties ``:`` and ``,``
too (``%3A``, ``%2C``). GitLab reads a JSON list of CodeClimate issues (``description``,
``check_name``, ``fingerprint``, ``severity``, ``location.path``, ``location.lines.begin``)
from the job's ``codequality`` report and shows it in the merge request. Its fingerprint
tells GitLab which problems are new: it is the same for the same problem from one run to
the next, even when lines above it moved (code, path and message, and the rank among
identical ones, never the line).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from generator.problems import Problem, Severity, printable

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """One workflow command: ``::error file=p,line=l,col=c,title=code::message`` (the
    hint on the message's second line). Control characters of the data are shown as
    escapes first, so a value can never start a command of its own."""
    message = printable(problem.message)
    if problem.hint:
        message += "\n" + printable(problem.hint)
    properties = ",".join(
        f"{name}={_escape_property(value)}"
        for name, value in (
            ("file", printable(problem.path)),
            ("line", str(problem.line)),
            ("col", str(problem.column)),
            ("title", problem.code),
        )
    )
    return f"::{_GITHUB_LEVEL[problem.severity]} {properties}::{_escape_data(message)}"


def github_annotations(problems: list[Problem]) -> str:
    """Every problem as a workflow command, one per line."""
    return "\n".join(github_annotation(p) for p in problems)


def fingerprint(problem: Problem, rank: int = 0) -> str:
    """A stable identifier of ``problem``: its code, path and message (and ``rank``, its
    place among identical ones), never its line, which moves when lines are added above."""
    key = "\0".join((problem.code, problem.path, problem.message, str(rank)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def code_quality(problems: list[Problem]) -> list[dict[str, object]]:
    """The GitLab Code Quality issues of ``problems`` (CodeClimate's format)."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues: list[dict[str, object]] = []
    for problem in problems:
        key = (problem.code, problem.path, problem.message)
        rank = seen[key]
        seen[key] += 1
        description = problem.message + (f" ({problem.hint})" if problem.hint else "")
        issues.append(
            {
                "type": "issue",
                "description": description,
                "check_name": problem.code,
                "fingerprint": fingerprint(problem, rank),
                "severity": _GITLAB_SEVERITY[problem.severity],
                "location": {"path": problem.path, "lines": {"begin": problem.line}},
            }
        )
    return issues


def code_quality_json(problems: list[Problem]) -> str:
    """:func:`code_quality` as JSON text."""
    return json.dumps(code_quality(problems), ensure_ascii=False, indent=2)
