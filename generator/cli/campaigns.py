"""``carnet campaign``: preview, send, export, bounces, unsubscribes."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich import box
from rich.console import Console
from rich.table import Table

from generator.cli.common import Env, load_valid, writing
from generator.cli.terminal import cell
from generator.problems import Refused, text

if TYPE_CHECKING:
    from generator.book.book import Book

REASONS = {
    "no-email": ("pas d'adresse e-mail", "no e-mail address"),
    "opted-out": ("désinscrit (opt-out)", "opted out"),
    "no-consent": ("pas de consentement (opt-in)", "no consent (opt-in)"),
    "disabled": ("adresse désactivée (retours)", "address disabled (bounces)"),
    "duplicate": ("adresse déjà destinataire", "duplicate address"),
    "excluded": ("exclu à la main", "excluded by hand"),
}


def reason_text(reason: str, en: bool) -> str:
    """The words for why a contact is left out."""
    fr, english = REASONS[reason]
    return english if en else fr


@click.group(name="campaign")
def campaign() -> None:
    """Campagnes d'e-mails : aperçu, envoi, export, retours et désinscriptions.

    Les campagnes sont décrites dans data/campaigns/<id>.yaml.

    \b
    Exemples :
      carnet campaign preview voeux-2027
      carnet campaign send voeux-2027 --smtp smtp.example.fr:587 --starttls --yes
    """


@campaign.command()
@click.argument("name")
@click.option("--as", "as_contact", help="Affiche le message tel que ce contact le recevra.")
@click.pass_obj
def preview(env: Env, name: str, as_contact: str | None) -> None:
    """Destinataires d'une campagne, exclus avec la raison, et un message rendu.

    \b
    Exemples :
      carnet campaign preview voeux-2027
      carnet campaign preview voeux-2027 --as jeanne-sapin
    """
    from generator.campaigns.naming import find

    _, book = load_valid(env)
    campaign_id = find(env.repo, "campaign", name)
    audience = book.audiences[campaign_id]
    console = Console(soft_wrap=True, highlight=False)
    if as_contact is not None:
        _print_message(env, book, campaign_id, find(env.repo, "contact", as_contact))
        return
    table = Table(
        title=env.say("Destinataires", "Recipients"), title_justify="left", box=box.SIMPLE_HEAD
    )
    table.add_column("Contact")
    table.add_column(env.say("Nom", "Name"))
    table.add_column(env.say("Adresse", "Address"))
    for r in audience.recipients:
        table.add_row(
            cell(r.contact), cell(book.contacts[r.contact].record.full_name), cell(r.address)
        )
    console.print(table)
    if audience.excluded:
        left = Table(title=env.say("Exclus", "Left out"), title_justify="left", box=box.SIMPLE_HEAD)
        left.add_column("Contact")
        left.add_column(env.say("Raison", "Reason"))
        for contact, reason in audience.excluded:
            left.add_row(cell(contact), cell(reason_text(reason.value, env.en)))
        console.print(left)
    summary = text(
        "campaign-preview-summary",
        env.lang,
        recipients=len(audience.recipients),
        excluded=len(audience.excluded),
    )
    console.print(cell(summary))


def _print_message(env: Env, book: Book, campaign_id: str, contact: str) -> None:
    from generator.campaigns.message import build_message, merge_all

    audience = book.audiences[campaign_id]
    found = [r for r in audience.recipients if r.contact == contact]
    if not found:
        reason = dict(audience.excluded).get(contact)
        raise Refused(
            "campaign-not-recipient",
            contact=contact,
            campaign=campaign_id,
            reason=reason_text(reason.value, env.en)
            if reason
            else env.say("hors cible", "not targeted"),
        )
    merged = merge_all(book, env.repo, campaign_id, found, env.lang or "fr")
    message = build_message(book, campaign_id, found[0], merged[0], _now(env))
    for header in ("From", "To", "Reply-To", "Subject", "Message-ID", "List-Unsubscribe"):
        if message[header] is not None:
            click.echo(f"{header}: {message[header]}")
    click.echo("")
    click.echo(message.get_body(("plain",)).get_content().rstrip())  # type: ignore[union-attr]


def _now(env: Env) -> datetime:
    """Now, on ``--today``'s date when it was given."""
    now = datetime.now().astimezone()
    return now.replace(year=env.today.year, month=env.today.month, day=env.today.day)


