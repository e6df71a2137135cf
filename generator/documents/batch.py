"""Every document at once: in parallel on all cores, skipping those whose content did
not change since the last run.

A document's key is the digest of its HTML, its Factur-X XML, the document templates
and stylesheet, the logo, WeasyPrint's version and Carnet's own code. The keys of the
PDFs in an output folder are kept in its manifest (``.carnet-documents.json``), with the
digest of each PDF's bytes; a PDF whose key is unchanged is not rendered again, and the
PDFs of documents that no longer exist (a deleted record, a draft now issued under its
number) are removed. Files that the manifest does not list — reminders, the user's own
files — are never touched. An issued document that has its original in
``data/documents/issued/`` is copied from it, never rendered again (its key is the
original's digest).

A PDF is Carnet's own only when the manifest lists it with the digest of its bytes and
git does not track the manifest: a pull request that commits ``build/documents/`` (a
manifest copied from a clean run, a forged PDF with another IBAN, a link to
``.carnet-secrets.yaml``) gets its files rendered again, never reused, shipped or
published. Nothing in the folder is read through a link.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import import_module
from itertools import chain
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.naming import resolve_names
from generator.documents import kinds
from generator.documents.inputs import content_key, inputs_key, static_digest, templates_digest
from generator.documents.manifest import (
    Manifest,
    is_own_pdf,
    pdf_digest,
    read_manifest,
    write_manifest,
    write_output,
)
from generator.documents.originals import originals_folder, read_original
from generator.documents.render import finish, prepare
from generator.files.output import BUILD, is_plain_file, output_dir
from generator.history.git import tracked_under
from generator.problems import Problem, Refused, make_problem


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one document."""

    interaction_id: str
    name: str
    key: str | None
    written: bool
    error: tuple[str, dict[str, str]] | None = None
    """The refusal's code and parameters (plain data: outcomes cross processes)."""
    digest: str | None = None
    """The digest of the PDF's bytes (:func:`pdf_digest`), when there is one."""


@dataclass(slots=True)
class BatchReport:
    """Paths written, paths already up to date, stale paths removed, and the documents
    that could not be rendered (one refusal each)."""

    written: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    errors: list[Refused] = field(default_factory=list)

    def causes(self) -> list[tuple[Refused, int]]:
        """:func:`causes` of :attr:`errors`."""
        return causes(self.errors)


def causes(errors: Iterable[Refused]) -> list[tuple[Refused, int]]:
    """Each distinct refusal once, with how many documents met it: a broken logo stops
    every document the same way, and is one cause to fix, not one line per document."""
    counted: dict[tuple[str, tuple[tuple[str, str], ...]], list[Any]] = {}
    for error in errors:
        key = (error.code, tuple(sorted((k, str(v)) for k, v in error.params.items())))
        counted.setdefault(key, [error, 0])[1] += 1
    return [(error, count) for error, count in counted.values()]


def default_out(repo: Path, *, create: bool = True) -> Path:
    """Where the documents' PDFs go unless told otherwise: ``build/documents/``, never
    reached through a link (``Refused("output-link")``)."""
    return output_dir(repo, "documents", create=create)


def build_tracked(repo: Path, lang: str = "fr") -> list[Problem]:
    """A warning (``build-tracked``) when git tracks files under ``build/``: they came
    with the repository, so Carnet trusts none of them (PDFs are rendered again)."""
    if not tracked_under(repo, (BUILD,)):
        return []
    return [make_problem("build-tracked", BUILD, lang=lang)]


def named_documents(repo: Path, book: Book, names: tuple[str, ...] | list[str]) -> list[str]:
    """The interaction ids of the documents ``names`` designate (ids, ``kind/id`` or
    numbers); refused for a name that designates no sales document."""
    ids = []
    for source in resolve_names(repo, names, dict(book.numbers)):
        entry = book.interactions.get(source.id) if source.kind == "interaction" else None
        if entry is None or not kinds.is_document(entry):
            raise Refused("document-not-sales", other=f"{source.kind}/{source.id}")
        ids.append(source.id)
    return ids


def site_pdfs(
    repo: Path,
    book: Book,
    *,
    out: Path | None = None,
    jobs: int | None = None,
    memo: DocumentMemo | None = None,
    digests: Mapping[str, bytes] | None = None,
) -> tuple[dict[str, Path], list[Refused]]:
    """File name → path of the PDF of every document of ``book``, rendered (only the
    missing or stale ones, in parallel) or copied from its original into ``out``
    (default: :func:`default_out`, the folder and content cache of ``carnet
    documents``); and the documents that could not be made. For ``carnet build``
    (``memo`` and ``digests``: ``carnet serve``, see :func:`render_all`)."""
    target = out if out is not None else default_out(repo)
    lang = book.settings.lang
    report = render_all(repo, book, target, lang=lang, jobs=jobs, memo=memo, digests=digests)
    return {path.name: path for path in [*report.written, *report.up_to_date]}, report.errors


