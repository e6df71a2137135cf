"""Building one project's extranet: scoped Book → MkDocs site → sealed copy.

Two stages, kept apart so that each can be measured (``bench/extranet_bench.py``):
:func:`stage_extranet` writes the pages and runs MkDocs (nothing encrypted yet, in a
private temporary folder); :func:`seal_extranet` encrypts every page, the search
index and the attachments with one key. :func:`build_extranet` runs both, deriving the
key (PBKDF2, the costly part of sealing) in a thread while MkDocs builds, and
replaces the output folder only once everything is written.

``carnet extranet`` as a target: :func:`generator.extranet.plan.plan_extranets` chooses
the projects and reads their passwords, :func:`build_all` builds each and returns one :class:`ProjectOutcome`
per project (built, or refused and why); nothing here prints.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.extranet.attachments import (
    Attachment,
    AttachmentMap,
    document_attachments,
    merge_attachments,
    plan_attachments,
    record_attachments,
)
from generator.extranet.attachments import seal_attachments as _seal_files
from generator.extranet.brand import Brand, firm_brand
from generator.extranet.calendar import project_calendar
from generator.extranet.crypto import ITERATIONS, SiteKey, derive, new_build_id, search_aad
from generator.extranet.keyring import Holder, Keyring, new_keyring
from generator.extranet.names import OpaqueNames
from generator.extranet.output import (
    MARKER,
    MARKER_TEXT,
    private_folder,
    staging_area,
)
from generator.extranet.pages import write_pages
from generator.extranet.passwords import ProjectPassword
from generator.extranet.people import holders_of
from generator.extranet.plan import ExtranetPlan
from generator.extranet.proposals import proposal_form
from generator.extranet.scope import scoped_to
from generator.extranet.seal import seal_site
from generator.extranet.search import site_index
from generator.extranet.theme import mkdocs_config, run_mkdocs, theme_scripts
from generator.files.yamlio import atomic_write
from generator.problems import Refused
from generator.templating import templates_dir


@dataclass(frozen=True, slots=True)
class ExtranetReport:
    """One built extranet."""

    project: str
    out: Path
    pages: int
    files: int = 0


@dataclass(frozen=True, slots=True)
class StagedExtranet:
    """An extranet built by MkDocs but not yet sealed."""

    project: str
    site: Path
    search: str
    index: bytes
    attachments: list[Attachment]
    build: str
    """This build's id, bound into every ciphertext (:mod:`generator.extranet.crypto`)."""
    scripts: frozenset[str]
    """The inline scripts pages may run: the theme's own (:func:`theme_scripts`)."""
    brand: Brand = field(default_factory=lambda: Brand(""))
    """The firm the lock screen names (:mod:`generator.extranet.brand`)."""


def stage_extranet(
    book: Book,
    project_id: str,
    work: Path,
    *,
    lang: str = "fr",
    history: Any = None,
    attachments: AttachmentMap | None = None,
    brand: Brand | None = None,
    build: str | None = None,
    names: OpaqueNames | None = None,
    internal: bool = False,
) -> StagedExtranet:
    """Write the scoped pages of ``project_id``, build them with MkDocs under ``work``.

    The search index is built from the built pages and kept in memory (JSON bytes),
    as Material's search plugin would build its own. ``attachments`` is as for
    :func:`build_extranet`. Nothing is encrypted yet: keep ``work`` private (a
    temporary folder) until :func:`seal_extranet` has run. ``brand``: the firm its lock
    screen names (default: the firm's name, no logo); ``build``: this build's id (default:
    a new one); ``names``: the pages' and files' names (default: random ones);
    ``internal``: for the firm's own people, internal notes and costs kept
    (:func:`~generator.extranet.scope.scoped_to`).
    """
    work = work.absolute()  # MkDocs reads docs_dir relative to its config file
    scoped = scoped_to(book, project_id, internal=internal)
    names = names or OpaqueNames()
    planned = plan_attachments(scoped, attachments or {}, names.sealed)
    calendar = project_calendar(scoped, project_id, work, names.sealed, history)
    docs = work / "docs"
    nav = write_pages(
        docs,
        scoped,
        project_id,
        planned,
        names,
        lang=lang,
        history=history,
        calendar=calendar,
        proposals=proposal_form(book, scoped, project_id),
    )
    assets = templates_dir() / "extranet"
    for name in ("carnet-extranet.js", "carnet-extranet.css"):
        atomic_write(docs / "assets" / name, (assets / name).read_bytes())
    atomic_write(
        docs / "assets" / "carnet.css",
        (templates_dir() / "site" / "assets" / "carnet.css").read_bytes(),
    )
    site = work / "site"
    area = "Client area" if lang.startswith("en") else "Espace client"
    area = brand.area if brand is not None and brand.area else area
    # the firm's, never the client's; themes print site_name unescaped
    title = f"{html.escape(book.settings.firm.name)} — {area}"
    atomic_write(work / "mkdocs.yml", json.dumps(mkdocs_config(docs, site, lang, nav, title)))
    run_mkdocs(work / "mkdocs.yml")
    files = [a for items in planned.values() for a in items]
    if calendar is not None:
        files.append(calendar)
    return StagedExtranet(
        project_id,
        site,
        names.sealed(),
        site_index(site),
        files,
        build or new_build_id(),
        theme_scripts(lang),
        brand or Brand(book.settings.firm.name),
    )