@campaign.command()
@click.argument("name")
@click.option("--smtp", "smtp", help="Serveur SMTP, HÔTE:PORT.")
@click.option("--starttls", is_flag=True, help="Chiffre la connexion avec STARTTLS.")
@click.option("--ssl", "use_ssl", is_flag=True, help="Connexion chiffrée dès le départ (SMTPS).")
@click.option("--user", help="Identifiant SMTP.")
@click.option("--password-env", help="Variable d'environnement qui contient le mot de passe SMTP.")
@click.option("--rate", help="Débit maximal, par exemple 30/min.")
@click.option("--retry-uncertain", is_flag=True, help="Renvoie aussi les messages « en cours ».")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Écrit les messages dans build/campaigns/<id>.mbox sans rien envoyer.",
)
@click.option("--yes", is_flag=True, help="Envoie sans demander de confirmation.")
@click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")
@click.pass_obj
def send(
    env: Env,
    name: str,
    smtp: str | None,
    starttls: bool,
    use_ssl: bool,
    user: str | None,
    password_env: str | None,
    rate: str | None,
    retry_uncertain: bool,
    dry_run: bool,
    yes: bool,
    no_commit: bool,
) -> None:
    """Envoie une campagne, un message par destinataire, par un serveur SMTP.

    Le journal data/campaigns/<id>.sent.yaml permet de reprendre un envoi interrompu ;
    il est enregistré dans git à la fin.

    \b
    Exemples :
      carnet campaign send voeux-2027 --dry-run
      carnet campaign send voeux-2027 --smtp smtp.example.fr:587 --starttls \\
          --user contact@atelier-dupont.fr --password-env SMTP_PASSWORD --rate 30/min
    """
    from generator.campaigns import sending
    from generator.campaigns.naming import find

    if dry_run:
        _, book = load_valid(env)
        campaign_id = find(env.repo, "campaign", name)
        path, count = sending.dry_run(
            env.repo, book, campaign_id, now=lambda: _now(env), lang=env.lang or "fr"
        )
        click.echo(
            path.relative_to(env.repo).as_posix() if path.is_relative_to(env.repo) else str(path)
        )
        click.echo(text("campaign-dry-run", env.lang, count=count))
        return
    if smtp is None:
        raise click.UsageError(
            env.say(
                "--smtp HÔTE:PORT est nécessaire (ou --dry-run)",
                "--smtp HOST:PORT is needed (or --dry-run)",
            )
        )
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise Refused("campaign-password-missing", variable=password_env)
    security = "ssl" if use_ssl else "starttls" if starttls else "none"
    server = sending.parse_server(smtp, security=security, user=user, password=password)
    pause = sending.parse_rate(rate)
    with writing(env, commits=True, no_commit=no_commit) as hold:
        _, book = load_valid(env)
        campaign_id = find(env.repo, "campaign", name)
        todo = sending.plan(book, campaign_id, retry_uncertain=retry_uncertain)
        if todo.already_sent:
            click.echo(text("campaign-already-sent", env.lang, count=len(todo.already_sent)))
        if todo.uncertain:
            click.echo(
                text(
                    "campaign-uncertain",
                    env.lang,
                    count=len(todo.uncertain),
                    contacts=", ".join(todo.uncertain),
                    retry="yes" if retry_uncertain else "no",
                )
            )
        count = len(todo.to_send)
        click.echo(text("campaign-to-send", env.lang, count=count, server=smtp))
        if count and not yes:
            if not sys.stdin.isatty():
                raise Refused("campaign-confirm-needed", count=count)
            click.confirm(env.say("Envoyer ?", "Send?"), abort=True)
        outcome = sending.send(
            env.repo,
            book,
            campaign_id,
            server,
            retry_uncertain=retry_uncertain,
            pause=pause,
            lang=env.lang or "fr",
        )
        if outcome.changes is not None:
            hold.save(
                outcome.changes,
                f"Campagne {campaign_id} : {text('campaign-sent', 'fr', count=outcome.sent)}",
                text("campaign-sent", env.lang, count=outcome.sent),
            )
        if outcome.failure is not None:
            raise Refused(
                "campaign-smtp-failed", server=smtp, detail=outcome.failure, sent=outcome.sent
            )


