"""``carnet build`` and ``carnet serve`` as a target: validate, read the history, build the
site, and report. Nothing here prints: the outcome says what to show.

The repository's ``mkdocs.yml`` (of the working tree, also with ``--at``) is checked with
the data: MkDocs never reads it unless ``trust_config``. A build refused for errors in the
data or the configuration carries the problems and the refusal; ``--at`` with a revision
git cannot resolve, or a site folder Carnet did not write, is refused at once
(:class:`~generator.problems.Refused`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator import Progress
from generator.book.privacy import hidden_paths, private_projects, projects_of, without_private
from generator.documents.batch import build_tracked
from generator.files.output import output_dir
from generator.history.reader import history_notice
from generator.load import load
from generator.problems import Problem, Refused
from generator.schema.batch import ParseMemo
from generator.site.build import stage_site, staging_dir
from generator.site.config import SiteConfigError, read_site_config
from generator.site.live import LiveSite
from generator.site.private import HiddenHistory, area_paths
from generator.site.private_sections import private_sections
from generator.site.publish import SiteReport, publish_site

SealPrivate = Callable[..., Any]
"""Prepares the private projects' keys and sealed sections, then writes their sealed
areas into the built site (:class:`generator.extranet.private.PrivateSeal`: called with
``repo, book, areas, cache, lang=``; its ``book``, ``areas`` (each sealing with its
own key), ``kdf()`` for :mod:`generator.site.private_sections`, and
``seal(out, history=)``)."""


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """What a build did: the problems and notices to show, then either the report of the
    site built or the refusal (nothing built)."""

    problems: list[Problem] = field(default_factory=list)
    report: SiteReport | None = None
    refusal: Refused | None = None

    @property
    def exit_code(self) -> int:
        """1 when refused, 0 when built (the command adds ``--strict``'s rule)."""
        return 1 if self.refusal is not None else 0


def release_free_memory() -> None:
    """Give the heap pages freed with the Book back to the system (glibc ``malloc_trim``),
    so that MkDocs' peak does not stack on memory Carnet no longer uses."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def build_repo_site(
    repo: Path,
    out: Path | None = None,
    *,
    rev: str | None = None,
    today: date | None = None,
    lang: str | None = None,
    strict: bool = False,
    trust_config: bool = False,
    progress: Progress | None = None,
    memo: ParseMemo | None = None,
    as_user: str | None = None,
    seal_private: SealPrivate | None = None,
    live: LiveSite | None = None,
) -> BuildOutcome:
    """Validate then build the internal site of ``repo`` into ``out`` (as of ``rev``;
    default ``build/site``, refused at once when a link leads there); ``progress`` hears
    of each step (:data:`generator.Progress`); ``memo`` keeps the parse results in
    memory for the next build of the same process (``carnet serve``).

    Private projects never reach the plain pages (:mod:`generator.book.privacy`);
    ``seal_private`` writes their sealed areas once MkDocs has run (without it, they are
    only left out). ``as_user``: the plain site of one user instead, their private
    projects included, nothing sealed (into an ``out`` that must be given). ``live``
    (``carnet serve``): MkDocs kept in memory, only the pages that changed rendered.
    """
    if as_user is not None and out is None:
        raise Refused("build-as-needs-out")
    out = output_dir(repo, "site", out=out, create=False)
    site_config = read_site_config(repo, trust=trust_config, lang=lang or "fr")
    notices: list[Problem] = []
    try:
        result = load(
            repo,
            today=today,
            lang=lang,
            use_cache=rev is None,
            with_history=True,
            at=rev,
            check_jobs=1,  # checks forked with the Book count it twice (issue 15: memory)
            progress=progress,
            memo=memo,
        )
        errors = [p for p in result.problems if p.is_error or (strict and p.severity == "warning")]
        if errors or result.book is None or site_config.problems:
            problems = [*site_config.problems, *result.problems]
            if errors or result.book is None:
                return BuildOutcome(problems, refusal=Refused("site-data-errors"))
            return BuildOutcome(problems, refusal=Refused("site-config-errors"))
        book = result.book
        if as_user is not None and as_user not in book.settings.users:
            known = ", ".join(book.settings.users)
            return BuildOutcome(refusal=Refused("build-as-unknown-user", user=as_user, known=known))
        keep = projects_of(book, as_user) if as_user is not None else ()
        private = [p for p in private_projects(book) if p not in keep]
        areas: dict[str, str] = {}
        sealer: Any = None
        if private and seal_private is not None:
            stage = staging_dir(repo, out)
            areas = area_paths(private, stage / "private-areas.json")
            sealer = seal_private(
                repo, book, areas, stage / "private", lang=lang or book.settings.lang
            )
        history = result.history
        full_history = history
        if history is not None and private:
            history = HiddenHistory(history, hidden_paths(book, keep))
        if history is None:
            notice = history_notice(repo, lang or "fr")
            notices = [notice] if notice is not None else []
        notices += build_tracked(repo, lang or "fr")
        staged = stage_site(
            repo,
            without_private(book, keep),
            out,
            history=history,
            lang=lang or result.book.settings.lang,
            digests=result.digests,
            site_config=site_config,
            past=rev is not None,
            progress=progress,
            private_areas=sealer.folders() if sealer is not None else None,
            private_sections=private_sections(sealer, full_history) if sealer else None,
            memo=live.memo if live is not None else None,
            index_held=live is not None and live.index_held,
        )
        del result, history  # MkDocs needs the memory more than we need the Book
        if not areas:
            del book, full_history
        if live is not None:
            report = live.publish(staged, progress=progress)
        else:
            gc.collect()
            release_free_memory()
            report = publish_site(staged, strict=strict, progress=progress)
        if sealer is not None:
            if progress is not None:
                progress("private", 0, None)
            notices += sealer.seal(out, history=full_history)
    except SiteConfigError as exc:
        return BuildOutcome([*notices, *exc.problems], refusal=Refused("site-config-refused"))
    return BuildOutcome(notices, report)
