"""``carnet renew`` and the renewals table of ``carnet summary``."""

from __future__ import annotations

import click
from rich import box
from rich.table import Table

from generator.book.book import Book
from generator.book.renewals import RenewalState
from generator.cli.common import Env, day_of, load_valid, writing
from generator.cli.terminal import cell
from generator.locale import day_date, short_date


def renewals_table(book: Book, lang: str = "fr") -> Table | None:
    """The contracts to renew: overdue, then coming within the notice; ``None`` when
    there are none."""
    en = lang.startswith("en")
    due = [r for r in book.renewals.values() if r.reminds]
    if not due:
        return None
    table = Table(
        title="Renewals to do" if en else "Renouvellements à faire",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Date")
    table.add_column("State" if en else "État")
    table.add_column("User" if en else "Utilisateur")
    table.add_column(
        "Contract (carnet renew …)" if en else "Contrat (carnet renew …)", no_wrap=True
    )
    users = book.settings.users
    for renewal in sorted(due, key=lambda r: (r.state is not RenewalState.OVERDUE, r.due)):
        r = book.interactions[renewal.contract].record
        late = renewal.state is RenewalState.OVERDUE
        state = ("overdue" if en else "en retard") if late else ("coming" if en else "à venir")
        table.add_row(
            short_date(renewal.due, lang),
            cell(state, "bold red" if late else ""),
            cell(users[r.user].name if r.user in users else r.user),
            cell(renewal.contract),
        )
    return table


@click.command()
@click.argument("name")
@click.option(
    "--date", "day", help="Date de l'interaction suivante (défaut : la date de renouvellement)."
)
@click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")
@click.pass_obj
def renew(env: Env, name: str, day: str | None, no_commit: bool) -> None:
    """Renouvelle un contrat gagné : crée l'interaction suivante (renews:).

    Même contact, société, projet et sujet (et lignes de document), première étape du
    pipeline, datée du renouvellement (renewal:) ; enregistrée dans git.

    \b
    Exemples :
      carnet renew hebergement-cabinet-rousseau-2025
      carnet renew hebergement-cabinet-rousseau-2025 --date 2026-12-01
    """
    from generator.invoicing.renew import find_interaction
    from generator.invoicing.renew import renew as renew_contract

    when = day_of(day)
    with writing(env, commits=True, no_commit=no_commit) as session:
        _, book = load_valid(env)
        contract = find_interaction(env.repo, book, name)
        done = renew_contract(env.repo, book, contract, when, lang=env.lang)
        shown = day_date(done.day, env.lang or "fr")
        session.save(
            done.changes,
            f"Renouvellement de {contract.id} au {shown}",
            env.say(f"renouvelle {contract.id} au {shown}", f"renews {contract.id} on {shown}"),
        )
