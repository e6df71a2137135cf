"""The ``carnet`` command line: parse arguments, call the library, print, exit.

The group, its global options, ``validate``, ``schema`` and ``summary``; the other
command groups live in their own modules. No business logic lives here (DESIGN.md rule
7). Exit codes: 0 done, 1 problems found or operation refused, 2 usage or unreadable
repository.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from generator import __version__
from generator.cli import language
from generator.cli.common import Env, echo_problem, parse_day, print_refusal, quieted, require_repo
from generator.problems import (
    Problem,
    Refused,
    apply_strict,
    count_by_severity,
    printable,
    text,
    to_json,
)

if TYPE_CHECKING:
    from generator.load import LoadResult


language.install()


class CarnetGroup(click.Group):
    """A group that turns unexpected exceptions into one line (or a traceback with --debug),
    and has click speak the language asked for (:mod:`generator.cli.language`)."""

    context_class = language.CarnetContext

    def main(self, args: Sequence[str] | None = None, *pos: Any, **kwargs: Any) -> Any:
        """Run the command line, click's own texts in ``--lang``'s language (read before
        click parses anything, so that usage errors and help screens speak it too)."""
        words = list(sys.argv[1:] if args is None else args)
        with language.speaking(language.requested(words)):
            return super().main(words, *pos, **kwargs)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add ``cmd`` with Carnet's context (French help screens)."""
        language.adopt(cmd)
        super().add_command(cmd, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, those of :data:`LAZY_COMMANDS` without importing them."""
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, its module imported the first time it is asked for."""
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module, _, attribute = LAZY_COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Refused as exc:
            env = ctx.obj
            print_refusal(exc, env.lang if isinstance(env, Env) else None)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if ctx.params.get("debug"):
                traceback.print_exc()
            env = ctx.obj
            english = isinstance(env, Env) and env.en
            what = printable(f"{exc.__class__.__name__}: {exc}")
            echo_problem(
                f"carnet: unexpected error: {what} (run again with --debug for details)"
                if english
                else f"carnet: erreur inattendue : {what} (relancez avec --debug pour le détail)"
            )
            ctx.exit(1)


@click.group(cls=CarnetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CARNET_REPO",
    default=".",
    show_default="le dossier courant, ou CARNET_REPO",
    help="Dépôt de travail qui contient data/.",
)
@click.option("--today", envvar="CARNET_TODAY", help="Fixe « aujourd'hui » (AAAA-MM-JJ).")
@click.option(
    "--allow-future-date",
    is_flag=True,
    help="Permet d'émettre ou de valider à une date postérieure à l'horloge (--today, --date).",
)
@click.option(
    "--lang", type=click.Choice(["fr", "en"]), envvar="CARNET_LANG", help="Langue des messages."
)
@click.option("--debug", is_flag=True, help="Affiche la trace complète d'une erreur inattendue.")
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    envvar="CARNET_QUIET",
    help="N'affiche que les problèmes (ni progression, ni chemins, ni résumé).",
)
@click.version_option(__version__, prog_name="carnet")
@click.pass_context
def main(
    ctx: click.Context,
    repo: Path,
    today: str | None,
    allow_future_date: bool,
    lang: str | None,
    debug: bool,
    quiet: bool,
) -> None:
    """Carnet : CRM et ERP léger dont les données sont un dépôt git de fichiers YAML.

    \b
    Exemples :
      carnet validate
      carnet --repo ~/mon-entreprise --today 2026-11-25 summary
    """
    source = ctx.get_parameter_source("today")
    today_from = None
    if today:
        today_from = "CARNET_TODAY" if source is ParameterSource.ENVIRONMENT else "--today"
    ctx.obj = Env(
        repo=repo,
        today=parse_day(today, lang),
        debug=debug,
        lang=lang,
        today_from=today_from,
        allow_future_date=allow_future_date,
        quiet=quiet,
    )
    if quiet:
        ctx.with_resource(quieted())


