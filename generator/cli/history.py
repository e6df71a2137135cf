"""``carnet history``: a record's field-level history, or everything changed since a date.

Printed as a rich table (Date, Champ, Avant, Après, Auteur, Commit; a Fiche column first
for ``--since``), French by default. On a terminal rich sizes it to the window; piped, it
is plain text without colours, wide enough not to wrap. Values, authors and paths are
read in git, possibly written by a stranger: each cell is inert text (no markup, no
escape).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from generator.cli.common import Env, parse_day, require_repo

if TYPE_CHECKING:
    from rich.table import Table

    from generator.history.trail import FieldChange

_PIPED_WIDTH = 250
_HEADERS = {
    "fr": ("Fiche", "Date", "Champ", "Avant", "Après", "Auteur", "Commit"),
    "en": ("Record", "Date", "Field", "Before", "After", "Author", "Commit"),
}
_UNCOMMITTED = {"fr": "non validé", "en": "uncommitted"}


@click.command()
@click.argument("record", required=False)
@click.option("--since", help="Tout ce qui a changé depuis cette date (AAAA-MM-JJ).")
@click.pass_obj
def history(env: Env, record: str | None, since: str | None) -> None:
    """Historique champ par champ d'une fiche, ou de toute l'entreprise, depuis git.

    \b
    Exemples :
      carnet history company/mes-beaux-sapins
      carnet history --since 2026-11-01
    """
    from rich.console import Console

    from generator.book.naming import resolve_in
    from generator.cli.terminal import cell
    from generator.history.view import record_history

    require_repo(env)
    if record is None and since is None:
        raise click.UsageError(
            env.say("indiquez une fiche ou --since DATE", "give a record or --since DATE")
        )
    since_date = parse_day(since, env.lang) if since else None
    lang = "en" if env.en else "fr"
    path = resolve_in(env.repo, record).path if record is not None else None
    view = record_history(env.repo, path, since_date, lang)
    if not view.available:
        if view.notice is not None:
            click.echo(view.notice.format_text(), err=True)
        return
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = _PIPED_WIDTH
    if not view.changes:
        console.print(cell(_nothing(record, since_date, lang)))
        return
    title = _title(record, since_date, lang)
    console.print(changes_table(view.changes, lang, title=title, with_record=path is None))


def changes_table(
    changes: list[FieldChange], lang: str = "fr", *, title: str = "", with_record: bool = False
) -> Table:
    """A rich table of ``changes`` (a Fiche column first when ``with_record``)."""
    from babel.dates import format_datetime
    from rich.table import Table

    from generator.cli.terminal import cell
    from generator.history.view import field_label, record_label, shown

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


def _title(record_name: str | None, since: date | None, lang: str) -> str:
    from generator.locale import day_date

    when = day_date(since, lang)
    if record_name is not None:
        head = f"Historique de {record_name}" if lang == "fr" else f"History of {record_name}"
        return head + ((" depuis le " if lang == "fr" else " since ") + when if since else "")
    return f"Modifications depuis le {when}" if lang == "fr" else f"Changes since {when}"


def _nothing(record_name: str | None, since: date | None, lang: str) -> str:
    from generator.locale import day_date

    if lang == "en":
        return (
            "No change"
            + (f" of {record_name}" if record_name else "")
            + (f" since {day_date(since, lang)}" if since else "")
        )
    return (
        "Aucune modification"
        + (f" de {record_name}" if record_name else "")
        + (f" depuis le {day_date(since, lang)}" if since else "")
    )
