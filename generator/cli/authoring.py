"""``carnet init``, ``carnet new``, ``carnet link`` and ``carnet unlink``: parse, ask (on a
terminal, through questionary), call :mod:`generator.authoring`, print, exit."""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from generator.cli.common import Env, day_of, print_problems, require_repo, writing
from generator.problems import Refused


def _interactive(no_input: bool) -> bool:
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def _ask(env: Env, given: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Ask every question of ``carnet init`` that no option answered (questionary), each
    with its default already typed."""
    import questionary

    from generator.authoring.firm import QUESTIONS, answer_error

    lang = "en" if env.en else "fr"
    answers = dict(given)
    for question in QUESTIONS:
        if answers.get(question.key) is not None:
            continue

        def valid(text: str, key: str = question.key, required: bool = question.required) -> Any:
            if not text.strip():
                return not required or ("required" if env.en else "obligatoire")
            return answer_error(key, text.strip(), lang) or True

        reply = questionary.text(
            question.en if env.en else question.fr,
            default=defaults.get(question.key) or "",
            validate=valid,
        ).ask()
        if reply is None:  # Ctrl-C
            raise click.Abort()
        answers[question.key] = reply.strip() or None
    return answers


@click.command("init")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--no-input", is_flag=True, help="Ne pose aucune question : tout vient des options.")
@click.option("--name", help="Raison sociale de l'entreprise.")
@click.option("--legal-form", help="Forme juridique (EI, EURL, SARL, SAS…).")
@click.option("--siren", help="SIREN (9 chiffres, clé vérifiée).")
@click.option("--siret", help="SIRET (14 chiffres, clé vérifiée).")
@click.option("--vat-number", help="N° de TVA intracommunautaire (vérifié).")
@click.option("--street", help="Adresse : numéro et voie.")
@click.option("--postcode", help="Code postal.")
@click.option("--city", help="Ville.")
@click.option("--country", help="Pays, code ISO à deux lettres (défaut : FR).")
@click.option("--iban", help="IBAN (vérifié).")
@click.option("--bic", help="BIC (vérifié).")
@click.option("--email", help="E-mail de l'entreprise.")
@click.option("--phone", help="Téléphone de l'entreprise.")
@click.option("--user", "user", help="Identifiant du premier utilisateur (défaut : son prénom).")
@click.option("--user-name", help="Prénom et nom du premier utilisateur (défaut : git).")
@click.option("--user-email", help="E-mail du premier utilisateur (défaut : git).")
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab"]),
    help="Écrit aussi le pipeline de CI (comme carnet ci) dans le premier commit.",
)
@click.pass_obj
def init_command(env: Env, folder: Path | None, no_input: bool, **options: str | None) -> None:
    """Crée le dépôt de données d'une nouvelle entreprise dans un dossier vide.

    data/settings.yaml d'après les réponses (SIREN, SIRET, TVA, IBAN vérifiés), les
    dossiers, mkdocs.yml, .gitignore, les réglages de VS Code et schemas/, un hook
    pre-commit et un README ; puis git init et un premier commit. Sur un terminal, les
    réponses manquantes sont demandées ; --no-input les prend toutes des options.
    Sortie 1 si le dossier n'est pas vide.

    \b
    Exemples :
      carnet init ~/mon-entreprise
      carnet init ~/atelier --no-input --name "Atelier Martin" --user-name "Lucie Martin"
      carnet init ~/atelier --ci gitlab
    """
    from generator.authoring.firm import FirmAnswers, create_firm
    from generator.history.start import author_identity

    target = folder if folder is not None else env.repo
    given = {key: value for key, value in options.items() if value is not None}
    name, email = author_identity(target)
    defaults = {"country": "FR", "user_name": name, "user_email": email}
    if _interactive(no_input):
        given = _ask(env, given, defaults)
    given = {**{k: v for k, v in defaults.items() if v is not None}, **given}
    for key, option in (("name", "--name"), ("user_name", "--user-name")):
        if not given.get(key):
            raise Refused("init-answer-missing", option=option)
    known = {f.name for f in fields(FirmAnswers)}
    answers = FirmAnswers(**{k: v for k, v in given.items() if k in known and v is not None})
    created = create_firm(target, answers, "en" if env.en else "fr")
    for path in created.paths:  # an empty folder is kept by its .gitkeep: show the folder
        click.echo(path.removesuffix(".gitkeep"))
    click.echo(env.say(f"enregistré dans git : {created.commit}", f"committed: {created.commit}"))
    where = "" if target == env.repo else f"cd {target} && "
    click.echo(
        env.say(
            f"Ensuite : {where}carnet new company --name … puis carnet validate et carnet build",
            f"Next: {where}carnet new company --name … then carnet validate and carnet build",
        )
    )


@click.command("new")
@click.argument(
    "kind", type=click.Choice(["company", "contact", "project", "interaction", "product"])
)
@click.argument("record_id", metavar="[ID]", required=False)
@click.option("--name", help="Nom, titre ou sujet (l'identifiant en est tiré).")
@click.option("--user", help="Utilisateur (défaut : CARNET_USER, ou l'e-mail de git).")
@click.option("--company", help="Société liée.")
@click.option("--contact", help="Contact lié.")
@click.option("--project", help="Projet lié (interaction).")
@click.option("--pipeline", help="Nature d'interaction : sale, purchase, project, support…")
@click.option("--stage", help="Étape de l'interaction (défaut : la première du pipeline).")
@click.option("--nature", help="Société : client, prospect (défaut), supplier ou partner.")
@click.option("--price", help="Produit : prix de vente HT.")
@click.option("--vat-rate", help="Produit : taux de TVA (défaut : le premier de settings).")
@click.option("--date", "day", help="Date de l'interaction ou début du projet (AAAA-MM-JJ).")
@click.option("--edit", is_flag=True, help="Ouvre la fiche écrite dans $EDITOR.")
@click.pass_obj
def new_command(
    env: Env, kind: str, record_id: str | None, edit: bool, day: str | None, **options: str | None
) -> None:
    """Écrit le squelette d'une fiche : société, contact, projet, interaction ou produit.

    Les champs obligatoires viennent des options (un champ inconnu reste vide, et carnet
    validate le signale) ; chaque champ facultatif est en commentaire avec ses valeurs
    permises. L'identifiant est tiré du nom. Une interaction de support reçoit un numéro
    de ticket (date et heure) à la fin de son sujet. Affiche le chemin ; ne commite rien.

    \b
    Exemples :
      carnet new company --name "Mes Beaux Sapins" --nature client
      carnet new interaction --company mes-beaux-sapins --pipeline sale --name "Sapins / Nordmann"
      carnet new contact --name "Jeanne Sapin" --company mes-beaux-sapins --edit
    """
    from generator.authoring.skeletons import NewRecord, plan_new
    from generator.files.edits import ChangeSet
    from generator.history.start import author_identity
    from generator.load import load_settings

    require_repo(env)
    settings, problems = load_settings(env.repo, env.lang)
    if settings is None:
        print_problems([p for p in problems if p.is_error])
        raise Refused("data-errors-first")
    request = NewRecord(kind, record_id, day=day_of(day), **options)  # type: ignore[arg-type]
    now = datetime.now()
    moment = datetime.combine(env.today, now.time()) if env.today_from else now
    who = (os.environ.get("CARNET_USER"), author_identity(env.repo)[1])
    with writing(env) as held:
        skeleton = plan_new(env.repo, settings, request, now=moment, who=who)
        changes = ChangeSet(env.repo)
        if (env.repo / skeleton.path).exists():
            raise Refused("file-exists", file=skeleton.path)
        changes.create_bytes(skeleton.path, skeleton.text.encode("utf-8"))
        held.save(changes)
    if edit:
        click.edit(filename=str(env.repo / skeleton.path))


@click.command("link")
@click.argument("record")
@click.argument("project")
@click.option("--role", help="Rôle dans le projet (client, key user…).")
@click.pass_obj
def link_command(env: Env, record: str, project: str, role: str | None) -> None:
    """Lie une société ou un contact à un projet, avec son rôle (ou change ce rôle).

    Modifie le fichier du projet en gardant ses commentaires ; ne commite rien.

    \b
    Exemples :
      carnet link jeanne-sapin sapins-2026 --role "key user"
      carnet link company/mes-beaux-sapins sapins-2026 --role client
    """
    from generator.authoring.links import plan_link

    require_repo(env)
    with writing(env) as held:
        planned = plan_link(env.repo, record, project, role)
        if planned.outcome != "unchanged":
            held.save(planned.changes)
    what, target = planned.record.id, planned.project.id
    shown_role = f" ({role})" if role else ""
    click.echo(
        {
            "added": env.say(
                f"{what} lié au projet {target}{shown_role}",
                f"{what} linked to project {target}{shown_role}",
            ),
            "updated": env.say(
                f"rôle de {what} dans le projet {target} : {role}",
                f"role of {what} in project {target}: {role}",
            ),
            "unchanged": env.say(
                f"{what} est déjà lié au projet {target} : rien n'est écrit",
                f"{what} is already linked to project {target}: nothing written",
            ),
        }[planned.outcome]
    )


@click.command("unlink")
@click.argument("record")
@click.argument("project")
@click.pass_obj
def unlink_command(env: Env, record: str, project: str) -> None:
    """Retire une société ou un contact des participants d'un projet.

    Modifie le fichier du projet en gardant ses commentaires ; ne commite rien.

    \b
    Exemple :
      carnet unlink jeanne-sapin sapins-2026
    """
    from generator.authoring.links import plan_unlink

    require_repo(env)
    with writing(env) as held:
        planned = plan_unlink(env.repo, record, project)
        held.save(planned.changes)
    what, target = planned.record.id, planned.project.id
    click.echo(
        env.say(f"{what} retiré du projet {target}", f"{what} removed from project {target}")
    )
