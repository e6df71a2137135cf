"""``carnet ci github|gitlab``: write (or check) the repository's CI pipeline file."""

from __future__ import annotations

import sys

import click

from generator.cli.common import Env, load_valid, require_repo


@click.command()
@click.argument("platform", type=click.Choice(["github", "gitlab"]))
@click.option(
    "--deploy",
    type=click.Choice(["pages"]),
    help="Publie les extranets sur GitHub ou GitLab Pages, depuis la branche par défaut.",
)
@click.option(
    "--internal",
    is_flag=True,
    help="Avec --deploy : publie aussi le site interne (Pages est public sauf restriction).",
)
@click.option(
    "--extranets",
    is_flag=True,
    help="Construit les extranets sur la branche par défaut (mots de passe : secrets de la CI).",
)
@click.option("--force", is_flag=True, help="Remplace un fichier existant différent.")
@click.option(
    "--check",
    is_flag=True,
    help="N'écrit rien ; sortie 1 si le fichier diffère de celui que cette version écrirait.",
)
@click.pass_obj
def ci(
    env: Env,
    platform: str,
    deploy: str | None,
    internal: bool,
    extranets: bool,
    force: bool,
    check: bool,
) -> None:
    """Écrit le pipeline de CI : .github/workflows/carnet.yml ou .gitlab-ci.yml.

    Vérification à chaque push et demande de fusion (annotations sur les fichiers),
    construction du site et des documents, extranets et publication sur Pages depuis la
    branche par défaut, commentaire « carnet diff » sur chaque demande de fusion. Carnet
    s'y installe par la variable CARNET_INSTALL.

    \b
    Exemples :
      carnet ci github
      carnet ci gitlab --deploy pages
      carnet ci github --check
    """
    from generator.ci.pipelines import PipelineOptions, extranets_of, write_pipeline

    require_repo(env)
    if internal and deploy is None:
        raise click.UsageError(
            env.say("--internal ne va qu'avec --deploy pages", "--internal needs --deploy pages")
        )
    _, book = load_valid(env)
    options = PipelineOptions(deploy=deploy, internal=internal, extranets=extranets)
    outcome = write_pipeline(
        env.repo, platform, options, extranets_of(book), force=force, check=check
    )
    if check:
        if outcome.differs:
            click.echo(
                env.say(
                    f"{outcome.path} diffère : lancez « carnet ci {platform} --force »",
                    f"{outcome.path} differs: run 'carnet ci {platform} --force'",
                )
            )
        sys.exit(1 if outcome.differs else 0)
    if outcome.written:
        click.echo(outcome.path)
    else:
        click.echo(env.say(f"{outcome.path} est à jour", f"{outcome.path} is up to date"), err=True)
