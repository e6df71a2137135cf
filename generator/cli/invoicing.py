"""``carnet quote …``, ``carnet order issue`` and ``carnet invoice …``: the command line of
the sales documents. Parsing and printing only; the work is in the sibling modules."""

from __future__ import annotations

from datetime import date

import click

from generator.cli.common import Env, load_valid, refuse, refuse_future, writing
from generator.cli.running import day_of, find, run, usage, write

_ISSUING = {
    "quote": "quote issue",
    "order": "order issue",
    **{
        k: "invoice issue"
        for k in ("invoice", "deposit_invoice", "intermediate_invoice", "balance_invoice")
    },
    "credit_note": "invoice issue",
}


_DATE = click.option("--date", "day", help="Date d'émission (AAAA-MM-JJ).")
_NO_COMMIT = click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")


def _issue(env: Env, name: str, day: str | None, no_commit: bool, kinds: tuple[str, ...]) -> None:
    from generator.invoicing.drafting import document_label, wrong_kind
    from generator.invoicing.issue import issue

    when = day_of(env, day)
    with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
        _, book = load_valid(env)
        entry = find(env, book, name)
        kind = entry.record.document.kind
        if kind not in kinds:
            command = _ISSUING.get(kind)
            hint = f" : carnet {command} {entry.id}" if command else ""
            hint_en = f": carnet {command} {entry.id}" if command else ""
            refuse(wrong_kind(entry, kinds[0]).message(env.lang) + env.say(hint, hint_en))
        done = run(env, lambda: issue(env.repo, book, entry, when, lang=env.lang))
        _not_in_future(env, done.issued)
        announce = env.say(
            f"{document_label(kind)} {done.number} émis(e) le {done.issued.isoformat()}",
            f"{document_label(kind, 'en')} {done.number} issued on {done.issued.isoformat()}",
        )
        message = f"Émission {document_label(kind)} {done.number}"
        session.save(done.changes, message, announce)


def _not_in_future(env: Env, issued: date) -> None:
    """An issue date after the real clock's is refused unless --allow-future-date."""
    shown = issued.isoformat()
    refuse_future(env, issued, f"la date d'émission {shown}", f"the issue date {shown}")


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

    when = day_of(env, day)
    with writing(env, commits=True, no_commit=no_commit, issuing=True) as session:
        _, book = load_valid(env)
        entry = find(env, book, name)
        done, _order = run(env, lambda: accept(env.repo, book, entry, when, lang=env.lang))
        _not_in_future(env, done.issued)
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
    from generator.invoicing.split import parse_part, split_order

    if not parts:
        usage(
            env.say(
                "indiquez les parts : --part 30%:AAAA-MM-JJ --part rest:AAAA-MM-JJ",
                "give the parts: --part 30%:YYYY-MM-DD --part rest:YYYY-MM-DD",
            )
        )
    specs = run(env, lambda: [parse_part(p) for p in parts])
    with writing(env):
        _, book = load_valid(env)
        entry = find(env, book, name)
        changes = run(env, lambda: split_order(env.repo, book, entry, specs, lang=env.lang))
        write(env, changes)


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
    from generator.invoicing.parts import parse_positive

    numbers = tuple(_line_number(env, text) for text in lines)
    what = ("montant de l'avoir", "credit note amount")
    value = run(env, lambda: parse_positive(amount, what=what)) if amount is not None else None
    when = day_of(env, day)
    with writing(env):
        _, book = load_valid(env)
        entry = find(env, book, name)
        changes = run(
            env,
            lambda: credit(
                env.repo, book, entry, line_numbers=numbers, amount=value, day=when, lang=env.lang
            ),
        )
        write(env, changes)


def _line_number(env: Env, text: str) -> int:
    """A ``--line`` value: a line number from 1 (a usage error otherwise)."""
    if not text.strip().isdigit() or not text.strip().isascii():
        usage(
            env.say(
                f"--line « {text} » : un numéro de ligne (1, 2…)",
                f"--line '{text}': a line number (1, 2…)",
            )
        )
    return int(text)


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
    from generator.invoicing.parts import parse_positive

    what = ("versement", "payment")
    value = run(env, lambda: parse_positive(amount, what=what))
    when = day_of(env, day)
    with writing(env):
        _, book = load_valid(env)
        entry = find(env, book, name)
        changes = run(
            env, lambda: pay(env.repo, book, entry, value, when, method=method, lang=env.lang)
        )
        write(env, changes)


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

    from generator.documents.kinds import DocumentError as RenderError
    from generator.documents.kinds import ResourceRefused, reminder_name
    from generator.documents.render import render_reminder
    from generator.files.yamlio import atomic_write

    _, book = load_valid(env)
    entry = find(env, book, name)
    status = book.invoices.get(entry.id)
    doc = entry.record.document
    if status is None or status.is_credit_note:
        refuse(
            env.say(
                f"« {entry.id} » n'est pas une facture : rien à relancer",
                f"'{entry.id}' is not an invoice: nothing to remind",
            )
        )
    if not status.issued:
        refuse(
            env.say(
                f"la facture « {entry.id} » n'est pas émise : rien à relancer",
                f"invoice '{entry.id}' is not issued: nothing to remind",
            )
        )
    if status.due <= 0:
        refuse(
            env.say(
                f"{doc.number} est soldée : rien à relancer",
                f"{doc.number} is settled: nothing to remind",
            )
        )
    target = Path(out) if out else env.repo / "build" / "documents"
    path = target / reminder_name(entry)
    try:
        atomic_write(path, render_reminder(book, entry.id))
    except ResourceRefused as exc:
        refuse(exc.message(env.lang or "fr"))
    except RenderError as exc:
        refuse(str(exc))
    except OSError as exc:
        refuse(
            env.say(
                f"impossible d'écrire {path} ({exc.strerror})",
                f"cannot write {path} ({exc.strerror})",
            )
        )
    click.echo(path)


COMMANDS = (quote, order, invoice)
"""The groups :mod:`generator.cli.main` registers."""