@campaign.command(name="export")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv"]),
    default="csv",
    show_default=True,
    help="Format de sortie.",
)
@click.pass_obj
def export(env: Env, name: str, fmt: str) -> None:
    """Les destinataires d'une campagne pour un outil d'envoi externe (mêmes exclusions).

    \b
    Exemple :
      carnet campaign export voeux-2027 --format csv > destinataires.csv
    """
    from generator.campaigns.export import recipients_csv
    from generator.campaigns.naming import find

    _, book = load_valid(env)
    click.echo(recipients_csv(book, find(env.repo, "campaign", name)), nl=False)


@campaign.command()
@click.argument("name")
@click.argument("mailbox_path", metavar="MAILBOX", type=click.Path(path_type=Path))
@click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")
@click.pass_obj
def bounces(env: Env, name: str, mailbox_path: Path, no_commit: bool) -> None:
    """Lit les avis de non-remise d'une boîte (mbox ou Maildir) et les inscrit aux contacts.

    Chaque avis est rapproché d'un message de la campagne (Message-ID, puis
    destinataire) ; ceux qui ne le sont pas sont listés, jamais devinés.

    \b
    Exemple :
      carnet campaign bounces voeux-2027 ~/Mail/retours.mbox
    """
    from generator.campaigns.naming import find
    from generator.campaigns.replies import record_bounces

    with writing(env, commits=True, no_commit=no_commit) as hold:
        _, book = load_valid(env)
        campaign_id = find(env.repo, "campaign", name)
        found = record_bounces(env.repo, book, campaign_id, mailbox_path)
        _report(env, found.recorded, found.unmatched, found.known)
        if found.recorded:
            hold.save(
                found.changes,
                f"Campagne {campaign_id} : {text('campaign-bounces-recorded', 'fr', count=len(found.recorded))}",
            )


@campaign.command()
@click.argument("mailbox_path", metavar="MAILBOX", type=click.Path(path_type=Path))
@click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")
@click.pass_obj
def unsubscribes(env: Env, mailbox_path: Path, no_commit: bool) -> None:
    """Inscrit un opt-out pour chaque demande de désinscription d'une boîte (mbox ou Maildir).

    \b
    Exemple :
      carnet campaign unsubscribes ~/Mail/desinscriptions.mbox
    """
    from generator.campaigns.replies import record_unsubscribes

    with writing(env, commits=True, no_commit=no_commit) as hold:
        _, book = load_valid(env)
        found = record_unsubscribes(env.repo, book, mailbox_path)
        _report(env, found.recorded, found.unmatched, found.known)
        if found.recorded:
            hold.save(
                found.changes,
                text("campaign-unsubscribes-recorded", "fr", count=len(found.recorded)),
            )


def _report(env: Env, recorded: list[str], unmatched: list[str], known: int) -> None:
    for line in recorded:
        click.echo(cell(line).plain)
    if known:
        click.echo(text("campaign-replies-known", env.lang, count=known))
    if unmatched:
        click.echo(text("campaign-replies-unmatched", env.lang, count=len(unmatched)))
        for line in unmatched:
            click.echo("  " + cell(line).plain)
    if not recorded:
        click.echo(env.say("rien de nouveau à enregistrer", "nothing new to record"))
