"""``carnet documents`` and ``carnet merge``: parse, call the library, print, exit."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from generator.book.naming import RecordNameError, resolve
from generator.cli.common import Env, load_valid, refuse
from generator.files.sources import SourceFile, discover


def _shown(env: Env, path: Path) -> str:
    """A path relative to the repository when it lies inside it."""
    try:
        return path.resolve().relative_to(env.repo.resolve()).as_posix()
    except ValueError:
        return str(path)


def _resolve(env: Env, names: tuple[str, ...], numbers: dict[str, str]) -> list[SourceFile]:
    """The records named on the command line; exit 2 on an unknown or ambiguous name."""
    files, _ = discover(env.repo)
    found = []
    for name in names:
        try:
            found.append(resolve(name, files, numbers))
        except RecordNameError as exc:
            click.echo(f"carnet: {exc.message(env.lang or 'fr')}", err=True)
            sys.exit(2)
    return found


def _progress(total: int):
    """A rich progress bar on a terminal, nothing when piped."""
    if total < 2 or not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)


@click.command("documents")
@click.argument("records", nargs=-1)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des PDF (défaut : build/documents).",
)
@click.option("--jobs", type=click.IntRange(1, 64), help="Processus (défaut : un par cœur).")
@click.pass_obj
def documents_command(
    env: Env, records: tuple[str, ...], out: Path | None, jobs: int | None
) -> None:
    """Écrit le PDF de chaque document commercial (ou de ceux nommés).

    Devis, commandes, factures (Factur-X, PDF/A-3b), avoirs et bons de livraison vont
    dans build/documents/<numéro>.pdf ; un brouillon dans <id>.brouillon.pdf, marqué
    BROUILLON, sans numéro ni Factur-X. Seuls les documents modifiés sont recalculés ;
    les PDF des documents disparus sont supprimés.

    \b
    Exemples :
      carnet documents
      carnet documents F2026-0001 interaction/devis-sapins-nordmann --out /tmp/pdf
    """
    from generator.documents.batch import document_ids, render_all
    from generator.documents.kinds import DocumentError, is_document

    _, book = load_valid(env)
    ids = None
    if records:
        ids = []
        for source in _resolve(env, records, dict(book.numbers)):
            entry = book.interactions.get(source.id) if source.kind == "interaction" else None
            if entry is None or not is_document(entry):
                refuse(
                    env.say(
                        f"« {source.kind}/{source.id} » n'est pas un document commercial",
                        f"'{source.kind}/{source.id}' is not a sales document",
                    )
                )
            ids.append(source.id)
    target = out if out is not None else env.repo / "build" / "documents"
    total = len(ids) if ids is not None else len(document_ids(book))
    with _progress(total) as bar:
        task = bar.add_task(env.say("Documents", "Documents"), total=total) if bar else None
        try:
            report = render_all(
                env.repo,
                book,
                target,
                ids,
                lang=book.settings.lang,  # documents speak the firm's language
                jobs=jobs,
                on_outcome=(lambda _: bar.advance(task)) if bar else None,
            )
        except DocumentError as exc:
            refuse(str(exc))
    for path in report.written:
        click.echo(_shown(env, path))
    for error in report.errors:
        click.echo(f"carnet: {error}", err=True)
    done = len(report.written) + len(report.up_to_date)
    click.echo(
        env.say(
            f"{done} documents : {len(report.written)} écrits, {len(report.up_to_date)} à jour"
            + (f", {len(report.removed)} supprimés" if report.removed else "")
            + (f", {len(report.errors)} en erreur" if report.errors else ""),
            f"{done} documents: {len(report.written)} written, {len(report.up_to_date)} up to date"
            + (f", {len(report.removed)} removed" if report.removed else "")
            + (f", {len(report.errors)} failed" if report.errors else ""),
        ),
        err=True,
    )
    sys.exit(1 if report.errors else 0)


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
    écrit. Chaque fiche donne build/merge/<modèle>-<fiche>.pdf.

    \b
    Exemples :
      carnet merge attestation-formation formation-wordpress-2026
      carnet merge contrat.md company/mes-beaux-sapins --out /tmp/contrats
    """
    from generator.documents.batch import write_output
    from generator.documents.kinds import DocumentError, ResourceRefused
    from generator.documents.merge import MergeError, find_template, merge_pdf, output_name

    _, book = load_valid(env)
    lang = book.settings.lang  # the document's language; messages follow --lang
    try:
        chosen = find_template(env.repo, template, env.lang or "fr")
    except MergeError as exc:
        click.echo(exc.problem.format_text(), err=True)
        sys.exit(1)
    sources = _resolve(env, records, dict(book.numbers))
    rendered: list[tuple[str, bytes]] = []
    for source in sources:
        try:
            pdf = merge_pdf(
                book, env.repo, chosen, source.kind, source.id, lang, messages=env.lang or "fr"
            )
        except MergeError as exc:
            click.echo(exc.problem.format_text(), err=True)
            sys.exit(1)
        except ResourceRefused as exc:
            refuse(f"{chosen.rel}: {exc.message(env.lang or 'fr')}")
        except DocumentError as exc:
            refuse(str(exc))
        rendered.append((output_name(chosen, source.id), pdf))
    target = out if out is not None else env.repo / "build" / "merge"
    for name, pdf in rendered:
        write_output(target / name, pdf)
        click.echo(_shown(env, target / name))
