"""``carnet extranet``: which projects, which passwords, build each, report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator.cli.site import print_problems
from generator.extranet.output import OutputRefused, check_outputs, signals_raise, staging_area
from generator.extranet.passwords import (
    ProjectPassword,
    names_of,
    password_for,
    read_secrets,
    secrets_tracked,
)
from generator.load import load, locate
from generator.problems import Problem, make_problem

if TYPE_CHECKING:
    from generator.book.book import Book


def run_extranets(
    repo: Path,
    names: tuple[str, ...],
    out_root: Path,
    *,
    today: date | None = None,
    lang: str | None = None,
    allow_weak: bool = False,
) -> int:
    """Build the extranets of ``names`` (default: every enabled one); the exit code.

    ``out_root`` holds one folder per project; when it is the repository's
    ``build/extranet`` it must really lie in ``build/`` (see
    :func:`generator.extranet.output.check_outputs`).
    """
    result = load(repo, today=today, lang=lang)
    if result.book is None:
        print_problems(result.problems)
        click.echo("carnet: erreurs dans les données : aucun extranet construit", err=True)
        return 1
    book = result.book
    from generator.cli.site import load_history_for

    history, _ = load_history_for(repo)
    unknown = [n for n in names if n not in book.projects]
    if unknown:
        click.echo(f"carnet: projet inconnu : {', '.join(unknown)}", err=True)
        return 2
    chosen = list(names) or [
        key for key, e in book.projects.items() if e.record.extranet and e.record.extranet.enabled
    ]
    default_root = out_root.absolute() == (repo / "build" / "extranet").absolute()
    try:
        check_outputs(repo, out_root, chosen, default=default_root)
    except OutputRefused as refused:
        click.echo(f"carnet: {refused}", err=True)
        return 1
    passwords, problems = _passwords(repo, book, chosen, lang or book.settings.lang)
    print_problems(problems)
    with signals_raise():
        code = _build_all(repo, book, history, names, passwords, out_root, lang, allow_weak)
    return max(code, 1 if any(p.is_error for p in problems) else 0)


def _passwords(
    repo: Path, book: Book, chosen: list[str], lang: str
) -> tuple[dict[str, ProjectPassword], list[Problem]]:
    """The password of each chosen project, and the problems about passwords: the
    secrets file (broken, tracked by git), extranets sharing a password."""
    secrets, problems = read_secrets(repo, lang)
    problems += secrets_tracked(repo, lang)
    others = [
        key
        for key, e in book.projects.items()
        if key not in chosen and e.record.extranet and e.record.extranet.enabled
    ]
    found: dict[str, ProjectPassword] = {}
    for project_id in [*chosen, *others]:
        extranet = book.projects[project_id].record.extranet
        env = extranet.password_env if extranet else None
        names = names_of(book, project_id) if project_id in chosen else ()
        found[project_id] = password_for(project_id, env, secrets, names)
    sharing: dict[str, list[str]] = {}
    for project_id, password in found.items():
        if password.password is not None:
            sharing.setdefault(password.password, []).append(project_id)
    for group in sharing.values():
        if len(group) > 1 and set(group) & set(chosen):
            first = book.projects[group[0]]
            problems.append(
                make_problem(
                    "extranet-password-shared",
                    first.path,
                    line=0,
                    column=0,
                    loc=("extranet",),
                    lang=lang,
                    projects=", ".join(sorted(group)),
                )
            )
    return {key: found[key] for key in chosen}, locate(repo, problems, lang)


def _build_all(
    repo: Path,
    book: Book,
    history: Any,
    names: tuple[str, ...],
    passwords: dict[str, ProjectPassword],
    out_root: Path,
    lang: str | None,
    allow_weak: bool,
) -> int:
    from generator.extranet.attachments import (
        document_attachments,
        merge_attachments,
        record_attachments,
    )
    from generator.extranet.build import build_extranet
    from generator.extranet.scope import scoped_to

    staging = staging_area(repo)
    code = 0
    for project_id, found in passwords.items():
        extranet = book.projects[project_id].record.extranet
        if found.password is None:
            where = f"${extranet.password_env} ou " if extranet and extranet.password_env else ""
            click.echo(
                f"{project_id} : pas de mot de passe ({where}.carnet-secrets.yaml) : ignoré",
                err=True,
            )
            code = max(code, 1 if project_id in names else 0)
            continue
        if found.weak_reason and not allow_weak:
            click.echo(
                f"{project_id} : mot de passe refusé ({found.weak_reason}, {found.source}) ; "
                "--allow-weak-password pour passer outre",
                err=True,
            )
            code = 1
            continue
        scoped = scoped_to(book, project_id)
        files, errors = record_attachments(scoped, repo)
        pdfs, pdf_errors = document_attachments(repo, book, scoped, lang=lang)
        files = merge_attachments(files, pdfs)
        errors += pdf_errors
        if errors:
            for error in errors:
                click.echo(f"{error}", err=True)
            click.echo(
                f"{project_id} : pièces jointes en erreur : extranet non construit", err=True
            )
            code = 1
            continue
        report = build_extranet(
            book,
            project_id,
            out_root / project_id,
            found.password,
            lang=lang or book.settings.lang,
            history=history,
            attachments=files,
            staging=staging,
        )
        click.echo(f"{report.out / 'index.html'}")
    return code
