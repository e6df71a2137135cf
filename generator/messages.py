"""Problem codes: stable code → severity, French and English texts (``messages.yaml``).

Codes are part of Carnet's interface (README lists them, editors and scripts match on
them): never rename one. Texts are ``str.format`` templates filled with the problem's
parameters; a hint may be ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from generator.problems import Severity


@dataclass(frozen=True, slots=True)
class Message:
    """The texts of one problem code."""

    severity: str
    fr: str
    en: str
    hint_fr: str | None = None
    hint_en: str | None = None
    family: str = "données"


def _load_catalogue() -> dict[str, Message]:
    path = Path(__file__).with_name("messages.yaml")
    entries = yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    return {
        code: Message(
            e["severity"], e["fr"], e["en"], e.get("hint_fr"), e.get("hint_en"), e["family"]
        )
        for code, e in entries.items()
    }


CATALOGUE: dict[str, Message] = _load_catalogue()
"""Every problem code, from ``messages.yaml`` (data, like the templates)."""


def render(code: str, lang: str, params: dict[str, Any]) -> tuple[str, str | None, Severity]:
    """Message, hint and default severity of ``code`` in ``lang`` (``fr`` or ``en``)."""
    from generator.problems import Severity

    entry = CATALOGUE[code]
    english = lang.startswith("en")
    template = entry.en if english else entry.fr
    hint_template = entry.hint_en if english else entry.hint_fr
    values = _Defaults(params)
    message = template.format_map(values)
    hint = hint_template.format_map(values) if hint_template else None
    return message, (hint or None), Severity(entry.severity)


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
        text = (entry.en if lang.startswith("en") else entry.fr).format_map(_Dots())
        rows.append(
            f"| `{code}` | {entry.severity} | {entry.family} | {text.replace('|', chr(92) + '|')} |"
        )
    return "\n".join(rows)