def rendered_pdfs(
    repo: Path, book: Book, ids: list[str], *, lang: str | None = None
) -> tuple[dict[str, Path], list[Refused]]:
    """The PDFs of the documents ``ids`` (interaction id → path), rendered or reused in
    :func:`default_out` (:func:`render_all`), and the documents that could not be."""
    out = default_out(repo)
    report = render_all(repo, book, out, ids, lang=lang)
    done = set(report.written) | set(report.up_to_date)
    found = {}
    for key in ids:
        path = out / kinds.output_name(book.interactions[key])
        if path in done:
            found[key] = path
    return found, report.errors


def document_ids(book: Book) -> list[str]:
    """Every document Carnet prints (purchase orders are the supplier's business)."""
    return [key for key in book.documents if kinds.is_document(book.interactions[key])]


DocumentMemo = dict[str, tuple[str, str]]
"""Interaction id → (its :func:`~generator.documents.inputs.inputs_key`, its content key):
what ``carnet serve`` keeps of the previous run."""


@dataclass(frozen=True, slots=True)
class _Job:
    book: Book
    repo: Path | None
    lang: str | None
    out: Path
    manifest: Manifest
    static: bytes
    originals: Path | None = None
    """The folder issued documents' originals are copied from (``None``: none copied)."""
    known: Mapping[str, str] = field(default_factory=dict)
    """Content keys already known for documents whose inputs did not change (a memo)."""


_JOB: _Job | None = None
"""The batch being rendered; worker processes inherit it by fork (no pickled Book)."""
FORK_FROM = 3
"""Fewer PDFs to render than this are rendered here, without forking workers."""


def _render_one(interaction_id: str) -> Outcome:
    kept = _kept_one(interaction_id)
    return kept if isinstance(kept, Outcome) else _finish_one(interaction_id, *kept)


def _kept_one(interaction_id: str) -> Outcome | tuple[Any, str]:
    """The outcome of a document whose PDF needs no rendering (up to date, or copied
    from its original, or refused), else what rendering it starts from: its prepared
    HTML and XML, and its key."""
    job = _JOB
    assert job is not None
    entry = job.book.interactions[interaction_id]
    name = kinds.output_name(entry)
    original = read_original(job.originals, entry)
    if original is not None:
        return _copy_original(job, interaction_id, name, original)
    try:
        target = job.out / name
        known_key, digest = job.manifest.get(name, (None, None))
        key = job.known.get(interaction_id)
        if key is not None and known_key == key and is_own_pdf(target, digest):
            return Outcome(interaction_id, name, key, written=False, digest=digest)
        prepared = prepare(job.book, interaction_id, repo=job.repo, lang=job.lang)
        key = content_key(prepared.html, prepared.xml, job.static)
        if known_key == key and is_own_pdf(target, digest):
            return Outcome(interaction_id, name, key, written=False, digest=digest)
    except Refused as exc:
        return _refused(interaction_id, name, exc)
    return prepared, key


def _finish_one(interaction_id: str, prepared: Any, key: str) -> Outcome:
    """Render the PDF of a prepared document and write it."""
    job = _JOB
    assert job is not None
    name = kinds.output_name(job.book.interactions[interaction_id])
    try:
        pdf = finish(prepared, repo=job.repo)
        write_output(job.out / name, pdf)
    except Refused as exc:
        return _refused(interaction_id, name, exc)
    return Outcome(interaction_id, name, key, written=True, digest=pdf_digest(pdf))


def _refused(interaction_id: str, name: str, exc: Refused) -> Outcome:
    job = _JOB
    assert job is not None
    if exc.code == "document-resource-refused":
        path = job.book.interactions[interaction_id].path
        exc = Refused("document-resource-refused-in", file=path, **exc.params)
    return Outcome(interaction_id, name, None, False, (exc.code, exc.params))


def _copy_original(job: _Job, interaction_id: str, name: str, original: bytes) -> Outcome:
    """An issued document's PDF is its original, copied as is (never rendered again)."""
    digest = pdf_digest(original)
    key = f"original-{digest}"
    target = job.out / name
    known_key, known_digest = job.manifest.get(name, (None, None))
    if known_key == key and is_own_pdf(target, known_digest):
        return Outcome(interaction_id, name, key, written=False, digest=digest)
    write_output(target, original)
    return Outcome(interaction_id, name, key, written=True, digest=digest)


