"""``carnet merge``: a user's template from ``data/templates/`` filled with a record.

Templates are HTML (``.html``) or Markdown (``.md``) with Jinja2 tags: ``{{ firm.name }}``,
``{{ record.last_name }}``, ``{{ record.start | date }}``, ``{{ amount | money }}``… They
run in a :class:`~jinja2.sandbox.SandboxedEnvironment` with ``StrictUndefined``, bounded in
time, memory and size (:mod:`generator.documents.sandbox`): an unknown tag, a syntax
error, an attempt to leave the sandbox or to exhaust the machine is a problem naming the
template's ``path:line``, and nothing is written. HTML templates are autoescaped; the
Markdown of ``.md`` templates is rendered with raw HTML disabled.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    BaseLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.exceptions import SecurityError, UndefinedError
from markupsafe import Markup

from generator import locale
from generator.book.book import Book
from generator.book.naming import resolve_names
from generator.documents.kinds import RESOURCE_REFUSALS
from generator.documents.merge_context import firm_context, record_context
from generator.documents.render import render_template
from generator.documents.sandbox import (
    TEMPLATES,
    BoundedSandbox,
    ConfinedLoader,
    TemplateOutside,
    as_limit,
    render_text,
    run_bounded,
)
from generator.files.sources import resolve_folder, resolve_in_folder
from generator.problems import Problem, Refused, Severity, make_problem
from generator.templating import render_note, templates_dir

SHIPPED = "merge"
"""Templates shipped with Carnet (``site_templates/merge/``), used when ``data/templates/``
has none of that name: ``questionnaire-client``."""

EXTENSIONS = (".html", ".htm", ".md")


class _Unmergeable(Exception):
    """A template that cannot be merged: carries the problem to report. Never leaves this
    module (:func:`merge_records` returns the problem)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """The PDFs of a merge (output file name and bytes, in the order of the records), or
    the problem of the template that stopped it (nothing is to be written then)."""

    files: list[tuple[str, bytes]]
    problem: Problem | None = None


def merge_records(
    book: Book,
    repo: Path,
    template_name: str,
    names: tuple[str, ...] | list[str],
    lang: str,
    messages: str = "fr",
) -> MergeOutcome:
    """``template_name`` merged with each record ``names`` designates, as PDFs.

    The template is found first (a problem if it is unknown or leads outside
    ``data/templates/``), then the names are resolved (refused as a usage error when
    unknown or ambiguous), then each record is merged; the first template problem stops
    the merge. ``lang`` formats the documents, ``messages`` is the language of problems.
    """
    try:
        template = find_template(repo, template_name, messages)
    except _Unmergeable as exc:
        return MergeOutcome([], exc.problem)
    files = []
    for source in resolve_names(repo, names, dict(book.numbers)):
        try:
            pdf = merge_pdf(book, repo, template, source.kind, source.id, lang, messages)
        except _Unmergeable as exc:
            return MergeOutcome([], exc.problem)
        except Refused as exc:
            if exc.code not in RESOURCE_REFUSALS:
                raise
            detail = exc.params.get("detail", "")
            raise Refused(
                "document-resource-refused-in", file=template.rel, detail=detail
            ) from None
        files.append((output_name(template, source.id), pdf))
    return MergeOutcome(files)


@dataclass(frozen=True, slots=True)
class MergeTemplate:
    """A user template: its name (file stem), repository path, real file, and the
    repository it belongs to (its includes are found by the same rule)."""

    name: str
    rel: str
    path: Path
    repo: Path
    shipped: bool = False
    """Shipped with Carnet (``site_templates/merge/``), not the repository's own."""

    @property
    def named(self) -> Path:
        """The template's path as named in the repository (its Jinja file name)."""
        return self.path if self.shipped else self.repo / self.rel

    @property
    def markdown(self) -> bool:
        """Markdown (``.md``) rather than HTML."""
        return self.path.suffix == ".md"


