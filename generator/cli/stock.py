"""The ``carnet stock …`` and ``carnet delivery new`` commands: parse, call, print, exit.

Every command starts from valid data (:func:`generator.cli.common.load_valid`), refuses bad
input with one line and exit 1 (exit 2 for an unknown or ambiguous record name, with
the candidates), writes all its files or none, and prints each path it wrote.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.common import (
    Env,
    day_of,
    issued_line,
    load_valid,
    parse_day,
    print_problems,
    shown,
    writing,
)
from generator.problems import Refused

if TYPE_CHECKING:
    from rich.table import Table

    from generator.files.edits import ChangeSet
    from generator.stock.records import MovementPlan
    from generator.stock.views import StockReport, StockRow

PIPED_WIDTH = 160
SERIALS_SHOWN = 6


def _day(env: Env, value: str | None) -> date:
    return parse_day(value, env.lang) if value else env.today


def _changes(env: Env, plan: MovementPlan) -> ChangeSet:
    """The plan's new file as a change set (not written yet); its warnings printed."""
    from generator.stock.records import plan_changes

    changes = plan_changes(env.repo, plan)
    for fr, en in plan.warnings:
        click.echo(env.say(fr, en), err=True)
    return changes


DATE_OPTION = click.option("--date", "day", help="Date du mouvement (défaut : aujourd'hui).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def stock() -> None:
    """Stock et numéros de série : réceptions, expéditions, validation, état, rapports.

    \b
    Exemples :
      carnet stock receive achat-selfibox-2027 --serials selfibox=SBX-27-0001..SBX-27-0003
      carnet stock ship bl-facture-selfibox-coteaux
      carnet stock validate sortie-2026-0011
      carnet stock status
      carnet stock report --format pdf,xlsx
    """


@stock.command()
@click.argument("purchase")
@click.option("--line", "lines", multiple=True, metavar="N=QTÉ", help="Ligne N reçue (partiel).")
@click.option(
    "--serials", multiple=True, metavar="PRODUIT=NUMÉROS", help="SN-0001..SN-0050 ou SN-1,SN-7."
)
@DATE_OPTION
@click.pass_obj
def receive(
    env: Env, purchase: str, lines: tuple[str, ...], serials: tuple[str, ...], day: str | None
) -> None:
    """Mouvement entrant brouillon depuis un bon de commande fournisseur.

    Sans --line, tout ce qui reste attendu sur chaque ligne de produit géré en stock ;
    un produit suivi par numéro de série en reçoit autant que de numéros donnés.

    \b
    Exemples :
      carnet stock receive achat-tablettes-hotel-bellecour --serials tablette-pro-10=TB10-0001..TB10-0006
      carnet stock receive achat-sapins-noel-2026 --line 1=40 --line 3=20
    """
    from generator.stock.receive import parse_line_options, plan_receipt
    from generator.stock.records import find
    from generator.stock.serials import parse_assignments

    quantities = parse_line_options(lines)
    assigned = parse_assignments(serials)
    when = _day(env, day)
    with writing(env) as session:
        _, book = load_valid(env)
        entry = find(book, purchase, "interaction", numbers=True)
        session.save(_changes(env, plan_receipt(book, entry, quantities, assigned, when)))


@stock.command()
@click.argument("delivery_note")
@DATE_OPTION
@click.pass_obj
def ship(env: Env, delivery_note: str, day: str | None) -> None:
    """Mouvement sortant brouillon depuis un bon de livraison (numéros de série gardés).

    \b
    Exemple :
      carnet stock ship BL2026-0001
    """
    from generator.stock.records import find
    from generator.stock.ship import plan_shipment

    when = parse_day(day, env.lang) if day else None
    with writing(env) as session:
        _, book = load_valid(env)
        entry = find(book, delivery_note, "interaction", numbers=True)
        session.save(_changes(env, plan_shipment(book, entry, when)))


@stock.command(name="validate")
@click.argument("movement")
@click.option("--no-commit", is_flag=True, help="Valide sans enregistrer le fichier dans git.")
@click.pass_obj
def validate_command(env: Env, movement: str, no_commit: bool) -> None:
    """Valide un mouvement brouillon si le stock reste juste, puis l'enregistre dans git.

    Refusé (chemin:ligne:colonne) si le stock passait sous zéro, si un numéro de série
    sortant n'est pas en stock ou si un numéro reçu y est déjà.

    \b
    Exemples :
      carnet stock validate entree-2026-0005
      carnet stock validate sortie-2026-0010 --no-commit
    """
    from generator.stock.records import find
    from generator.stock.validate import plan_validation

    with writing(env, commits=True, no_commit=no_commit) as session:
        _, book = load_valid(env)
        entry = find(book, movement, "movement")
        planned = plan_validation(env.repo, book, entry, env.lang or "fr")
        if planned.problems:
            print_problems(planned.problems)
            raise Refused("stock-not-validated", id=entry.id)
        day = entry.record.date
        session.check_not_future(day, "future-movement", id=entry.id, day=day)
        message = env.say(f"Mouvement {entry.id} validé", f"Movement {entry.id} validated")
        session.save(planned.changes, message)


@stock.command()
@click.argument("product", required=False)
@click.option("--at", "at", help="État à la fin de cette date (AAAA-MM-JJ).")
@click.pass_obj
def status(env: Env, product: str | None, at: str | None) -> None:
    """État du stock : en stock, seuil d'alerte, stock souhaité, à commander, numéros de série.

    \b
    Exemples :
      carnet stock status
      carnet stock status tablette-pro-10
    """
    from rich.console import Console

    from generator.stock.views import product_status

    day = parse_day(at, env.lang) if at else None
    _, book = load_valid(env)
    report = product_status(book, product, day)
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    console.print(status_table(report, env.lang or "fr", full_serials=product is not None))


_HEADERS = {
    "fr": ("Produit", "En stock", "Seuil d'alerte", "Stock souhaité", "À commander", "N° de série"),
    "en": ("Product", "On hand", "Alert level", "Desired stock", "To reorder", "Serials"),
}


def _state_label(state: str, key: str) -> str | None:
    from generator.stock.views import LOW, OUT

    labels = {
        "fr": {OUT: "hors stock", LOW: "bientôt hors stock"},
        "en": {OUT: "out of stock", LOW: "soon out of stock"},
    }
    return labels[key].get(state)


def _serials(row: StockRow, full: bool) -> str:
    if not row.serial_tracked:
        return ""
    if full or len(row.serials) <= SERIALS_SHOWN:
        return ", ".join(row.serials) or "—"
    rest = len(row.serials) - SERIALS_SHOWN
    return ", ".join(row.serials[:SERIALS_SHOWN]) + f", … (+{rest})"


def status_table(report: StockReport, lang: str = "fr", *, full_serials: bool = False) -> Table:
    """One row per product: on hand (with its alert), alert level, desired, to reorder."""
    from rich.table import Table
    from rich.text import Text

    from generator import locale as fmt
    from generator.cli.terminal import cell
    from generator.stock.views import OUT

    key = "en" if lang.startswith("en") else "fr"
    title = ("Stock on " if key == "en" else "Stock au ") + fmt.short_date(report.at, lang)
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(_HEADERS[key]):
        table.add_column(header, justify="right" if 1 <= index <= 4 else "left", overflow="fold")
    for row in report.rows:
        level = Text(
            f"{fmt.number(row.on_hand, lang)} {fmt.unit_label(row.unit, row.on_hand, lang)}"
        )
        state = _state_label(row.state, key)
        if state:
            level.append(f" ({state})", style="bold red" if row.state == OUT else "yellow")
        table.add_row(
            cell(f"{row.name} ({row.id})"),
            level,
            Text(fmt.number(row.alert_level, lang)),
            Text(fmt.number(row.desired, lang)),
            Text(fmt.number(row.to_reorder, lang) if row.to_reorder else ""),
            cell(_serials(row, full_serials)),
        )
    return table


@stock.command()
@click.option(
    "--format", "formats", default="pdf,xlsx", show_default=True, help="pdf, xlsx ou les deux."
)
@click.option("--at", "at", help="État à la fin de cette date (défaut : aujourd'hui).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des rapports (défaut : build/stock).",
)
@click.pass_obj
def report(env: Env, formats: str, at: str | None, out: Path | None) -> None:
    """Rapports de stock : hors stock, bientôt hors stock, à commander, numéros de série, valeur.

    Écrit build/stock/stock-<date>.pdf et stock-<date>.xlsx (classeur filtrable, une
    feuille par vue).

    \b
    Exemples :
      carnet stock report
      carnet stock report --format xlsx --at 2026-06-30 --out /tmp/stock
    """
    from generator.cli.progress import progress
    from generator.files.output import output_dir
    from generator.stock.report import parse_formats, write_reports

    chosen = parse_formats(formats)
    day = parse_day(at, env.lang) if at else None
    _, book = load_valid(env)
    target = output_dir(env.repo, "stock", out=out)
    with progress(env) as step:
        written = write_reports(book, chosen, target, day, env.lang or "fr", progress=step)
    for path in written:
        click.echo(shown(env.repo, path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def delivery() -> None:
    """Bons de livraison : depuis une commande ou une facture, ou saisis à la main.

    \b
    Exemples :
      carnet delivery new F2026-0042 --serials selfibox=SBX-26-00102
      carnet delivery issue bl-salon-mariage-2026
    """


@delivery.command(name="new")
@click.argument("source")
@click.option(
    "--serials", multiple=True, metavar="PRODUIT=NUMÉROS", help="Numéros livrés, parmi le stock."
)
@click.option("--date", "day", help="Date du bon (défaut : aujourd'hui).")
@click.option("--no-commit", is_flag=True, help="N'enregistre pas le bon dans git.")
@click.pass_obj
def new_delivery(
    env: Env, source: str, serials: tuple[str, ...], day: str | None, no_commit: bool
) -> None:
    """Bon de livraison depuis une commande ou une facture, numéroté dans sa série.

    Reprend les lignes de produits gérés en stock qui restent à livrer ; un produit suivi
    par numéro de série exige --serials (numéros choisis parmi ceux en stock). Le bon
    émis est enregistré dans git (sauf --no-commit).

    \b
    Exemples :
      carnet delivery new F2026-0042 --serials selfibox=SBX-26-00102
      carnet delivery new commande-sapins-mbs-2026
    """
    from generator.documents.originals import archive_issued
    from generator.stock.delivery import plan_delivery_note
    from generator.stock.records import find
    from generator.stock.serials import parse_assignments

    assigned = parse_assignments(serials)
    when = _day(env, day)
    with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
        session.check_not_future(when, "future-delivery-date", day=when)
        _, book = load_valid(env)
        entry = find(book, source, "interaction", numbers=True)
        plan = plan_delivery_note(book, entry, assigned, when)
        number = plan.data["document"]["number"]
        message = env.say(f"Bon de livraison {number}", f"Delivery note {number}")
        changes = _changes(env, plan)
        archive_issued(env.repo, book, changes)
        session.save(changes, message)


@delivery.command(name="issue")
@click.argument("name")
@click.option(
    "--date", "day", help="Date d'émission (défaut : date prévue du bon, sinon aujourd'hui)."
)
@click.option("--no-commit", is_flag=True, help="N'enregistre pas le bon dans git.")
@click.pass_obj
def issue_delivery(env: Env, name: str, day: str | None, no_commit: bool) -> None:
    """Numérote un bon de livraison saisi à la main (delivery_pattern) et le date.

    Même série que « delivery new », continue et chronologique ; le bon émis est
    enregistré dans git (sauf --no-commit).

    \b
    Exemple :
      carnet delivery issue bl-salon-mariage-2026 --date 2026-11-24
    """
    from generator.documents.originals import archive_issued
    from generator.invoicing.drafting import find_document
    from generator.invoicing.issue import issue

    when = day_of(day)
    with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
        _, book = load_valid(env)
        entry = find_document(env.repo, book, name)
        done = issue(env.repo, book, entry, when, kinds=("delivery_note",), lang=env.lang)
        session.check_not_future(done.issued, "future-issue-date", day=done.issued)
        archive_issued(env.repo, book, done.changes)
        kind = entry.record.document.kind
        announce = issued_line(env, kind, done.number, done.issued)
        message = env.say(f"Bon de livraison {done.number}", f"Delivery note {done.number}")
        session.save(done.changes, message, announce)
