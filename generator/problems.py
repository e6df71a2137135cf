"""Problems: what validation finds, where it is, and how it is printed.

The message catalogue (``messages.yaml``: stable code → severity, family, French and
English texts) lives here too: codes are part of Carnet's interface (README lists them,
editors and scripts match on them), never rename one.

A Problem is plain data. Checks return lists of them; nothing raises. A problem found
before positions are known carries a ``loc`` (the path of keys inside its file) and is
given its line and column later by :func:`generator.load.locate_problems`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import get_close_matches
from enum import StrEnum
from pathlib import Path
from typing import Any

from generator.locale import day_date, expand


class Severity(StrEnum):
    """How bad a problem is: errors fail a run, warnings fail it with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """The texts of one code: a problem's, or a refusal's (severity ``refused`` or
    ``usage``)."""

    severity: str
    fr: str
    en: str
    hint_fr: str | None = None
    hint_en: str | None = None
    family: str = "données"


def packaged_data(source: Path, parse: Callable[[bytes], Any]) -> Any:
    """The data ``parse`` makes of the package file ``source`` (a catalogue of texts),
    parsed once per content: kept as JSON in ``__pycache__`` beside it, named by its
    digest as Python keeps its bytecode. JSON reads ten times faster than YAML and never
    runs anything; a folder that cannot be written only means parsing each time."""
    raw = source.read_bytes()
    key = hashlib.blake2b(raw, digest_size=12).hexdigest()
    folder = source.parent / "__pycache__"
    kept = folder / f"{source.parent.name}.{source.name}.{key}.json"
    try:
        return json.loads(kept.read_bytes())
    except (OSError, ValueError):
        pass
    data = parse(raw)
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob(f"{source.parent.name}.{source.name}.*.json"):
            old.unlink(missing_ok=True)
        temporary = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, kept)
    except OSError:
        pass
    return data


def _parse_catalogue(raw: bytes) -> dict[str, dict[str, str]]:
    import yaml

    return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _load_catalogue() -> dict[str, Message]:
    entries = packaged_data(Path(__file__).with_name("messages.yaml"), _parse_catalogue)
    return {
        code: Message(
            e["severity"], e["fr"], e["en"], e.get("hint_fr"), e.get("hint_en"), e["family"]
        )
        for code, e in entries.items()
    }


CATALOGUE: dict[str, Message] = _load_catalogue()
"""Every problem code, from ``messages.yaml`` (data, like the templates)."""


REFUSAL_KINDS = {"refused": 1, "usage": 2}
"""Catalogue severities of refusals, with the exit code each gives (the others are
problems' severities, and :data:`TEXT`)."""
TEXT = "text"
"""Catalogue severity of a command's own output (a summary line, a count): words only."""


def render_text(code: str, lang: str, params: dict[str, Any]) -> tuple[str, str | None]:
    """Message and hint of ``code`` in ``lang`` (``fr`` or ``en``)."""
    entry = CATALOGUE[code]
    english = (lang or "fr").startswith("en")
    template = entry.en if english else entry.fr
    hint_template = entry.hint_en if english else entry.hint_fr
    values = _Defaults({k: day_date(v, lang) if _is_day(v) else v for k, v in params.items()})
    message = expand(template, lang, values).format_map(values)
    hint = expand(hint_template, lang, values).format_map(values) if hint_template else None
    return message, (hint or None)


def text(code: str, lang: str | None = "fr", **params: Any) -> str:
    """The catalogue's text ``code`` (a command's output, severity ``text``) in ``lang``."""
    return render_text(code, lang or "fr", params)[0]


def render(code: str, lang: str, params: dict[str, Any]) -> tuple[str, str | None, Severity]:
    """Message, hint and default severity of the problem ``code`` in ``lang``."""
    message, hint = render_text(code, lang, params)
    return message, hint, Severity(CATALOGUE[code].severity)