def available_templates(repo: Path) -> list[str]:
    """File names of the templates in ``data/templates/``."""
    folder = resolve_folder(repo, TEMPLATES)
    if folder is None or not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.suffix in EXTENSIONS and not p.name.startswith(".") and p.is_file()
    )


def find_template(repo: Path, name: str, lang: str = "fr") -> MergeTemplate:
    """The template ``name`` (``attestation``, ``attestation.html`` or its path).

    Found by the one rule for paths records name
    (:func:`generator.files.sources.resolve_in_folder`): a template that leads outside
    ``data/templates/`` (a symbolic link, ``..``, the folder itself linked elsewhere, to
    the repository or to a folder holding it) or to a hidden file is refused, never read.
    """
    base = repo / TEMPLATES
    if os.path.lexists(base) and resolve_folder(repo, TEMPLATES) is None:
        raise _Unmergeable(_outside_problem(TEMPLATES, TEMPLATES, lang))
    bare = name.removeprefix(TEMPLATES + "/")
    candidates = [bare] if bare.endswith(EXTENSIONS) else [bare + ext for ext in EXTENSIONS]
    for candidate in candidates:
        path = base / candidate
        if not os.path.lexists(path):
            continue
        named_inside = ".." not in Path(candidate).parts and not Path(candidate).is_absolute()
        rel = f"{TEMPLATES}/{Path(candidate).as_posix()}" if named_inside else TEMPLATES
        real = resolve_in_folder(repo, TEMPLATES, rel) if named_inside else None
        if real is None:
            raise _Unmergeable(_outside_problem(rel, candidate, lang))
        if real.is_file():
            return MergeTemplate(path.stem, rel, real, repo)
    shipped = _shipped_template(repo, bare)
    if shipped is not None:
        return shipped
    own = available_templates(repo)
    shipped_names = sorted(p.name for p in (templates_dir() / SHIPPED).glob("*.html"))
    known = ", ".join([*own, *(n for n in shipped_names if n not in own)])
    raise _Unmergeable(
        make_problem("merge-template-unknown", TEMPLATES, lang=lang, name=name, known=known)
    )


def _shipped_template(repo: Path, name: str) -> MergeTemplate | None:
    """The template ``name`` shipped with Carnet, when the repository has none of its own."""
    folder = templates_dir() / SHIPPED
    stem = name.removesuffix(".html")
    if not stem or "/" in stem or stem.startswith(".") or not (folder / f"{stem}.html").is_file():
        return None
    path = folder / f"{stem}.html"
    return MergeTemplate(stem, f"site_templates/{SHIPPED}/{stem}.html", path, repo, shipped=True)


def _outside_problem(rel: str, name: str, lang: str) -> Problem:
    detail = TemplateOutside(name).detail(lang)
    return make_problem("merge-unsafe", rel, line=1, column=1, lang=lang, detail=detail)


def _environment(template: MergeTemplate, lang: str) -> BoundedSandbox:
    loader = (
        FileSystemLoader(str(template.path.parent))
        if template.shipped
        else ConfinedLoader(template.repo, posixpath.dirname(template.rel))
    )
    return sandbox_environment(
        lang,
        loader=loader,
        autoescape=not template.markdown,
    )


def sandbox_environment(
    lang: str, *, loader: BaseLoader | None = None, autoescape: bool = False
) -> BoundedSandbox:
    """The sandbox merge tags run in (``carnet merge``, campaigns): strict, bounded, with
    the ``money``, ``date``, ``short_date`` and ``number`` filters in ``lang``."""
    env = BoundedSandbox(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined,
        auto_reload=False,
    )

    def money(value: Decimal | int | None) -> str:
        return locale.money(Decimal(value) if value is not None else None, lang)

    def long_date(value: date | None) -> str:
        return locale.long_date(value, lang)

    def short_date(value: date | None) -> str:
        return locale.short_date(value, lang)

    def number(value: Decimal | int | None) -> str:
        return locale.number(value, lang)

    env.filters.update(money=money, date=long_date, short_date=short_date, number=number)
    return env


