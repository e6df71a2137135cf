"""``carnet extranet``: parse, plan (which projects, which passwords), build each with
:func:`generator.extranet.build.build_all`, print each outcome, exit."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import Env, echo_problem, print_problems, require_repo
from generator.cli.progress import progress
from generator.problems import Refused, printable, text


@click.command()
@click.argument("projects", nargs=-1)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier parent des extranets (défaut : build/extranet).",
)
@click.option("--allow-weak-password", is_flag=True, help="Accepte un mot de passe faible.")
@click.pass_obj
def extranet(
    env: Env, projects: tuple[str, ...], out: Path | None, allow_weak_password: bool
) -> None:
    """Construit l'extranet chiffré de chaque projet qui en a un (ou de ceux nommés).

    Le mot de passe vient de la variable d'environnement nommée par extranet.password_env,
    sinon de .carnet-secrets.yaml ; jamais des données. Avec extranet.people, chaque
    personne a le sien (son password_env, sinon <projet>/<personne> dans ce fichier).

    \b
    Exemples :
      CARNET_EXTRANET_SAPINS='…' carnet extranet sapins-2026
      carnet extranet --out /srv/extranets
    """
    from generator.extranet.build import ProjectOutcome, build_all
    from generator.extranet.output import signals_raise
    from generator.extranet.plan import plan_extranets
    from generator.files.output import output_dir
    from generator.load import load

    require_repo(env)
    out_root = output_dir(env.repo, "extranet", out=out, create=False)
    with progress(env) as step:
        result = load(env.repo, today=env.today, lang=env.lang, with_history=True, progress=step)
        if result.book is None:
            print_problems(result.problems)
            raise Refused("extranet-data-errors")
        book = result.book
        history = result.history
        plan = plan_extranets(env.repo, book, projects, out_root, env.lang or book.settings.lang)
        print_problems(plan.problems)
        total = len(plan.passwords)
        finished: list[ProjectOutcome] = []

        def show(outcome: ProjectOutcome) -> None:
            finished.append(outcome)
            step("extranet", len(finished), total)
            for error in outcome.errors:
                echo_problem(printable(error.message(env.lang)))
            if outcome.refusal is not None:
                echo_problem(printable(outcome.refusal.message(env.lang)))
            if outcome.report is not None:
                click.echo(f"{outcome.report.out / 'index.html'}")

        step("extranet", 0, total)
        with signals_raise():
            outcomes = build_all(
                env.repo,
                book,
                history,
                plan,
                out_root,
                lang=env.lang,
                allow_weak=allow_weak_password,
                on_project=show,
            )
    built = sum(1 for o in outcomes if o.report is not None)
    click.echo(
        text("extranet-summary", env.lang, built=built, failed=sum(1 for o in outcomes if o.fails)),
        err=True,
    )
    failed = any(o.fails for o in outcomes) or any(p.is_error for p in plan.problems)
    sys.exit(1 if failed else 0)