def seal_extranet(
    staged: StagedExtranet, key: SiteKey, slots: tuple[str, ...] = ()
) -> tuple[int, int]:
    """Encrypt the staged site in place: pages, search index, attachments; their counts.
    ``slots``: the key wrapped for each person (:mod:`generator.extranet.keyring`)."""
    pages = seal_site(
        staged.site, key, staged.build, staged.scripts, staged.search, staged.brand, slots
    )
    index = staged.site / staged.search
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_bytes(key.encrypt(staged.index, search_aad(staged.build)))
    return pages, _seal_files(staged.site, key, staged.attachments, staged.build)


def build_extranet(
    book: Book,
    project_id: str,
    out: Path,
    password: str | None,
    *,
    lang: str = "fr",
    iterations: int = ITERATIONS,
    history: Any = None,
    attachments: AttachmentMap | None = None,
    staging: Path | None = None,
    brand: Brand | None = None,
    holders: Sequence[Holder] = (),
) -> ExtranetReport:
    """Build and seal the extranet of ``project_id`` into ``out`` (replaced whole).

    Its key is derived from ``password`` (one shared password), or, when ``holders`` are
    given, drawn at random and wrapped once for each of them
    (:func:`generator.extranet.keyring.new_keyring`; ``password`` is then unused).

    The clear pages live in a private folder (0700) inside ``staging`` (by default the
    system's temporary folder), removed when the build ends, fails or is interrupted;
    ``out`` receives only sealed files, and the marker :data:`~generator.extranet.output.MARKER`.
    The caller checks that ``out`` may be replaced
    (:func:`generator.extranet.output.check_outputs`).

    ``attachments`` maps an interaction id of the extranet to the files shipped with
    it, each a ``(display file name, absolute path)`` pair: the display name is what
    the client sees and the name the browser saves the file under; the path is read
    once, at build time. Sources are merged by the caller
    (:func:`generator.extranet.attachments.merge_attachments`): the interactions' own
    ``attachment:`` fields (:func:`~generator.extranet.attachments.record_attachments`),
    issued invoice PDFs (:func:`~generator.extranet.attachments.document_attachments`), or
    anything else. An id
    outside the extranet's scope, or a path that is not a file, raises ``ValueError``
    before anything is written. Each file is stored encrypted under an opaque name;
    its card (and the « Documents » page) links to it. ``brand``: the firm the lock
    screen names (:func:`generator.extranet.brand.firm_brand`; default: its name alone).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    build = new_build_id()
    with ThreadPoolExecutor(max_workers=1) as pool:
        # PBKDF2 frees the GIL: keys are derived while MkDocs builds
        if holders:
            key_future = pool.submit(new_keyring, holders, build, iterations)
        else:
            key_future = pool.submit(lambda: Keyring(derive(password or "", None, iterations), ()))
        with private_folder(staging) as tmp:
            staged = stage_extranet(
                book,
                project_id,
                tmp,
                lang=lang,
                history=history,
                attachments=attachments,
                brand=brand,
                build=build,
            )
            keyring = key_future.result()
            pages, files = seal_extranet(staged, keyring.site, keyring.slots)
            _replace(staged.site, out)
    return ExtranetReport(project_id, out, pages, files)


def _replace(sealed: Path, out: Path) -> None:
    """Copy the ``sealed`` site next to ``out``, then swap it in by renames.

    Only sealed files ever reach the output folder: the clear pages stay in the
    private temporary folder, which is removed even when the build fails.
    """
    token = secrets.token_hex(4)
    new, old = out.parent / f".{out.name}.new-{token}", out.parent / f".{out.name}.old-{token}"
    shutil.copytree(sealed, new)
    (new / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    """One project of :func:`build_all`: its report when built, else why not (and the
    attachments that failed), and whether that fails the run."""

    project: str
    report: ExtranetReport | None = None
    refusal: Refused | None = None
    errors: tuple[Refused, ...] = ()
    fails: bool = False


def build_all(
    repo: Path,
    book: Book,
    history: Any,
    plan: ExtranetPlan,
    out_root: Path,
    *,
    lang: str | None = None,
    allow_weak: bool = False,
    on_project: Callable[[ProjectOutcome], None] | None = None,
) -> list[ProjectOutcome]:
    """Build every extranet of ``plan`` into ``out_root/<project>``; one outcome each
    (``on_project`` receives each as soon as it is known).

    A project without a password is skipped (a failure only when it was named), one with
    a weak password is refused unless ``allow_weak``, one whose attachments or documents
    fail is not built. Each extranet ships its interactions' attachments and its issued
    documents' PDFs (rendered or reused by :mod:`generator.documents`).
    """
    staging = staging_area(repo)
    outcomes = []
    for project_id, found in plan.passwords.items():
        outcome = _build_one(
            repo, book, history, project_id, found, plan, out_root, lang, allow_weak, staging
        )
        outcomes.append(outcome)
        if on_project is not None:
            on_project(outcome)
    return outcomes


def _build_one(
    repo: Path,
    book: Book,
    history: Any,
    project_id: str,
    found: ProjectPassword,
    plan: ExtranetPlan,
    out_root: Path,
    lang: str | None,
    allow_weak: bool,
    staging: Path,
) -> ProjectOutcome:
    extranet = book.projects[project_id].record.extranet
    holders: list[Holder] = []
    if project_id in plan.people:
        holders, refusal = holders_of(project_id, plan.people[project_id], allow_weak=allow_weak)
        if refusal is not None:
            missing = refusal.code == "extranet-person-password-missing"
            fails = project_id in plan.named or not missing
            return ProjectOutcome(project_id, refusal=refusal, fails=fails)
    elif found.password is None:
        variable = extranet.password_env if extranet else None
        refusal = (
            Refused("extranet-password-missing-env", id=project_id, variable=variable)
            if variable
            else Refused("extranet-password-missing", id=project_id)
        )
        return ProjectOutcome(project_id, refusal=refusal, fails=project_id in plan.named)
    if found.shared_with and not holders:
        projects = ", ".join(found.shared_with)
        refusal = Refused("extranet-password-reused", id=project_id, projects=projects)
        return ProjectOutcome(project_id, refusal=refusal, fails=True)
    if found.weak_reason and not allow_weak and not holders:
        weak = found.weak_reason
        refusal = Refused(
            "extranet-password-weak",
            id=project_id,
            reason=weak.message("fr"),
            reason_en=weak.message("en"),
            source=found.source,
        )
        return ProjectOutcome(project_id, refusal=refusal, fails=True)
    scoped = scoped_to(book, project_id)
    files, errors = record_attachments(scoped, repo)
    pdfs, pdf_errors = document_attachments(repo, book, scoped, lang=lang)
    errors += pdf_errors
    if errors:
        refusal = Refused("extranet-attachments-failed", id=project_id)
        return ProjectOutcome(project_id, refusal=refusal, errors=tuple(errors), fails=True)
    report = build_extranet(
        book,
        project_id,
        out_root / project_id,
        found.password,
        lang=lang or book.settings.lang,
        history=history,
        attachments=merge_attachments(files, pdfs),
        staging=staging,
        brand=firm_brand(book, repo),
        holders=holders,
    )
    return ProjectOutcome(project_id, report)