class Refused(Exception):
    """An operation refused, nothing written: raised by the library, turned into
    ``carnet: message`` (and its hint) and an exit code by the command line alone.

    ``code`` names an entry of the catalogue whose severity is ``refused`` (exit 1) or
    ``usage`` (exit 2: a name or a value the command cannot read); ``params`` fill its
    texts, cut short like a problem's (:func:`clip`).
    """

    def __init__(self, code: str, **params: Any) -> None:
        entry = CATALOGUE[code]
        if entry.severity not in REFUSAL_KINDS:
            raise ValueError(f"{code} is not a refusal of the catalogue")
        super().__init__(code)
        self.code = code
        self.params = _clipped(params)

    @property
    def exit_code(self) -> int:
        """1 for a refusal, 2 for a usage error."""
        return REFUSAL_KINDS[CATALOGUE[self.code].severity]

    def text(self, lang: str | None = "fr") -> tuple[str, str | None]:
        """The message and its hint in ``lang``."""
        return render_text(self.code, lang or "fr", self.params)

    def message(self, lang: str | None = "fr") -> str:
        """The message in ``lang`` (without the hint)."""
        return self.text(lang)[0]

    def __str__(self) -> str:
        return self.message("fr")


class _Defaults(dict[str, Any]):
    """Format parameters where a missing one renders as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def markdown_table(lang: str = "fr") -> str:
    """The README's table of problem codes (one row per code)."""

    class _Dots(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "…"

    rows = []
    for code, entry in CATALOGUE.items():
        if entry.severity in REFUSAL_KINDS or entry.severity == TEXT:
            continue
        template = entry.en if lang.startswith("en") else entry.fr
        shown = expand(template, lang, {}, missing="…").format_map(_Dots())
        rows.append(
            f"| `{code}` | {entry.severity} | {entry.family} | {shown.replace('|', chr(92) + '|')} |"
        )
    return "\n".join(rows)


QUOTE_LIMIT = 40
"""At most this many characters of a value are quoted in a message."""
_LONGER_PARAMS = {
    **dict.fromkeys(("id", "found", "quoted"), 100),
    "field": 160,
    **dict.fromkeys(("file", "other", "suggestion", "known", "expected", "missing"), 300),
    **dict.fromkeys(("allowed", "folders", "detail", "hint", "hint_en", "reason"), 300),
    "reason_en": 300,
}
"""Parameters that are paths, ids or our own composed text: a longer (still bounded) cut."""
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
"""Control characters (C0, DEL, C1), line separators and bidirectional controls."""
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
"""The same without C0, which JSON always escapes (and whose newline lays the list out)."""


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
        """``path:line:col: severity: message [code]``, the hint on the next line.

        Safe for a terminal: control characters coming from the data are escaped.
        """
        text = printable(
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )
        if self.hint:
            text += f"\n    {printable(self.hint)}"
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
    """Build a problem whose message and hint come from the catalogue of ``code``.

    Every parameter is cut short (:func:`clip`): a message never quotes a whole value,
    which may be a secret or megabytes long.
    """
    message, hint, default_severity = render(code, lang, _clipped(params))
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


def _clipped(params: dict[str, Any]) -> dict[str, Any]:
    """Every parameter as text cut short: a message never quotes a whole value, which may
    be a secret or megabytes long. A date stays a date, written in the message's language
    (« 25 novembre 2026 ») when it is rendered."""
    return {
        name: value
        if _is_day(value)
        else clip(value if isinstance(value, str) else str(value), _LONGER_PARAMS.get(name))
        for name, value in params.items()
    }


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def clip(text: str, limit: int | None = None) -> str:
    """``text`` cut to ``limit`` characters (:data:`QUOTE_LIMIT` by default), ending in « … »."""
    limit = limit or QUOTE_LIMIT
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control, line-separator and bidirectional
    characters become visible escapes (``\\x1b``, ``\\u202e``), so that data can neither
    send escape sequences nor reorder what is displayed. One line stays one line."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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
    """The ``--format json`` output: a list of seven-key objects.

    Exact JSON (the strings decode to the very same text); the characters that JSON
    allows raw but a terminal would obey (DEL, C1, bidirectional controls) are written as
    ``\\uXXXX`` escapes, like the C0 ones.
    """
    text = json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def count_by_severity(problems: list[Problem]) -> dict[Severity, int]:
    """How many problems of each severity."""
    counts = dict.fromkeys(Severity, 0)
    for p in problems:
        counts[p.severity] += 1
    return counts
