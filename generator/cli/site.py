"""``carnet build`` and ``carnet serve``: the internal site. Parse, call
:mod:`generator.site.pipeline`, print the problems and the report, exit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator.cli.common import (
    Env,
    echo_problem,
    print_causes,
    print_problems,
    print_refusal,
    require_repo,
)
from generator.problems import Refused, text

if TYPE_CHECKING:
    from generator.site.pipeline import BuildOutcome

TRUST_CONFIG = click.option(
    "--trust-config",
    is_flag=True,
    help="Passe mkdocs.yml tel quel à MkDocs (extensions, hooks : du code) ; "
    "seulement pour un dépôt de confiance.",
)


def _show(env: Env, outcome: BuildOutcome) -> None:
    """Print a build's problems, then its report: MkDocs' warnings, the documents without
    a PDF, the site built. A refused build raises its refusal after the problems."""
    print_problems(outcome.problems)
    if outcome.refusal is not None:
        raise outcome.refusal
    report = outcome.report
    assert report is not None  # built when not refused
    for warning in report.warnings:
        echo_problem(f"mkdocs: {warning}")
    print_causes(env, list(report.pdf_failures))
    if report.missing_pdfs:
        count, example = len(report.missing_pdfs), report.missing_pdfs[0]
        echo_problem(text("site-missing-pdfs", env.lang, count=count, example=example))
    click.echo(
        text(
            "site-built",
            env.lang,
            mode="full" if report.clean else "incremental",
            pages=report.pages,
            written=report.written,
            index=report.out / "index.html",
        )
    )


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier du site (défaut : build/site).",
)
@click.option(
    "--at", "rev", help="Construit le site tel qu'il était à ce commit, tag, branche ou date."
)
@click.option(
    "--strict", is_flag=True, help="Les avertissements (données ou MkDocs) deviennent des erreurs."
)
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    help="Site en clair d'un seul utilisateur, ses projets privés compris (avec --out).",
)
@TRUST_CONFIG
@click.pass_obj
def build(
    env: Env,
    out: Path | None,
    rev: str | None,
    strict: bool,
    trust_config: bool,
    as_user: str | None,
) -> None:
    """Construit le site interne (MkDocs Material) à partir des données.

    Vérifie tout d'abord : à la moindre erreur, rien n'est construit (sortie 1). De
    mkdocs.yml, seuls le thème et quelques réglages sûrs sont lus (--trust-config : tout).
    Les projets privés n'y sont que chiffrés, pour leurs seuls membres (« Projets
    privés ») ; --as USER --out DIR construit le site en clair d'un utilisateur.

    \b
    Exemples :
      carnet build
      carnet build --out /srv/intranet
      carnet build --at 2026-06-30 --out build/site-juin
      carnet build --as claire --out ~/carnet-claire
    """
    from generator.cli.progress import progress
    from generator.extranet.private import PrivateSeal
    from generator.site.pipeline import build_repo_site

    require_repo(env)
    with progress(env) as report:
        outcome = build_repo_site(
            env.repo,
            out,
            rev=rev,
            today=env.today,
            lang=env.lang,
            strict=strict,
            trust_config=trust_config,
            progress=report,
            as_user=as_user,
            seal_private=None if as_user else PrivateSeal,
        )
    _show(env, outcome)
    sys.exit(1 if strict and outcome.report.warnings else 0)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@TRUST_CONFIG
@click.pass_obj
def serve(env: Env, host: str, port: int, trust_config: bool) -> None:
    """Sert le site interne en local et le reconstruit à chaque modification.

    Surveille data/, les gabarits et mkdocs.yml ; la reconstruction est incrémentale et
    le navigateur se recharge tout seul.

    \b
    Exemple :
      carnet serve --port 8000
    """
    from generator.site.config import read_site_config
    from generator.site.serve import serve_site

    require_repo(env)
    config = read_site_config(env.repo, trust=trust_config, lang=env.lang or "fr")
    if config.problems:
        print_problems(list(config.problems))
        raise Refused("serve-config-errors")

    def announce(server: Any) -> None:
        bound_host, bound_port = server.server_address[:2]
        click.echo(
            env.say(
                f"Site servi sur http://{bound_host}:{bound_port}/ (Ctrl+C pour arrêter)",
                f"Site served at http://{bound_host}:{bound_port}/ (Ctrl+C to stop)",
            )
        )

    def shown_build(outcome: BuildOutcome) -> None:
        try:
            _show(env, outcome)
        except Refused as refusal:  # the last good site stays served
            print_refusal(refusal, env.lang)

    stopped = serve_site(
        env.repo,
        host=host,
        port=port,
        today=env.today,
        lang=env.lang,
        on_ready=announce,
        on_build=shown_build,
        trust_config=trust_config,
    )
    if stopped:
        click.echo(env.say("Arrêt.", "Stopped."))
