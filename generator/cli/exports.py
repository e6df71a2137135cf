"""``carnet export``: thin over :mod:`generator.exporters`."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import Env, load_valid, print_problems, shown
from generator.cli.imports import KIND_CHOICE


@click.command("export")
@click.argument("kind", type=KIND_CHOICE)
@click.option(
    "--interest",
    "interests",
    multiple=True,
    metavar="CENTRE",
    help="Seulement les fiches qui ont ce centre d'intérêt (répétable : l'un ou l'autre).",
)
@click.option(
    "--consent",
    is_flag=True,
    help="Seulement les contacts à qui les règles de prospection permettent d'écrire.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "vcf"]),
    default="csv",
    show_default=True,
    help="Format du fichier.",
)
@click.option(
    "--delimiter",
    type=click.Choice([";", ",", "tab"]),
    help="Séparateur du CSV (défaut : « ; » en français, « , » en anglais).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier écrit (défaut : build/export/<nature>s.<format>).",
)
@click.pass_obj
def export_command(
    env: Env,
    kind: str,
    interests: tuple[str, ...],
    consent: bool,
    fmt: str,
    delimiter: str | None,
    out: Path | None,
) -> None:
    """Exporte les contacts ou les sociétés en CSV (UTF-8 avec BOM), Excel ou vCard 4.0.

    Un texte qui commence par = + - @ est écrit comme du texte, jamais comme une formule.

    \b
    Exemples :
      carnet export contact --interest newsletter --consent
      carnet export company --format xlsx --out societes.xlsx
      carnet export contact --format vcf
    """
    from generator.exporters import export_records

    _, book = load_valid(env)
    lang = env.lang or book.lang
    sep = {"tab": "\t"}.get(delimiter or "", delimiter) or ("," if lang.startswith("en") else ";")
    written, count, problems = export_records(
        env.repo,
        book,
        kind,
        fmt,
        interests=list(interests),
        consent=consent,
        out=out,
        delimiter=sep,
        lang=lang,
    )
    print_problems(problems)
    click.echo(shown(env.repo, written))
    click.echo(env.say(f"{count} fiches exportées", f"{count} records exported"), err=True)
