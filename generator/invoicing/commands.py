"""``carnet quote …``, ``carnet order issue`` and ``carnet invoice …``: the command line of
the sales documents. Parsing and printing only; the work is in the sibling modules."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from generator.cliutil import Env, load_valid, parse_day, refuse

if TYPE_CHECKING:
    from generator.edits import ChangeSet


def _run(env: Env, action: Callable[[], Any]) -> Any:
    """Run ``action``; a refusal becomes ``carnet: message`` and exit 1, nothing written."""
    from generator.edits import EditError
    from generator.invoicing.drafting import DocumentError

    try:
        return action()
    except (DocumentError, EditError, ValueError) as exc:
        refuse(str(exc))


def _find(env: Env, book: Any, name: str) -> Any:
    from generator.invoicing.drafting import find_document

    return _run(env, lambda: find_document(env.repo, book, name, env.lang))


def _write(env: Env, changes: ChangeSet) -> list[str]:
    paths = changes.write()
    for path in paths:
        click.echo(path)
    return paths


def _commit(env: Env, paths: list[str], message: str, no_commit: bool) -> None:
    from generator.gitcommit import CommitError, commit_paths

    if no_commit:
        click.echo(env.say("non enregistré dans git (--no-commit)", "not committed (--no-commit)"))
        return
    try:
        short = commit_paths(env.repo, paths, message)
    except CommitError as exc:
        click.echo(
            env.say(
                f"carnet: écrit mais pas enregistré dans git : {exc} (git commit {' '.join(paths)})",
                f"carnet: written but not committed: {exc} (git commit {' '.join(paths)})",
            ),
            err=True,
        )
        sys.exit(1)
    click.echo(env.say(f"enregistré dans git : {short}", f"committed: {short}"))


def _day(value: str | None) -> date | None:
    return parse_day(value) if value else None


_DATE = click.option("--date", "day", help="Date d'émission (AAAA-MM-JJ).")
_NO_COMMIT = click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")


def _issue(env: Env, name: str, day: str | None, no_commit: bool, kinds: tuple[str, ...]) -> None:
    from generator.invoicing.drafting import document_label
    from generator.invoicing.issue import issue

    _, book = load_valid(env)
    entry = _find(env, book, name)
    kind = entry.record.document.kind
    if kind not in kinds:
        refuse(f"« {entry.id} » est un(e) {document_label(kind, env.lang)}")
    done = _run(env, lambda: issue(env.repo, book, entry, _day(day), lang=env.lang))
    paths = _write(env, done.changes)
    click.echo(
        env.say(
            f"{document_label(kind)} {done.number} émis(e) le {done.issued.isoformat()}",
            f"{document_label(kind, 'en')} {done.number} issued on {done.issued.isoformat()}",
        )
    )
    _commit(env, paths, f"Émission {document_label(kind)} {done.number}", no_commit)


@click.group()
def quote() -> None:
    """Devis : émettre (numéroter), accepter (en faire la commande).

    \b
    Exemples :
      carnet quote issue devis-sapins-2026
      carnet quote accept D2026-0001
    """


@quote.command("issue")
@click.argument("name")
@_DATE
@_NO_COMMIT
@click.pass_obj
def quote_issue(env: Env, name: str, day: str | None, no_commit: bool) -> None:
    """Numérote un devis dans sa série (quote_pattern) et le date.

    \b
    Exemple :
      carnet quote issue devis-sapins-2026 --date 2026-03-02
    """
    _issue(env, name, day, no_commit, ("quote",))


@quote.command("accept")
@click.argument("name")
@_DATE
@_NO_COMMIT
@click.pass_obj
def quote_accept(env: Env, name: str, day: str | None, no_commit: bool) -> None:
    """Fait la commande d'un devis accepté (from:), numérotée dans la série des commandes.

    \b
    Exemple :
      carnet quote accept D2026-0001
    """
    from generator.invoicing.issue import accept

    _, book = load_valid(env)
    entry = _find(env, book, name)
    done, _order = _run(env, lambda: accept(env.repo, book, entry, _day(day), lang=env.lang))
    paths = _write(env, done.changes)
    click.echo(env.say(f"commande {done.number}", f"order {done.number}"))
    _commit(env, paths, f"Commande {done.number} (devis accepté)", no_commit)


@click.group()
def order() -> None:
    """Commandes saisies à la main : les numéroter.

    \b
    Exemple :
      carnet order issue commande-brotteaux
    """


@order.command("issue")
@click.argument("name")
@_DATE
@_NO_COMMIT
@click.pass_obj
def order_issue(env: Env, name: str, day: str | None, no_commit: bool) -> None:
    """Numérote une commande dans sa série (order_pattern).

    \b
    Exemple :
      carnet order issue commande-brotteaux
    """
    _issue(env, name, day, no_commit, ("order",))


@click.group()
def invoice() -> None:
    """Factures : facturer en plusieurs fois, émettre, créditer, encaisser, relancer.

    \b
    Exemples :
      carnet invoice split C2026-0001 --part 30%:2026-04-01 --part rest:2026-06-01
      carnet invoice issue commande-sapins-facture-1
      carnet invoice pay F2026-0001 1500,00 --date 2026-04-20
    """


@invoice.command("split")
@click.argument("name")
@click.option(
    "--part",
    "parts",
    multiple=True,
    required=True,
    help="PART:DATE[:due=AAAA-MM-JJ][:template=NOM][:label=TEXTE] ; PART = 30%, 1500 ou rest.",
)
@click.pass_obj
def invoice_split(env: Env, name: str, parts: tuple[str, ...]) -> None:
    """Facturer en plusieurs fois : acompte, intermédiaires et solde d'une commande.

    Crée des factures brouillons datées de leur date prévue, chacune avec sa part.

    \b
    Exemple :
      carnet invoice split C2026-0001 --part 30%:2026-04-01:due=2026-05-01:template=acompte \\
        --part 40%:2026-05-01 --part rest:2026-06-01
    """
    from generator.invoicing.split import parse_part, split_order

    _, book = load_valid(env)
    specs = _run(env, lambda: [parse_part(p) for p in parts])
    entry = _find(env, book, name)
    changes = _run(env, lambda: split_order(env.repo, book, entry, specs, lang=env.lang))
    _write(env, changes)


@invoice.command("issue")
@click.argument("name")
@_DATE
@_NO_COMMIT
@click.pass_obj
def invoice_issue(env: Env, name: str, day: str | None, no_commit: bool) -> None:
    """Émet une facture ou un avoir : numéro suivant, date, échéance, commit git.

    La date est --date, sinon la date prévue du brouillon, sinon aujourd'hui ; jamais
    avant la dernière facture émise.

    \b
    Exemple :
      carnet invoice issue commande-sapins-facture-1 --date 2026-04-01
    """
    kinds = (
        "invoice",
        "deposit_invoice",
        "intermediate_invoice",
        "balance_invoice",
        "credit_note",
    )
    _issue(env, name, day, no_commit, kinds)


@invoice.command("credit")
@click.argument("name")
@click.option("--line", "lines", multiple=True, type=int, help="Ligne à créditer (1, 2…).")
@click.option("--amount", help="Montant TTC de l'avoir, réparti sur les taux de la facture.")
@_DATE
@click.pass_obj
def invoice_credit(
    env: Env, name: str, lines: tuple[int, ...], amount: str | None, day: str | None
) -> None:
    """Prépare un avoir (brouillon) sur une facture émise : entière, des lignes ou un montant.

    \b
    Exemples :
      carnet invoice credit F2026-0002
      carnet invoice credit F2026-0002 --line 2
      carnet invoice credit F2026-0002 --amount 120,00
    """
    from generator.invoicing.credit import credit
    from generator.invoicing.split import parse_decimal

    _, book = load_valid(env)
    entry = _find(env, book, name)
    value = _run(env, lambda: parse_decimal(amount)) if amount is not None else None
    changes = _run(
        env,
        lambda: credit(
            env.repo, book, entry, line_numbers=lines, amount=value, day=_day(day), lang=env.lang
        ),
    )
    _write(env, changes)


@invoice.command("pay")
@click.argument("name")
@click.argument("amount")
@click.option("--date", "day", required=True, help="Date de réception (AAAA-MM-JJ).")
@click.option("--method", help="virement, chèque, carte…")
@click.pass_obj
def invoice_pay(env: Env, name: str, amount: str, day: str, method: str | None) -> None:
    """Enregistre un versement reçu (1500,00 ou 1500.00) ; un trop-perçu est refusé.

    \b
    Exemple :
      carnet invoice pay F2026-0001 1500,00 --date 2026-04-20 --method virement
    """
    from generator.invoicing.credit import pay
    from generator.invoicing.split import parse_decimal

    _, book = load_valid(env)
    entry = _find(env, book, name)
    value = _run(env, lambda: parse_decimal(amount))
    changes = _run(
        env, lambda: pay(env.repo, book, entry, value, parse_day(day), method=method, lang=env.lang)
    )
    _write(env, changes)


@invoice.command("list")
@click.option("--overdue", is_flag=True, help="Seulement les factures en retard.")
@click.pass_obj
def invoice_list(env: Env, overdue: bool) -> None:
    """Liste les factures et avoirs : total, payé, dû, échéance, état.

    \b
    Exemples :
      carnet invoice list
      carnet invoice list --overdue
    """
    from generator.invoicing.listing import print_invoices

    _, book = load_valid(env)
    print_invoices(book, overdue_only=overdue, lang=env.lang or "fr")


@invoice.command("remind")
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Dossier du PDF (défaut : build/documents).",
)
@click.pass_obj
def invoice_remind(env: Env, name: str, out: str | None) -> None:
    """Lettre de relance (PDF) d'une facture impayée : montants dus, pénalités, indemnité.

    \b
    Exemple :
      carnet invoice remind F2026-0001
    """
    from pathlib import Path

    from generator.documents.render import render_reminder
    from generator.yamlio import atomic_write

    _, book = load_valid(env)
    entry = _find(env, book, name)
    status = book.invoices.get(entry.id)
    if status is None or not status.issued:
        refuse(f"« {entry.id} » n'est pas une facture émise")
    if status.due <= 0:
        refuse(f"{entry.record.document.number} est soldée : rien à relancer")
    target = Path(out) if out else env.repo / "build" / "documents"
    path = target / f"{entry.record.document.number}.relance.pdf"
    atomic_write(path, render_reminder(book, entry.id))
    click.echo(path)


COMMANDS = (quote, order, invoice)
"""The groups :mod:`generator.cli` registers."""