def _print_problems(problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
        echo_problem(to_json(problems), err=False)
    elif fmt in ("github", "gitlab"):
        from generator.ci.annotations import code_quality_json, github_annotations

        shown = github_annotations(problems) if fmt == "github" else code_quality_json(problems)
        if shown:
            echo_problem(shown, err=False)
    else:
        for problem in problems:
            echo_problem(problem.format_text(), err=False)


def _summary_line(problems: list[Problem], files: int, lang: str | None) -> str:
    counts = count_by_severity(problems)
    errors, warnings = counts["error"], counts["warning"]  # type: ignore[index]
    return text("validate-summary", lang, files=files, errors=errors, warnings=warnings)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="json : une liste d'objets sur la sortie standard ; github : annotations de "
    "GitHub Actions ; gitlab : rapport Code Quality (JSON) de GitLab.",
)
@click.option("--strict", is_flag=True, help="Les avertissements deviennent des erreurs.")
@click.option("--no-cache", is_flag=True, help="Ignore et n'écrit pas .carnet-cache/.")
@click.pass_obj
def validate(env: Env, fmt: str, strict: bool, no_cache: bool) -> None:
    """Vérifie toutes les données et signale chaque problème (chemin:ligne:colonne).

    N'écrit rien d'autre que son cache. Sortie 0 sans erreur, 1 avec erreurs.

    \b
    Exemples :
      carnet validate
      carnet validate --strict --format json > problemes.json
      carnet validate --format gitlab > gl-code-quality-report.json
    """
    from generator.cli.progress import progress
    from generator.load import load

    require_repo(env)
    with progress(env, delay=2.0) as report:
        result = load(
            env.repo,
            today=env.today,
            lang=env.lang,
            use_cache=not no_cache,
            need_book=False,
            progress=report,
        )
    problems = apply_strict(result.problems) if strict else result.problems
    _print_problems(problems, fmt)
    click.echo(_summary_line(problems, sum(result.files.values()) + 1, env.lang), err=True)
    sys.exit(1 if any(p.is_error for p in problems) else 0)


@main.command()
@click.option("--check", is_flag=True, help="N'écrit rien ; sortie 1 si un schéma est périmé.")
@click.pass_obj
def schema(env: Env, check: bool) -> None:
    """Écrit les schémas JSON des fiches dans schemas/<nature>.schema.json.

    Les éditeurs (VS Code YAML, JetBrains) s'en servent pour compléter et signaler les
    erreurs pendant la saisie.

    \b
    Exemple :
      carnet schema
    """
    from generator.load import load_settings
    from generator.schema.export import schemas, write_schemas

    require_repo(env)
    settings, _ = load_settings(env.repo, env.lang)
    if check:
        import json

        stale = [
            name
            for name, content in schemas(settings).items()
            if not (p := env.repo / "schemas" / f"{name}.schema.json").exists()
            or json.loads(p.read_text(encoding="utf-8")) != content
        ]
        for name in stale:
            click.echo(
                env.say(
                    f"schemas/{name}.schema.json est périmé : lancez « carnet schema »",
                    f"schemas/{name}.schema.json is out of date: run 'carnet schema'",
                )
            )
        sys.exit(1 if stale else 0)
    for path in write_schemas(env.repo, settings):
        click.echo(path.relative_to(env.repo).as_posix())


@main.command()
@click.pass_obj
def summary(env: Env) -> None:
    """Résumé d'une page : fiches par nature, interactions ouvertes par utilisateur, marges.

    \b
    Exemple :
      carnet summary
    """
    from generator.load import load

    require_repo(env)
    result = load(env.repo, today=env.today, lang=env.lang)
    _print_summary(result, env.repo, lang=env.lang or "fr")
    sys.exit(1 if result.errors else 0)


