"""``carnet diff REV1 REV2``: what a change does to the business, for a reviewer."""

from __future__ import annotations

import click

from generator.cli.common import Env, require_repo


@click.command()
@click.argument("base")
@click.argument("head", default="HEAD")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown : pour commenter une demande de fusion ; json : pour les scripts.",
)
@click.pass_obj
def diff(env: Env, base: str, head: str, fmt: str) -> None:
    """Différence sémantique entre deux révisions (commit, étiquette, branche ou date).

    Fiches ajoutées, supprimées, renommées et leurs champs (avant → après), documents
    émis avec leurs numéros et montants, totaux qui bougent (chiffre d'affaires, étapes
    des pipelines, stock des produits touchés), problèmes introduits ou corrigés.

    \b
    Exemples :
      carnet diff main HEAD
      carnet diff origin/main HEAD --format markdown > diff.md
    """
    from generator.review.diff import review_diff
    from generator.review.render import as_json, as_markdown, as_text

    require_repo(env)
    lang = "en" if env.en else "fr"
    found = review_diff(env.repo, base, head, today=env.today, lang=lang)
    if fmt == "json":
        click.echo(as_json(found))
    elif fmt == "markdown":
        click.echo(as_markdown(found, lang), nl=False)
    else:
        click.echo(as_text(found, lang))
