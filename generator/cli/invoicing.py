"""``carnet quote …``, ``carnet order issue`` and ``carnet invoice …``: the command line of
the sales documents. Parsing and printing only; the work is in :mod:`generator.invoicing`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.common import Env, day_of, issued_line, load_valid, writing

if TYPE_CHECKING:
    from rich.table import Table

    from generator.book.book import Book

_DATE = click.option("--date", "day", help="Date d'émission (AAAA-MM-JJ).")
_NO_COMMIT = click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")


def _issue(env: Env, name: str, day: str | None, no_commit: bool, kinds: tuple[str, ...]) -> None:
    from generator.documents.originals import archive_issued
    from generator.invoicing.drafting import find_document
    from generator.invoicing.issue import issue
    from generator.locale import document_label

    when = day_of(day)
    with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
        _, book = load_valid(env)
        entry = find_document(env.repo, book, name)
        done = issue(env.repo, book, entry, when, kinds=kinds, lang=env.lang)
        session.check_not_future(done.issued, "future-issue-date", day=done.issued)
        archive_issued(env.repo, book, done.changes)
        kind = entry.record.document.kind
        announce = issued_line(env, kind, done.number, done.issued)
        message = f"Émission {document_label(kind)} {done.number}"
        session.save(done.changes, message, announce)


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
    from generator.documents.originals import archive_issued
    from generator.invoicing.drafting import find_document
    from generator.invoicing.issue import accept

    when = day_of(day)
    with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
        _, book = load_valid(env)
        entry = find_document(env.repo, book, name)
        done, _order = accept(env.repo, book, entry, when, lang=env.lang)
        session.check_not_future(done.issued, "future-issue-date", day=done.issued)
        archive_issued(env.repo, book, done.changes)
        announce = env.say(f"commande {done.number}", f"order {done.number}")
        message = f"Commande {done.number} (devis accepté)"
        session.save(done.changes, message, announce)


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
    from generator.invoicing.drafting import find_document
    from generator.invoicing.split import parse_part, split_order
    from generator.problems import Refused

    if not parts:
        raise Refused("invoicing-split-parts-missing")
    specs = [parse_part(p) for p in parts]
    with writing(env) as session:
        _, book = load_valid(env)
        entry = find_document(env.repo, book, name)
        session.save(split_order(env.repo, book, entry, specs, lang=env.lang))


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
@click.option("--line", "lines", multiple=True, help="Ligne à créditer (1, 2…).")
@click.option("--amount", help="Montant TTC de l'avoir, réparti sur les taux de la facture.")
@click.option("--date", "day", help="Date prévue de l'avoir (AAAA-MM-JJ, défaut : aujourd'hui).")
@click.pass_obj
def invoice_credit(
    env: Env, name: str, lines: tuple[str, ...], amount: str | None, day: str | None
) -> None:
    """Prépare un avoir (brouillon) sur une facture émise : entière, des lignes ou un montant.

    \b
    Exemples :
      carnet invoice credit F2026-0002
      carnet invoice credit F2026-0002 --line 2
      carnet invoice credit F2026-0002 --amount 120,00
    """
    from generator.invoicing.credit import credit
    from generator.invoicing.drafting import find_document
    from generator.invoicing.parts import parse_line_number, parse_positive

    numbers = tuple(parse_line_number(text) for text in lines)
    what = ("montant de l'avoir", "credit note amount")
    value = parse_positive(amount, what=what) if amount is not None else None
    when = day_of(day)
    with writing(env) as session:
        _, book = load_valid(env)
        entry = find_document(env.repo, book, name)
        changes = credit(
            env.repo, book, entry, line_numbers=numbers, amount=value, day=when, lang=env.lang
        )
        session.save(changes)


@invoice.command("pay", context_settings={"ignore_unknown_options": True})
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
    from generator.invoicing.drafting import find_document
    from generator.invoicing.parts import parse_positive

    what = ("versement", "payment")
    value = parse_positive(amount, what=what)
    when = day_of(day)
    with writing(env) as session:
        _, book = load_valid(env)
        entry = find_document(env.repo, book, name)
        changes = pay(env.repo, book, entry, value, when, method=method, lang=env.lang)
        session.save(changes)


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
    from rich.console import Console

    _, book = load_valid(env)
    Console(width=160).print(_invoices_table(book, overdue_only=overdue, lang=env.lang or "fr"))


def _invoices_table(book: Book, *, overdue_only: bool, lang: str) -> Table:
    """The invoices (or the overdue ones) with total, paid, due, due date and state."""
    from rich.table import Table

    from generator.book.listing import buyer_name, invoice_rows
    from generator.cli.terminal import cell
    from generator.locale import INVOICE_STATE_LABELS as STATE_LABELS
    from generator.locale import document_label, money, short_date

    en = lang.startswith("en")
    table = Table(
        "Number" if en else "Numéro",
        "Kind" if en else "Nature",
        "Date",
        "Client",
        "Total TTC",
        "Paid" if en else "Payé",
        "Due" if en else "Dû",
        "Due date" if en else "Échéance",
        "State" if en else "État",
        title="Invoices" if en else "Factures",
    )
    for key in invoice_rows(book, overdue_only=overdue_only):
        entry = book.interactions[key]
        doc = entry.record.document
        status = book.invoices[key]
        client = buyer_name(book, entry.record.company, entry.record.contact)
        state = STATE_LABELS[status.state][1 if en else 0]
        if status.state == "overdue":
            state += f" ({status.days_late} j)" if not en else f" ({status.days_late} d)"
        table.add_row(
            cell(doc.number or key),
            document_label(doc.kind, lang),
            short_date(doc.issued, lang),
            cell(client),
            money(status.total, lang),
            money(status.paid, lang),
            money(status.due, lang),
            short_date(doc.due, lang),
            state,
        )
    return table


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
    from generator.invoicing.drafting import find_document
    from generator.invoicing.remind import write_reminder

    _, book = load_valid(env)
    entry = find_document(env.repo, book, name)
    click.echo(write_reminder(env.repo, book, entry, Path(out) if out else None))