def _print_summary(result: LoadResult, repo: Path, lang: str = "fr") -> None:
    """Print records per kind, open interactions per user, margins and the problem counts."""
    from rich.console import Console
    from rich.table import Table

    from generator.book.progress import action_day
    from generator.cli.margins import margins_table
    from generator.cli.renewals import renewals_table
    from generator.cli.terminal import cell
    from generator.schema import KINDS

    en = lang.startswith("en")
    console = Console(highlight=False)
    book = result.book
    kinds = Table(title="Records" if en else "Fiches", title_justify="left")
    kinds.add_column("Kind" if en else "Nature")
    kinds.add_column("Files" if en else "Fichiers", justify="right")
    for kind in KINDS:
        label = kind.label_en if en else kind.label_fr
        kinds.add_row(label, str(result.files.get(kind.name, 0)))
    console.print(kinds)
    if book is not None:
        users = Table(
            title="Open interactions per user"
            if en
            else "Interactions non terminées par utilisateur",
            title_justify="left",
        )
        users.add_column("User" if en else "Utilisateur")
        users.add_column("Open" if en else "Ouvertes", justify="right")
        users.add_column("Overdue" if en else "En retard", justify="right")
        open_counts = book.open_interactions_by_user()
        for user_id, user in book.settings.users.items():
            overdue = sum(
                1
                for i in book.interactions_by_user.get(user_id, ())
                if (action_day(book.interactions[i], book.progress.get(i)) or book.today)
                < book.today
            )
            users.add_row(cell(user.name), str(open_counts.get(user_id, 0)), str(overdue))
        console.print(users)
        console.print(margins_table(book, lang))
        renewals = renewals_table(book, lang)
        if renewals is not None:
            console.print(renewals)
    counts = count_by_severity(result.problems)
    errors, warnings = counts["error"], counts["warning"]  # type: ignore[index]
    console.print(text("summary-problems", lang, errors=errors, warnings=warnings), markup=False)
    console.print(cell(f"Dépôt : {repo.resolve()}" if not en else f"Repository: {repo.resolve()}"))


LAZY_COMMANDS: dict[str, str] = {
    "build": "generator.cli.site:build",
    "serve": "generator.cli.site:serve",
    "extranet": "generator.cli.extranet:extranet",
    "history": "generator.cli.history:history",
    "quote": "generator.cli.invoicing:quote",
    "order": "generator.cli.invoicing:order",
    "invoice": "generator.cli.invoicing:invoice",
    "stock": "generator.cli.stock:stock",
    "delivery": "generator.cli.stock:delivery",
    "documents": "generator.cli.documents:documents_command",
    "merge": "generator.cli.documents:merge_command",
    "renew": "generator.cli.renewals:renew",
    "init": "generator.cli.authoring:init_command",
    "new": "generator.cli.authoring:new_command",
    "link": "generator.cli.authoring:link_command",
    "unlink": "generator.cli.authoring:unlink_command",
    "import": "generator.cli.imports:import_group",
    "export": "generator.cli.exports:export_command",
    "campaign": "generator.cli.campaigns:campaign",
    "ci": "generator.cli.ci:ci",
    "diff": "generator.cli.diff:diff",
    "proposals": "generator.cli.proposals:proposals",
}
"""The commands defined outside this module, by name: ``module:attribute``. Each module
is imported only when its command runs (or a help screen lists it), so that ``carnet
validate`` on an unchanged repository does not pay for the models, the site and the PDFs."""


def all_commands() -> dict[str, click.Command]:
    """Every command of ``carnet`` by name, the lazy ones loaded."""
    ctx = click.Context(main)
    found = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


language.adopt(main)


def run() -> None:
    """Entry point that never lets a traceback reach the user.

    What a command made is left to the system when the process ends, not walked once
    more by the garbage collector's last pass (``gc.freeze`` after every other exit
    handler: 0.2 s after an import of 10,000 rows)."""
    atexit.register(gc.freeze)
    main(prog_name="carnet")


if __name__ == "__main__":  # pragma: no cover
    run()
