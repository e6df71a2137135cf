"""``carnet history``: a record's field-level history, or everything changed since a date.

Printed as a rich table (Date, Champ, Avant, Après, Auteur, Commit; a Fiche column first
for ``--since``), French by default. On a terminal rich sizes it to the window; piped, it
is plain text without colours, wide enough not to wrap. Values, authors and paths come
from git, possibly from a stranger: each cell is inert text (no markup, no escape).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from rich.console import Console
from rich.table import Table

from generator.book.naming import RecordNameError, resolve_in
from generator.cli.terminal import cell
from generator.files.layout import SETTINGS_PATH, kind_of
from generator.history.fielddiff import ADDED, DELETED, RENAMED
from generator.history.trail import FieldChange, history_notice, load_history
from generator.problems import printable

_MAX_TEXT = 60
_PIPED_WIDTH = 250
_WHOLE = {
    "fr": {ADDED: "(création)", DELETED: "(suppression)", RENAMED: "(renommage)"},
    "en": {ADDED: "(created)", DELETED: "(deleted)", RENAMED: "(renamed)"},
}
_NOTES = {
    "fr": {"conflict": "(conflit non résolu)", "": "(modification)"},
    "en": {"conflict": "(unresolved conflict)", "": "(changed)"},
}
_UNREADABLE = {"fr": "(YAML illisible)", "en": "(unreadable YAML)"}
_HEADERS = {
    "fr": ("Fiche", "Date", "Champ", "Avant", "Après", "Auteur", "Commit"),
    "en": ("Record", "Date", "Field", "Before", "After", "Author", "Commit"),
}
_UNCOMMITTED = {"fr": "non validé", "en": "uncommitted"}


def show_history(repo: Path, record_name: str | None, since: date | None, lang: str = "fr") -> int:
    """Print the history of ``record_name`` (or of every record since ``since``).

    Returns the exit code: 2 for an unknown or ambiguous record (the message, with its
    candidates, goes to stderr), else 0 — without git the ``info`` notice goes to stderr.
    """
    lang = "en" if lang.startswith("en") else "fr"
    path = None
    if record_name is not None:
        try:
            path = resolve_in(repo, record_name).path
        except RecordNameError as exc:
            print(f"carnet: {printable(exc.message(lang))}", file=sys.stderr)
            return 2
    history = load_history(repo)
    if history is None:
        notice = history_notice(repo, lang)
        if notice is not None:
            print(notice.format_text(), file=sys.stderr)
        return 0
    with history:
        if path is not None:
            changes = history.changes_of(path)
            if since is not None:
                changes = [c for c in changes if c.when.date() >= since]
        else:
            changes = history.since(since or date.min)
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = _PIPED_WIDTH
    if not changes:
        console.print(cell(_nothing(record_name, since, lang)))
        return 0
    console.print(
        changes_table(
            changes, lang, title=_title(record_name, since, lang), with_record=path is None
        )
    )
    return 0


def changes_table(
    changes: list[FieldChange], lang: str = "fr", *, title: str = "", with_record: bool = False
) -> Table:
    """A rich table of ``changes`` (a Fiche column first when ``with_record``)."""
    headers = _HEADERS[lang]
    table = Table(title=cell(title) if title else None, title_justify="left")
    for header in headers if with_record else headers[1:]:
        table.add_column(header, overflow="fold")
    for change in changes:
        row = [
            format_datetime(change.when, "short", locale="fr_FR" if lang == "fr" else "en"),
            field_label(change, lang),
            shown(change.old, lang),
            shown(change.new, lang),
            change.author or "—",
            change.short or _UNCOMMITTED[lang],
        ]
        cells = [record_label(change.path)] if with_record else []
        table.add_row(*(cell(text) for text in [*cells, *row]))
    return table


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


def _title(record_name: str | None, since: date | None, lang: str) -> str:
    locale = "fr_FR" if lang == "fr" else "en"
    when = format_date(since, "long", locale=locale) if since else ""
    if record_name is not None:
        head = f"Historique de {record_name}" if lang == "fr" else f"History of {record_name}"
        return head + ((" depuis le " if lang == "fr" else " since ") + when if since else "")
    return f"Modifications depuis le {when}" if lang == "fr" else f"Changes since {when}"


def _nothing(record_name: str | None, since: date | None, lang: str) -> str:
    if lang == "en":
        return (
            "No change"
            + (f" of {record_name}" if record_name else "")
            + (f" since {since.isoformat()}" if since else "")
        )
    return (
        "Aucune modification"
        + (f" de {record_name}" if record_name else "")
        + (f" depuis le {format_date(since, 'long', locale='fr_FR')}" if since else "")
    )
