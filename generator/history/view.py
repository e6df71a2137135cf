"""What ``carnet history`` shows: a record's field-level changes, or everything changed
since a date, and each change's cells as short lines of text.

The command line (:mod:`generator.cli.history`) resolves the record's name, prints the
table and the notice; values, authors and paths come from git, possibly from a stranger,
and are shown there as inert text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.files.layout import SETTINGS_PATH, kind_of
from generator.history.fielddiff import ADDED, DELETED, RENAMED
from generator.history.reader import history_notice, load_history
from generator.history.trail import FieldChange
from generator.problems import Problem

_MAX_TEXT = 60
_WHOLE = {
    "fr": {ADDED: "(création)", DELETED: "(suppression)", RENAMED: "(renommage)"},
    "en": {ADDED: "(created)", DELETED: "(deleted)", RENAMED: "(renamed)"},
}
_NOTES = {
    "fr": {"conflict": "(conflit non résolu)", "": "(modification)"},
    "en": {"conflict": "(unresolved conflict)", "": "(changed)"},
}
_UNREADABLE = {"fr": "(YAML illisible)", "en": "(unreadable YAML)"}


@dataclass(frozen=True, slots=True)
class HistoryView:
    """The changes to show; without a history, the ``info`` notice saying why (if any)."""

    changes: list[FieldChange]
    available: bool = True
    notice: Problem | None = None


def record_history(
    repo: Path, path: str | None, since: date | None, lang: str = "fr"
) -> HistoryView:
    """The changes of the record file ``path`` (those from ``since`` on, when given), or of
    every record since ``since`` when ``path`` is ``None``. Without git: no change and the
    notice (``None`` when there is nothing to say)."""
    history = load_history(repo)
    if history is None:
        return HistoryView([], False, history_notice(repo, lang))
    with history:
        if path is not None:
            changes = history.changes_of(path)
            if since is not None:
                changes = [c for c in changes if c.when.date() >= since]
        else:
            changes = history.since(since or date.min)
    return HistoryView(changes)


def field_label(change: FieldChange, lang: str = "fr") -> str:
    """The Champ cell: the dotted field, or what happened to the whole record."""
    if change.field:
        return change.field
    if change.note.startswith("invalid"):
        return _UNREADABLE[lang]
    return _WHOLE[lang].get(change.kind) or _NOTES[lang].get(change.note, change.note)


def record_label(path: str) -> str:
    """``data/companies/x.yaml`` → ``company/x`` (the name used on the command line)."""
    if path == SETTINGS_PATH:
        return "settings"
    kind = kind_of(path)
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"{kind}/{name}" if kind else path


def shown(value: Any, lang: str = "fr") -> str:
    """A value as one short line of text (``—`` for none)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        text = ", ".join(shown(v, lang) for v in value) or "[]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {shown(v, lang)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    first = text.strip().split("\n", 1)[0]
    if len(first) > _MAX_TEXT or first != text.strip():
        first = first[: _MAX_TEXT - 1].rstrip() + "…"
    return first
