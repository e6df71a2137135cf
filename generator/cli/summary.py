"""The one-screen summary ``make site`` prints: records, open work, problems."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from generator.cli.terminal import cell
from generator.load import LoadResult
from generator.problems import count_by_severity
from generator.schema import KINDS


def print_summary(result: LoadResult, repo: Path, lang: str = "fr") -> None:
    """Print records per kind, open interactions per user and the problem counts."""
    en = lang.startswith("en")
    console = Console(highlight=False)
    book = result.book
    kinds = Table(title="Records" if en else "Fiches", title_justify="left")
    kinds.add_column("Kind" if en else "Nature")
    kinds.add_column("Files" if en else "Fichiers", justify="right")
    for kind in KINDS:
        label = kind.label_en if en else kind.label_fr
        kinds.add_row(label, str(result.files.get(kind.name, 0)))
    console.print(kinds)
    if book is not None:
        users = Table(
            title="Open interactions per user"
            if en
            else "Interactions non terminées par utilisateur",
            title_justify="left",
        )
        users.add_column("User" if en else "Utilisateur")
        users.add_column("Open" if en else "Ouvertes", justify="right")
        users.add_column("Overdue" if en else "En retard", justify="right")
        open_counts = book.open_interactions_by_user()
        for user_id, user in book.settings.users.items():
            overdue = sum(
                1
                for i in book.interactions_by_user.get(user_id, ())
                if book.interactions[i].record.state != "done"
                and book.interactions[i].record.date < book.today
            )
            users.add_row(cell(user.name), str(open_counts.get(user_id, 0)), str(overdue))
        console.print(users)
    counts = count_by_severity(result.problems)
    errors, warnings = counts["error"], counts["warning"]  # type: ignore[index]
    if en:
        console.print(
            f"Problems: {errors} error(s), {warnings} warning(s) — details: carnet validate"
        )
    else:
        console.print(
            f"Problèmes : {errors} erreur(s), {warnings} avertissement(s) — détail : carnet validate"
        )
    console.print(cell(f"Dépôt : {repo.resolve()}" if not en else f"Repository: {repo.resolve()}"))
