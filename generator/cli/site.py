"""The ``build`` command's library side: validate, read history, build, report."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import click

from generator.load import load
from generator.problems import Problem, printable


def print_problems(problems: list[Problem]) -> None:
    """Problems on stderr, one per line (with their hint)."""
    for problem in problems:
        click.echo(problem.format_text(), err=True)


def load_history_for(
    repo: Path, until_commit: str | None = None, lang: str = "fr"
) -> tuple[Any, Problem | None]:
    """The git history of ``repo`` (or None), and the ``info`` notice when there is none."""
    from generator.history.trail import history_notice, load_history

    history = load_history(repo)
    if history is None:
        return None, history_notice(repo, lang)
    if until_commit is not None:
        history = history.until(until_commit)
    return history, None


def release_free_memory() -> None:
    """Give the heap pages freed with the Book back to the system (glibc ``malloc_trim``),
    so that MkDocs' peak does not stack on memory Carnet no longer uses."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def run_build(
    repo: Path,
    out: Path,
    *,
    rev: str | None = None,
    today: date | None = None,
    lang: str | None = None,
    strict: bool = False,
    trust_config: bool = False,
) -> int:
    """Validate then build the internal site into ``out``; the exit code.

    The repository's ``mkdocs.yml`` (of the working tree, also with ``rev``) is checked
    with the data: MkDocs never reads it unless ``trust_config``.
    """
    from generator.history.timetravel import ImpossibleDate, RevisionError, data_at
    from generator.site.build import SiteError, publish_site, stage_site
    from generator.site.config import SiteConfigError, read_site_config

    site_config = read_site_config(repo, trust=trust_config, lang=lang or "fr")
    try:
        source = data_at(repo, rev) if rev else nullcontext((repo, None))
        with source as (data_repo, commit):
            result = load(data_repo, today=today, lang=lang, use_cache=rev is None)
            errors = [
                p for p in result.problems if p.is_error or (strict and p.severity == "warning")
            ]
            if errors or result.book is None or site_config.problems:
                print_problems([*site_config.problems, *result.problems])
                what = "dans les données" if errors or result.book is None else "dans mkdocs.yml"
                click.echo(f"carnet: erreurs {what} : site non construit", err=True)
                return 1
            history, notice = load_history_for(repo, commit, lang or "fr")
            if notice is not None:
                print_problems([notice])
            staged = stage_site(
                repo,
                result.book,
                out,
                history=history,
                lang=lang or result.book.settings.lang,
                digests=result.digests,
                site_config=site_config,
            )
            del result, history  # MkDocs needs the memory more than we need the Book
            gc.collect()
            release_free_memory()
            report = publish_site(staged, strict=strict)
    except ImpossibleDate as exc:
        click.echo(f"carnet: date impossible : {printable(str(exc))} (AAAA-MM-JJ)", err=True)
        return 2
    except RevisionError as exc:
        click.echo(f"carnet: révision inconnue : {printable(str(exc))}", err=True)
        return 2
    except SiteError as exc:
        click.echo(f"carnet: {exc}", err=True)
        return 1
    except SiteConfigError as exc:
        print_problems(exc.problems)
        click.echo("carnet: configuration refusée : site non construit", err=True)
        return 1
    for warning in report.warnings:
        click.echo(f"mkdocs: {warning}", err=True)
    if report.missing_pdfs:
        click.echo(
            f"{len(report.missing_pdfs)} document(s) sans PDF (par exemple "
            f"{report.missing_pdfs[0]}) : lancez « carnet documents » puis reconstruisez",
            err=True,
        )
    mode = "complète" if report.clean else "incrémentale"
    click.echo(
        f"Site construit ({mode}, {report.pages} pages, {report.written} réécrites) : "
        f"{report.out / 'index.html'}",
        file=sys.stdout,
    )
    return 1 if strict and report.warnings else 0