def _template_line(tb: TracebackType | None, filename: str) -> int:
    """The last line of ``filename`` in a traceback (Jinja maps template frames to lines)."""
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_UNKNOWN = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _problem(template: MergeTemplate, exc: Exception, lang: str) -> Problem:
    """The problem of a failed merge, at its line of the template (1:1 when unknown)."""
    rel, source = template.rel, template.path
    if isinstance(exc, TemplateSyntaxError):
        line = exc.lineno or 1
        code, params = "merge-template-invalid", {"detail": exc.message or str(exc)}
        if exc.filename and Path(exc.filename) != template.named:  # in an included template
            rel = Path(exc.filename).relative_to(template.repo).as_posix()
            source = resolve_in_folder(template.repo, TEMPLATES, rel) or template.path
    else:
        line = _template_line(exc.__traceback__, str(template.named)) or 1
        limit = as_limit(exc)
        if limit is not None:
            code, params = "merge-unsafe", {"detail": limit.detail(lang)}
        elif isinstance(exc, TemplateOutside):
            code, params = "merge-unsafe", {"detail": exc.detail(lang)}
        elif isinstance(exc, SecurityError):
            code, params = "merge-unsafe", {"detail": str(exc)}
        elif isinstance(exc, UndefinedError):
            found = _UNKNOWN.search(str(exc))
            tag = next((g for g in found.groups() if g), str(exc)) if found else str(exc)
            code, params = "merge-unknown-tag", {"tag": tag, "detail": str(exc)}
        else:
            code, params = "merge-template-invalid", {"detail": f"{type(exc).__name__}: {exc}"}
    column = 1
    if code == "merge-unknown-tag":
        text = source.read_text(encoding="utf-8").splitlines()
        if line <= len(text) and params["tag"] in text[line - 1]:
            column = text[line - 1].index(params["tag"]) + 1
    return make_problem(code, rel, line=line, column=column, lang=lang, **params)


def merge_html(
    book: Book,
    repo: Path,
    template: MergeTemplate,
    kind: str,
    record_id: str,
    lang: str,
    messages: str = "fr",
) -> str:
    """The HTML of ``template`` filled with ``kind/record_id``; :class:`_Unmergeable` if not.

    ``lang`` formats amounts and dates; ``messages`` is the language of the problems.
    """
    env = _environment(template, lang)
    context = {
        "firm": firm_context(book, repo),
        "today": book.today,
        **record_context(book, kind, record_id),
    }

    def render() -> dict[str, Any]:  # plain data: it comes back from a child process
        name = posixpath.basename(template.rel)
        try:
            return {"text": render_text(env.get_template(name), context)}
        except _RENDER_ERRORS as exc:
            return {"problem": _problem(template, exc, messages).as_dict()}

    def refused(limit: SecurityError) -> dict[str, Any]:
        return {"problem": _problem(template, limit, messages).as_dict()}

    outcome = run_bounded(render, on_limit=refused)  # compiled and rendered in a child
    if "problem" in outcome:
        found = outcome["problem"]
        raise _Unmergeable(Problem(**{**found, "severity": Severity(found["severity"])}))
    text: str = outcome["text"]
    body = Markup(render_note(text)) if template.markdown else Markup(text)
    if not template.markdown and "<html" in text[:500].lower():
        return text
    return render_template("merge.html", {"lang": lang, "title": template.name, "body": body})


_RENDER_ERRORS = (
    TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    MemoryError,
    RecursionError,
)
"""What a template can make its render raise: each is a problem at its line."""


def output_name(template: MergeTemplate, record_id: str) -> str:
    """``attestation-formation-formation-wordpress-2026.pdf``."""
    return f"{template.name}-{record_id}.pdf"


def merge_pdf(
    book: Book,
    repo: Path,
    template: MergeTemplate,
    kind: str,
    record_id: str,
    lang: str,
    messages: str = "fr",
) -> bytes:
    """The PDF of the merged template (resources only from ``site_templates/`` and ``data/``)."""
    from generator.documents.pdf import html_to_pdf

    html = merge_html(book, repo, template, kind, record_id, lang, messages)
    return html_to_pdf(html, repo=repo)
