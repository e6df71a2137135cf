"""``carnet import guess|run``: thin over :mod:`generator.importers` (``carnet export``
is in :mod:`generator.cli.exports`)."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import click

from generator.cli.common import Env, load_valid, print_problems, writing
from generator.cli.terminal import cell
from generator.problems import Refused, printable, text

KIND_CHOICE = click.Choice(["contact", "company"])
MANY_COLUMNS = 200
"""Past this many columns, guess prints its table as plain text."""


def _open(env: Env, file: str, sheet: str | None):
    from generator.importers.reading import open_table

    path = Path(file)
    return open_table(path, file, sheet=sheet)


@click.group("import", context_settings={"help_option_names": ["-h", "--help"]})
def import_group() -> None:
    """Importe des sociétés et leurs contacts depuis un CSV, un Excel (xlsx) ou un vCard.

    \b
    Exemples :
      carnet import guess prospects.csv --save-mapping "Fichier prospects mensuel"
      carnet import run prospects.csv --mapping fichier-prospects-mensuel --dry-run
      carnet import run prospects.csv --mapping fichier-prospects-mensuel
    """


@import_group.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--kind",
    type=KIND_CHOICE,
    default="contact",
    show_default=True,
    help="Ce que décrit une ligne : un contact (et sa société) ou une société.",
)
@click.option("--sheet", help="Feuille d'un classeur xlsx (défaut : la première).")
@click.option(
    "--save-mapping",
    "save_as",
    metavar="NOM",
    help="Enregistre la configuration proposée dans data/imports/NOM.yaml.",
)
@click.option("--force", is_flag=True, help="Remplace une configuration existante.")
@click.pass_obj
def guess(
    env: Env, file: str, kind: str, sheet: str | None, save_as: str | None, force: bool
) -> None:
    """Lit un fichier et propose une configuration d'import (colonne → champ).

    Affiche l'encodage, le séparateur, les guillemets, la ligne d'en-tête, le nombre de
    lignes, puis chaque colonne avec le champ proposé et ses premières valeurs.

    \b
    Exemples :
      carnet import guess prospects.csv
      carnet import guess contacts.vcf --save-mapping telephone
      carnet import guess export-crm.xlsx --kind company --save-mapping "Ancien CRM"
    """
    from generator.importers.fields import guess_mapping
    from generator.importers.mapping import mapping_data, mapping_path, save_mapping

    if save_as and not force and (env.repo / mapping_path(save_as)).exists():
        raise Refused("import-mapping-exists", name=save_as, file=mapping_path(save_as))
    table = _open(env, file, sheet)
    rows = table.rows()
    first = list(islice(rows, 3))
    count = len(first) + sum(1 for _ in rows)
    if count == 0:
        raise Refused("import-no-rows", file=file)
    from generator.load import load_settings

    settings, _ = load_settings(env.repo, env.lang)
    declared = settings.custom_fields if settings is not None else {}
    labels = {
        f"{k}.{key}": spec.label for k, fields in declared.items() for key, spec in fields.items()
    }
    guesses = guess_mapping(table.header, kind, labels)
    say = env.say
    click.echo(say(f"Fichier : {file} ({table.format})", f"File: {file} ({table.format})"))
    if table.encoding:
        click.echo(say(f"Encodage : {table.encoding}", f"Encoding: {table.encoding}"))
    if table.delimiter:
        shown_delim = {"\t": "tabulation", ",": ",", ";": ";", "|": "|"}.get(table.delimiter)
        click.echo(
            say(f"Séparateur : {shown_delim}", f"Delimiter: {shown_delim}").replace(
                "tabulation", say("tabulation", "tab")
            )
        )
        click.echo(say(f"Guillemets : {table.quoting}", f"Quote: {table.quoting}"))
    if table.sheet:
        click.echo(say(f"Feuille : {table.sheet}", f"Sheet: {table.sheet}"))
    click.echo(say(f"En-tête : ligne {table.header_line}", f"Header: line {table.header_line}"))
    click.echo(say(f"Lignes : {count}", f"Rows: {count}"))
    head = [say("Colonne", "Column"), say("Champ proposé", "Proposed field")]
    head.append(say("Premières valeurs", "First values"))
    lines = []
    for index, g in enumerate(guesses):
        values = [r.cells[index] for r in first if index < len(r.cells) and r.cells[index].strip()]
        how = "" if g.how != "fuzzy" else f" (~{g.score:g})"
        texts = [g.column, (g.field or "—") + how, " | ".join(values)[:60]]
        lines.append([printable(t) for t in texts])
    if len(lines) <= MANY_COLUMNS:
        from rich import box
        from rich.console import Console
        from rich.table import Table as RichTable

        grid = RichTable(*head, box=box.SIMPLE_HEAD)
        for line in lines:
            grid.add_row(*map(cell, line))
        Console(width=120, highlight=False).print(grid)
    else:  # plain text: rich takes a second per thousand rows
        widths = [
            min(40, max(len(h), *(len(line[i]) for line in lines))) for i, h in enumerate(head)
        ]
        shown_lines = [head, *lines]
        click.echo(
            "\n".join(
                "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                for line in shown_lines
            )
        )
    print_problems(table.skipped_problems(env.lang or "fr"))
    unmatched = [g.column for g in guesses if not g.field]
    if unmatched:
        click.echo(say("Colonnes non associées : ", "Unmatched columns: ") + ", ".join(unmatched))
    if save_as:
        from generator.files.edits import ChangeSet

        with writing(env) as session:
            changes = ChangeSet(env.repo)
            save_mapping(changes, save_as, mapping_data(kind, guesses, save_as), force=force)
            session.save(changes)


@import_group.command("run")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--mapping",
    "mapping_name",
    metavar="NOM",
    help="Configuration enregistrée (data/imports/NOM.yaml).",
)
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="COLONNE=CHAMP",
    help="Association en ligne, répétable (au lieu de --mapping).",
)
@click.option(
    "--kind",
    type=KIND_CHOICE,
    default="contact",
    show_default=True,
    help="Avec --map : ce que décrit une ligne.",
)
@click.option("--sheet", help="Feuille d'un classeur xlsx (défaut : la première).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Montre ce qui serait créé, mis à jour ou ignoré ; n'écrit rien.",
)
@click.option(
    "--on-duplicate",
    type=click.Choice(["skip", "update", "new"]),
    default="skip",
    show_default=True,
    help="Doublon : l'ignorer, mettre à jour la fiche existante, ou créer quand même.",
)
@click.option(
    "--save-mapping",
    "save_as",
    metavar="NOM2",
    help="Enregistre aussi la configuration utilisée sous NOM2.",
)
@click.option("--force", is_flag=True, help="Remplace une configuration existante.")
@click.option("--no-commit", is_flag=True, help="N'enregistre pas dans git.")
@click.pass_obj
def run_import(
    env: Env,
    file: str,
    mapping_name: str | None,
    pairs: tuple[str, ...],
    kind: str,
    sheet: str | None,
    dry_run: bool,
    on_duplicate: str,
    save_as: str | None,
    force: bool,
    no_commit: bool,
) -> None:
    """Importe un fichier avec une configuration : tout ou rien, un commit.

    Chaque ligne crée un contact et sa société liée (une fois par société) ; les
    doublons (SIREN, e-mail, téléphone, nom proche au même code postal) sont signalés et
    traités selon --on-duplicate. Chaque problème est situé fichier:ligne:colonne ;
    une seule erreur et rien n'est écrit.

    \b
    Exemples :
      carnet import run prospects.csv --mapping fichier-prospects-mensuel --dry-run
      carnet import run salon.csv --map "Nom=contact.full_name" --map "Société=company.name"
      carnet import run prospects.csv --mapping fichier-prospects-mensuel --on-duplicate update
    """
    from generator.importers.mapping import inline_mapping, mapping_from, read_mapping, save_mapping
    from generator.importers.plan import plan_import, write_plan

    if not mapping_name and not pairs:
        raise Refused("import-mapping-needed")
    with writing(env, commits=not dry_run, no_commit=no_commit) as session:
        _, book = load_valid(env)
        lang = env.lang or book.lang
        if mapping_name:
            mapping, root, problems, rel = read_mapping(env.repo, mapping_name, lang)
            print_problems(problems)  # its warnings too: a key mistyped is left out
            if mapping is None:
                raise Refused("import-refused", count=sum(1 for p in problems if p.is_error))
        else:
            mapping, root, rel = inline_mapping(kind, pairs), None, "--map"
        table = _open(env, file, sheet)
        plan = plan_import(
            env.repo,
            book,
            table,
            mapping,
            on_duplicate=on_duplicate,
            mapping_rel=rel,
            mapping_root=root,
            lang=lang,
        )
        try:  # the new files are written while validated, swapped in only when saved
            write_plan(book, plan, lang, file, stage=not dry_run)
            print_problems(plan.problems)
            if plan.drafts:
                _print_plan(env, plan, dry_run)
            if plan.errors:
                raise Refused("import-refused", count=len(plan.errors))
            if save_as:
                save_mapping(plan.changes, save_as, mapping_from(mapping, save_as), force=force)
            if dry_run:
                return
            title = mapping.title or mapping_name or Path(file).name
            message = text(
                "import-commit",
                lang,
                name=title,
                companies=plan.count("company", "create"),
                contacts=plan.count("contact", "create"),
            )
            if plan.changes.paths():
                session.save(plan.changes, message)
        finally:
            plan.changes.discard()  # nothing left when not saved (a no-op once written)


REASONS = {
    "siren": ("même SIREN", "same SIREN"),
    "email": ("même e-mail", "same e-mail"),
    "phone": ("même téléphone", "same phone"),
    "name": ("nom proche, même code postal", "close name, same postcode"),
    "same_name": ("même nom, sans code postal", "same name, no postcode"),
}
ACTIONS = {
    "create": ("créé", "created"),
    "update": ("mis à jour", "updated"),
    "skip": ("ignoré", "skipped"),
    "merged": ("fusionné", "merged"),
    "unchanged": ("inchangé", "unchanged"),
}


def _print_plan(env: Env, plan, dry_run: bool) -> None:
    """The table of what is (or would be) created, updated and skipped, with why."""
    say = env.say
    if dry_run or plan.errors:
        # plain aligned text: a plan has thousands of rows, rich would take seconds
        head = [say("Ligne", "Line"), "Action", say("Nom", "Name"), say("Fichier", "File")]
        rows = []
        for d in plan.drafts:
            fr, en = ACTIONS.get(d.action, (d.action, d.action))
            why, _, line = d.reason.partition(":")
            reason = say(*REASONS[why]) if why in REASONS else why
            reason += say(f" (ligne {line})", f" (line {line})") if line else ""
            rows.append([str(d.line), say(fr, en), printable(d.name), d.path or "", reason])
        widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(head)]
        if dry_run:
            click.echo(say("Essai : rien n'est écrit", "Dry run: nothing written"))
        header = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
        lines = [header + "  " + say("Raison", "Reason")]
        for r in rows:
            cells = [
                r[0].rjust(widths[0]),
                *(c.ljust(w) for c, w in zip(r[1:4], widths[1:], strict=True)),
            ]
            lines.append(("  ".join(cells) + "  " + r[4]).rstrip())
        click.echo("\n".join(lines))  # one write: thousands of echo calls cost a second
    for d in plan.drafts:
        for key, old, new in d.changed:
            click.echo(
                f"{d.path}: {key}: {old!s} → {new!s}"
                if old not in (None, "", [])
                else f"{d.path}: {key}: + {new!s}"
            )
    created = plan.count("company", "create"), plan.count("contact", "create")
    updated = plan.count("company", "update") + plan.count("contact", "update")
    skipped = sum(1 for d in plan.drafts if d.action in ("skip", "merged", "unchanged"))
    click.echo(
        text(
            "import-summary",
            env.lang,
            rows=plan.rows,
            companies=created[0],
            contacts=created[1],
            updated=updated,
            skipped=skipped,
            mode="dry" if dry_run or plan.errors else "done",
        ),
        err=True,
    )
