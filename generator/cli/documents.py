"""``carnet documents`` and ``carnet merge``: parse, call the library, print, exit."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import Env, load_valid, print_causes, print_problems, shown, writing
from generator.cli.progress import progress
from generator.problems import text


@click.command("documents")
@click.argument("records", nargs=-1)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des PDF (défaut : build/documents).",
)
@click.option("--jobs", type=click.IntRange(1, 64), help="Processus (défaut : un par cœur).")
@click.option(
    "--archive",
    is_flag=True,
    help="Archive dans data/documents/issued/ l'original des documents émis qui n'en ont "
    "pas (dépôts émis avant cette version), et l'enregistre dans git.",
)
@click.option("--no-commit", is_flag=True, help="Avec --archive : n'enregistre pas dans git.")
@click.pass_obj
def documents_command(
    env: Env,
    records: tuple[str, ...],
    out: Path | None,
    jobs: int | None,
    archive: bool,
    no_commit: bool,
) -> None:
    """Écrit le PDF de chaque document commercial (ou de ceux nommés).

    Devis, commandes, factures (Factur-X, PDF/A-3b), avoirs et bons de livraison vont
    dans build/documents/<numéro>.pdf ; un brouillon dans <id>.brouillon.pdf, marqué
    BROUILLON, sans numéro ni Factur-X. Un document émis est la copie de son original,
    data/documents/issued/<numéro>.pdf, écrit à l'émission. Seuls les documents modifiés
    sont recalculés ; les PDF des documents disparus sont supprimés.

    \b
    Exemples :
      carnet documents
      carnet documents F2026-0001 interaction/devis-sapins-nordmann --out /tmp/pdf
      carnet documents --archive
    """
    if archive:
        if out is not None:
            raise click.BadOptionUsage("out", "--archive écrit dans data/documents/issued/")
        _archive(env, records, jobs, no_commit)
        return
    from generator.documents.batch import (
        build_tracked,
        default_out,
        document_ids,
        named_documents,
        render_all,
    )

    _, book = load_valid(env)
    ids = named_documents(env.repo, book, records) if records else None
    target = out if out is not None else default_out(env.repo)
    print_problems(build_tracked(env.repo, env.lang or "fr"))
    total = len(ids) if ids is not None else len(document_ids(book))
    with progress(env) as step:
        done = 0

        def one_more(_: object) -> None:
            nonlocal done
            done += 1
            step("documents", done, total)

        step("documents", 0, total)
        report = render_all(
            env.repo,
            book,
            target,
            ids,
            lang=book.settings.lang,  # documents speak the firm's language
            jobs=jobs,
            on_outcome=one_more,
        )
    for path in report.written:
        click.echo(shown(env.repo, path))
    print_causes(env, report.causes())
    click.echo(
        text(
            "documents-summary",
            env.lang,
            done=len(report.written) + len(report.up_to_date),
            written=len(report.written),
            up_to_date=len(report.up_to_date),
            removed=len(report.removed),
            failed=len(report.errors),
        ),
        err=True,
    )
    sys.exit(1 if report.errors else 0)


def _archive(env: Env, records: tuple[str, ...], jobs: int | None, no_commit: bool) -> None:
    """``carnet documents --archive``: the missing originals, written and committed
    together, or nothing at all."""
    from generator.documents.archive import plan_archive
    from generator.documents.batch import causes, named_documents
    from generator.documents.originals import unarchived
    from generator.problems import Refused

    with writing(env, commits=True, no_commit=no_commit) as session:
        _, book = load_valid(env)
        missing = unarchived(env.repo, book)
        if records:
            named = set(named_documents(env.repo, book, records))
            missing = [key for key in missing if key in named]
        changes, errors = plan_archive(env.repo, book, missing, jobs=jobs)
        if errors:
            print_causes(env, causes(errors))
            raise Refused("documents-archive-failed", count=len(errors))
        if not changes.paths():
            click.echo(env.say("aucun original à archiver", "no original to archive"), err=True)
            return
        message = text("documents-archived-commit", env.lang, count=len(changes.paths()))
        session.save(changes, message)


@click.command("merge")
@click.argument("template")
@click.argument("records", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des PDF (défaut : build/merge).",
)
@click.pass_obj
def merge_command(env: Env, template: str, records: tuple[str, ...], out: Path | None) -> None:
    """Fusionne un modèle de data/templates/ avec des fiches, en PDF.

    Le modèle (HTML ou Markdown) utilise des balises Jinja : {{ firm.name }},
    {{ record.last_name }}, {{ record.start | date }}, {{ montant | money }}… Il s'exécute
    dans un bac à sable ; une balise inconnue est signalée avec sa ligne et rien n'est
    écrit. Chaque fiche donne build/merge/<modèle>-<fiche>.pdf. Carnet fournit le
    modèle questionnaire-client (le questionnaire client d'un contact, à signer) ; un
    modèle du même nom dans data/templates/ le remplace.

    \b
    Exemples :
      carnet merge attestation-formation formation-wordpress-2026
      carnet merge contrat.md company/mes-beaux-sapins --out /tmp/contrats
      carnet merge questionnaire-client genevieve-rolland
    """
    from generator.documents.manifest import write_output
    from generator.documents.merge import merge_records
    from generator.files.output import output_dir

    _, book = load_valid(env)
    lang = book.settings.lang  # the document's language; messages follow --lang
    merged = merge_records(book, env.repo, template, records, lang, env.lang or "fr")
    if merged.problem is not None:
        print_problems([merged.problem])
        sys.exit(1)
    target = output_dir(env.repo, "merge", out=out)
    for name, pdf in merged.files:
        write_output(target / name, pdf)
        click.echo(shown(env.repo, target / name))