def _warm_up(xml: bool) -> None:
    """Import the renderers once, before forking: the workers inherit the modules
    instead of importing them each (about a second of CPU apiece): WeasyPrint, and
    Factur-X when some document embeds its XML."""
    import_module("generator.documents.pdf")
    if xml:
        import_module("generator.documents.facturx.cii")


def _run(ids: list[str], jobs: int) -> Iterable[Outcome]:
    """The outcome of each of ``ids``. Each document is prepared here and its key
    compared with its PDF's: only those to render again go to WeasyPrint, on ``jobs``
    workers forked at the first few found (a worker forked from this process counts
    again the memory it holds, the Book: worth it for WeasyPrint's work only, never
    for PDFs that are up to date)."""
    stale: list[tuple[str, Any, str]] = []
    pool: ProcessPoolExecutor | None = None
    futures = []
    try:
        for key in ids:
            kept = _kept_one(key)
            if isinstance(kept, Outcome):
                yield kept
                continue
            stale.append((key, *kept))
            if pool is None and jobs > 1 and len(stale) >= FORK_FROM:
                _warm_up(any(prepared.xml is not None for _, prepared, _ in stale))
                pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"))
            if pool is not None:
                futures += [pool.submit(_finish_one, *work) for work in stale]
                stale.clear()
        for work in stale:
            yield _finish_one(*work)
        for future in as_completed(futures):
            yield future.result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def render_all(
    repo: Path | None,
    book: Book,
    out: Path,
    ids: list[str] | None = None,
    *,
    lang: str | None = None,
    jobs: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    originals: bool = True,
    memo: DocumentMemo | None = None,
    digests: Mapping[str, bytes] | None = None,
) -> BatchReport:
    """Render ``ids`` (default: every document) into ``out``; only what changed.

    An issued document that has its original (:mod:`generator.documents.originals`) gets
    a copy of it, unless ``originals`` is false (to archive them). Without ``ids``, the
    PDFs of documents that no longer exist are removed. Documents that cannot be rendered
    are reported in ``errors`` (their old PDF, if any, stays).

    ``memo`` and ``digests`` (``carnet serve``): the content key of a document whose
    inputs (:func:`~generator.documents.inputs.inputs_key`) are those of the previous
    run is taken from the memo instead of preparing its HTML and XML again.
    """
    global _JOB
    everything = ids is None
    chosen = document_ids(book) if ids is None else list(dict.fromkeys(ids))
    for key in chosen:
        if key not in book.interactions or not kinds.is_document(book.interactions[key]):
            raise Refused("document-not-printable", id=key)
    out.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(out)
    static = static_digest(book, repo)
    inputs: dict[str, str] = {}
    known: dict[str, str] = {}
    if memo is not None and digests is not None:
        now = static + templates_digest()
        for key in chosen:
            inputs[key] = inputs_key(book, key, digests, now, lang)
            kept = memo.get(key)
            if kept is not None and kept[0] == inputs[key]:
                known[key] = kept[1]
    folder = originals_folder(repo) if originals else None
    _JOB = _Job(book, repo, lang, out, manifest, static, folder, known)
    report = BatchReport()
    keys = dict(manifest)
    fresh = [key for key in chosen if key not in known]
    try:
        outcomes = chain(map(_render_one, known), _run(fresh, jobs or os.cpu_count() or 1))
        for outcome in outcomes:
            if memo is not None and outcome.interaction_id in inputs:
                if outcome.key is not None and outcome.error is None:
                    memo[outcome.interaction_id] = (inputs[outcome.interaction_id], outcome.key)
                else:
                    memo.pop(outcome.interaction_id, None)
            target = out / outcome.name
            if outcome.error is not None:
                code, params = outcome.error
                report.errors.append(Refused(code, **params))
                keys.pop(outcome.name, None)
            else:
                assert outcome.key is not None and outcome.digest is not None
                keys[outcome.name] = (outcome.key, outcome.digest)
                (report.written if outcome.written else report.up_to_date).append(target)
            if on_outcome is not None:
                on_outcome(outcome)
    finally:
        _JOB = None
    if everything:
        if memo is not None:
            for gone in set(memo) - set(chosen):
                del memo[gone]
        current = {kinds.output_name(book.interactions[key]) for key in chosen}
        for name in sorted(set(keys) - current):
            stale = out / name
            if is_plain_file(stale):
                stale.unlink()
                report.removed.append(stale)
            del keys[name]
    write_manifest(out, keys)
    report.written.sort()
    report.up_to_date.sort()
    report.errors.sort(key=lambda refusal: refusal.message("fr"))
    return report
