"""The ``carnet stock …`` and ``carnet delivery new`` commands: parse, call, print, exit.

Every command starts from valid data (:func:`generator.cli.common.load_valid`), refuses bad
input with one line and exit 1 (exit 2 for an unknown or ambiguous record name, with
the candidates), writes all its files or none, and prints each path it wrote.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator.cli.common import Env, load_valid, parse_day, refuse, refuse_future, writing

if TYPE_CHECKING:
    from generator.files.edits import ChangeSet


def _day(env: Env, value: str | None) -> date:
    return parse_day(value) if value else env.today


@contextmanager
def _refusals(env: Env) -> Iterator[None]:
    """Turn the library's refusals into one line and an exit code."""
    from generator.book.naming import RecordNameError
    from generator.files.edits import EditError
    from generator.stock import StockError

    try:
        yield
    except RecordNameError as exc:
        click.echo(f"carnet: {exc.message(env.lang or 'fr')}", err=True)
        sys.exit(2)
    except StockError as exc:
        refuse(exc.message(env.lang))
    except EditError as exc:
        refuse(exc.message(env.lang))


def _changes(env: Env, plan: Any) -> ChangeSet:
    """The plan's new file as a change set (not written yet); its warnings printed."""
    from generator.files.edits import ChangeSet

    changes = ChangeSet(env.repo)
    changes.create(plan.path, plan.data, comment=plan.comment)
    _flow_serials(changes.edit(plan.path))
    for fr, en in plan.warnings:
        click.echo(env.say(fr, en), err=True)
    return changes


SHORT_LINE_SERIALS = 3


def _flow_serials(node: Any) -> None:
    """Serials as ``[SN-1, SN-2]`` (the layout of FORMAT.md); a movement line with a few
    serials on one line: ``- {product: selfibox, quantity: 1, serials: [SBX-0002]}``."""
    holder = node.get("document", node)
    for line in holder.get("lines", ()):
        serials = line.get("serials")
        if serials is None:
            continue
        serials.fa.set_flow_style()
        if "document" not in node and len(serials) <= SHORT_LINE_SERIALS:
            line.fa.set_flow_style()


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

    with _refusals(env):
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

    with _refusals(env):
        when = parse_day(day) if day else None
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
    from generator.stock.validate import validation, would_be_problems

    with _refusals(env), writing(env, commits=True, no_commit=no_commit) as session:
        _, book = load_valid(env)
        entry = find(book, movement, "movement")
        changes = validation(env.repo, entry)
        problems = would_be_problems(env.repo, book, entry, env.lang or "fr")
        if problems:
            for problem in problems:
                click.echo(problem.format_text(), err=True)
            refuse(env.say(f"« {entry.id} » non validé", f"'{entry.id}' not validated"))
        day = entry.record.date
        refuse_future(
            env,
            day,
            f"le mouvement « {entry.id} » du {day.isoformat()}",
            f"movement '{entry.id}' of {day.isoformat()}",
        )
        message = env.say(f"Mouvement {entry.id} validé", f"Movement {entry.id} validated")
        session.save(changes, message)


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
    from dataclasses import replace

    from generator.stock.records import find
    from generator.stock.status import print_status
    from generator.stock.views import stock_report

    with _refusals(env):
        day = parse_day(at) if at else None
        _, book = load_valid(env)
        report = stock_report(book, day)
        if product is not None:
            entry = find(book, product, "product")
            if not entry.record.stock_managed:
                refuse(
                    env.say(
                        f"« {entry.id} » n'est pas géré en stock",
                        f"'{entry.id}' is not stock-managed",
                    )
                )
            report = replace(report, rows=tuple(r for r in report.rows if r.id == entry.id))
    print_status(report, env.lang or "fr", full_serials=product is not None)


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
    from generator.stock.report import parse_formats, write_reports

    with _refusals(env):
        chosen = parse_formats(formats)
        day = parse_day(at) if at else None
        _, book = load_valid(env)
        target = out if out is not None else env.repo / "build" / "stock"
        written = write_reports(book, chosen, target, day, env.lang or "fr")
    for path in written:
        click.echo(_shown(env.repo, path))


def _shown(repo: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return str(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def delivery() -> None:
    """Bons de livraison : depuis une commande ou une facture, avec les numéros de série.

    \b
    Exemple :
      carnet delivery new F2026-0042 --serials selfibox=SBX-26-00102
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
    from generator.stock.delivery import plan_delivery_note
    from generator.stock.records import find
    from generator.stock.serials import parse_assignments

    with _refusals(env):
        assigned = parse_assignments(serials)
        when = _day(env, day)
        with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
            shown = when.isoformat()
            refuse_future(env, when, f"la date du bon {shown}", f"the note's date {shown}")
            _, book = load_valid(env)
            entry = find(book, source, "interaction", numbers=True)
            plan = plan_delivery_note(book, entry, assigned, when)
            number = plan.data["document"]["number"]
            message = env.say(f"Bon de livraison {number}", f"Delivery note {number}")
            session.save(_changes(env, plan), message)


COMMANDS: tuple[Callable[..., Any], ...] = (stock, delivery)
