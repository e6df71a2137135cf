"""Every path the settings and the records name: inside the repository, present, usable.

``carnet validate`` finds here what would otherwise stop ``carnet documents``, ``build``,
``extranet`` or ``merge`` on every record, each problem at its ``path:line:col``:

- ``firm.logo``: a file under ``data/`` (where the documents read it), an image WeasyPrint
  can draw — read by content (Pillow, as WeasyPrint does, or SVG), never by its name;
- ``attachment`` (one file) or ``attachments`` (a list), not both: each a file under
  ``data/documents/``;
- ``document.template``: a template name that suits the document's kind;
- the merge templates of ``data/templates/``: each compiles (Jinja2 syntax, known filters
  and tests), and what it includes, imports or extends is a template of that folder.

Every path goes through the one rule for paths records name
(:func:`generator.files.sources.resolve_in_folder`): nothing outside the repository or
hidden is ever read. These checks take the repository's root besides the Book.
"""

from __future__ import annotations

import io
import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.checks.base import at
from generator.files.layout import SETTINGS_PATH
from generator.files.sources import read_inside, resolve_folder, resolve_in_folder
from generator.problems import Problem, did_you_mean, make_problem
from generator.schema.templates import chosen_template, fits, known_templates

LOGO_FOLDER = "data"
"""Where the documents read the firm's logo."""
ATTACHMENTS_FOLDER = "data/documents"
"""Where an interaction's attached files live."""
TEMPLATES_FOLDER = "data/templates"
"""The merge templates (``carnet merge``)."""
TEMPLATE_EXTENSIONS = (".html", ".htm", ".md")
MERGE_FILTERS = frozenset({"money", "date", "short_date", "number"})
"""Filters ``carnet merge`` adds to Jinja2's own (:mod:`generator.documents.merge`)."""
MAX_LOGO_BYTES = 10 * 1024 * 1024
"""A logo is printed on every document: a few hundred kilobytes at most."""
MAX_LOGO_PIXELS = 25_000_000
"""Beyond this, decoding the logo would take hundreds of megabytes (5000 × 5000)."""


def check_paths(book: Book, root: Path) -> list[Problem]:
    """The logo, attached files, document templates and merge templates of ``book``,
    whose files lie in the repository ``root``."""
    return [
        *check_logo(book, root),
        *check_attachments(book, root),
        *check_document_templates(book),
        *check_merge_templates(book, root),
    ]


def check_logo(book: Book, root: Path) -> list[Problem]:
    """``firm.logo`` names an image under ``data/`` that WeasyPrint can draw."""
    logo = book.settings.firm.logo
    if not logo:
        return []
    loc = ("firm", "logo")
    problem = _file_problem(book, root, SETTINGS_PATH, loc, "firm.logo", logo, LOGO_FOLDER)
    if problem is not None:
        return [problem]
    detail = _image_problem(root, logo, book.lang)
    if detail is None:
        return []
    return [at(book, SETTINGS_PATH, loc, "logo-unreadable", quoted=logo, detail=detail)]


def check_attachments(book: Book, root: Path) -> list[Problem]:
    """``attachment`` or ``attachments``, not both; each a file under ``data/documents/``."""
    problems: list[Problem] = []
    for entry in book.of("interaction"):
        r = entry.record
        if r.attachment and r.attachments:
            problems.append(at(book, entry.path, ("attachments",), "attachments-both"))
        named = [(("attachment",), "attachment", r.attachment)] if r.attachment else []
        named += [
            (("attachments", i), f"attachments[{i + 1}]", rel)
            for i, rel in enumerate(r.attachments)
        ]
        for loc, field, rel in named:
            problem = _file_problem(book, root, entry.path, loc, field, rel, ATTACHMENTS_FOLDER)
            if problem is not None:
                problems.append(problem)
    return problems


def check_document_templates(book: Book) -> list[Problem]:
    """``document.template`` names a template that suits the document's kind."""
    problems: list[Problem] = []
    for key in book.documents:
        entry = book.interactions[key]
        doc = entry.record.document
        if doc.template is None:
            continue
        chosen = chosen_template(doc.template)
        loc = ("document", "template")
        if chosen is None:
            problems.append(
                at(
                    book,
                    entry.path,
                    loc,
                    "template-unknown",
                    quoted=doc.template,
                    known=known_templates(),
                )
            )
        elif not fits(doc.kind, chosen):
            problems.append(
                at(
                    book,
                    entry.path,
                    loc,
                    "template-mismatch",
                    quoted=doc.template,
                    kind=doc.kind.value,
                )
            )
    return problems


def _file_problem(
    book: Book, root: Path, path: str, loc: tuple[Any, ...], field: str, rel: str, folder: str
) -> Problem | None:
    """The problem of ``rel``, a file the record ``path`` names at ``loc``, which must lie
    in ``folder``; ``None`` when it is a file there."""
    real = resolve_in_folder(root, folder, rel)
    if real is None:
        return at(book, path, loc, "path-outside", field=field, quoted=rel, folder=folder)
    if real.is_file():
        return None
    return at(
        book,
        path,
        loc,
        "path-missing",
        field=field,
        quoted=rel,
        suggestion=did_you_mean(rel, _files_near(root, rel, folder), book.lang),
    )


def _files_near(root: Path, rel: str, folder: str) -> list[str]:
    """The files of the folder ``rel`` names (or of ``folder``), for a did-you-mean."""
    parent = posixpath.dirname(rel)
    real = resolve_in_folder(root, folder, parent) if parent != folder else None
    base = real or resolve_folder(root, folder)
    if base is None or not base.is_dir():
        return []
    shown = parent if real is not None else folder
    try:
        names = sorted(e.name for e in os.scandir(base) if not e.name.startswith("."))
    except OSError:
        return []
    return [f"{shown}/{name}" for name in names[:1000]]


def _image_problem(root: Path, rel: str, lang: str) -> str | None:
    """Why the file ``rel`` is no image WeasyPrint can draw, or ``None``.

    WeasyPrint opens a raster image with Pillow and an SVG with ElementTree; the same is
    done here, on the file's content, within bounds of size and pixels.
    """
    en = lang.startswith("en")
    real = resolve_in_folder(root, LOGO_FOLDER, rel)
    if real is None or real.stat().st_size > MAX_LOGO_BYTES:
        limit = MAX_LOGO_BYTES // (1024 * 1024)
        return f"larger than {limit} MB" if en else f"plus de {limit} Mo"
    raw = read_inside(root, rel)
    if raw is None:
        return "unreadable file" if en else "fichier illisible"
    if _looks_like_xml(raw):
        return _svg_problem(raw, en)
    from PIL import Image, ImageFile, UnidentifiedImageError

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint sets it: it draws what is there
    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS:
                return (
                    f"{width} × {height} pixels, too large for a logo"
                    if en
                    else f"{width} × {height} pixels, trop grand pour un logo"
                )
            image.load()
    except UnidentifiedImageError:
        return (
            "not an image (PNG, JPEG, GIF, WebP or SVG)"
            if en
            else ("pas une image (PNG, JPEG, GIF, WebP ou SVG)")
        )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return (f"damaged image: {exc}" if en else f"image abîmée : {exc}")[:200]
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return None


def _looks_like_xml(raw: bytes) -> bool:
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _svg_problem(raw: bytes, en: bool) -> str | None:
    """Why ``raw`` is no SVG image, or ``None`` (expat refuses entity expansion bombs)."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, ValueError, RecursionError) as exc:
        return (f"unreadable SVG: {exc}" if en else f"SVG illisible : {exc}")[:200]
    if tree.tag.rsplit("}", 1)[-1] != "svg":
        return "XML, but not an SVG image" if en else "du XML, mais pas une image SVG"
    return None


def check_merge_templates(book: Book, root: Path) -> list[Problem]:
    """Each template of ``data/templates/`` compiles, and what it includes, imports or
    extends is a template of that folder (``carnet merge`` would stop on it otherwise)."""
    folder = resolve_folder(root, TEMPLATES_FOLDER)
    if folder is None or not folder.is_dir():  # a link leading out: the walk of data/ said so
        return []
    try:
        names = sorted(
            e.name
            for e in os.scandir(folder)
            if e.name.endswith(TEMPLATE_EXTENSIONS) and not e.name.startswith(".")
        )
    except OSError:
        return []
    return list(_TemplateChecker(root, book.lang).check_all(names))


def _unsafe(rel: str, name: str, lang: str, line: int = 1) -> Problem:
    detail = (
        f"'{name}' leads outside {TEMPLATES_FOLDER}/"
        if lang.startswith("en")
        else f"« {name} » mène hors de {TEMPLATES_FOLDER}/"
    )
    return make_problem("merge-unsafe", rel, line=line, column=1, lang=lang, detail=detail)


class _TemplateChecker:
    """Parses each template once (never renders nor compiles one: Jinja2 would compute
    constant expressions while compiling, which a hostile template can make endless)."""

    def __init__(self, root: Path, lang: str) -> None:
        from jinja2.sandbox import SandboxedEnvironment

        self.root = root
        self.lang = lang
        self.env = SandboxedEnvironment()
        self.filters = set(self.env.filters) | MERGE_FILTERS
        self.tests = set(self.env.tests)
        self.seen: set[str] = set()

    def check_all(self, names: list[str]) -> Iterator[Problem]:
        """The problems of the templates ``names`` of the folder, and of what they use."""
        for name in names:
            yield from self.check(f"{TEMPLATES_FOLDER}/{name}")

    def check(self, rel: str) -> Iterator[Problem]:
        """The problems of the template at ``rel`` (once per file), then of its includes."""
        if rel in self.seen:
            return
        self.seen.add(rel)
        real = resolve_in_folder(self.root, TEMPLATES_FOLDER, rel)
        if real is None:
            yield _unsafe(rel, posixpath.basename(rel), self.lang)
            return
        if not real.is_file():
            return
        raw = read_inside(self.root, rel)
        try:
            source = raw.decode("utf-8") if raw is not None else None
        except UnicodeDecodeError:
            source = None
        if source is None:
            yield self._invalid(rel, 1, "pas un texte UTF-8", "not UTF-8 text")
            return
        from jinja2 import TemplateSyntaxError

        try:
            tree = self.env.parse(source, posixpath.basename(rel), str(self.root / rel))
        except TemplateSyntaxError as exc:
            detail = exc.message or str(exc)
            yield self._invalid(rel, exc.lineno or 1, detail, detail)
            return
        except (RecursionError, MemoryError):
            yield self._invalid(rel, 1, "imbrication trop profonde", "nesting too deep")
            return
        yield from self._names(rel, tree)
        yield from self._uses(rel, tree)

    def _names(self, rel: str, tree: Any) -> Iterator[Problem]:
        """Unknown filters and tests (Jinja2 would refuse them when compiling)."""
        from jinja2 import nodes

        for node in tree.find_all((nodes.Filter, nodes.Test)):
            known = self.filters if isinstance(node, nodes.Filter) else self.tests
            if node.name not in known:
                what = ("filtre", "filter") if isinstance(node, nodes.Filter) else ("test", "test")
                yield self._invalid(
                    rel,
                    node.lineno,
                    f"{what[0]} « {node.name} » inconnu",
                    f"unknown {what[1]} '{node.name}'",
                )

    def _uses(self, rel: str, tree: Any) -> Iterator[Problem]:
        """Each template named by ``include``, ``import`` or ``extends`` is a template of
        ``data/templates/`` (names are relative to that folder, as
        :class:`generator.documents.sandbox.ConfinedLoader` finds them)."""
        from jinja2 import nodes

        kinds = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)
        for node in tree.find_all(kinds):
            target = node.template
            if not (isinstance(target, nodes.Const) and isinstance(target.value, str)):
                continue  # a name computed when rendering: merge checks it then
            name = target.value
            pieces = [p for p in name.split("/") if p not in ("", ".")]
            if any(p == ".." or p.startswith(".") for p in pieces) or not pieces:
                yield _unsafe(rel, name, self.lang, node.lineno)
                continue
            used = "/".join((TEMPLATES_FOLDER, *pieces))
            real = resolve_in_folder(self.root, TEMPLATES_FOLDER, used)
            if real is None:
                yield _unsafe(rel, name, self.lang, node.lineno)
            elif not real.is_file():
                if isinstance(node, nodes.Include) and node.ignore_missing:
                    continue
                yield make_problem(
                    "merge-template-unknown",
                    rel,
                    line=node.lineno,
                    column=1,
                    lang=self.lang,
                    name=name,
                    known=", ".join(sorted(_templates_in(real.parent))) or "—",
                )
            else:
                yield from self.check(used)

    def _invalid(self, rel: str, line: int, fr: str, en: str) -> Problem:
        detail = en if self.lang.startswith("en") else fr
        return make_problem(
            "merge-template-invalid", rel, line=line, column=1, lang=self.lang, detail=detail
        )


def _templates_in(folder: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.name.endswith(TEMPLATE_EXTENSIONS)]
    except OSError:
        return []


def watched_paths(book: Book) -> list[str]:
    """The repository paths whose state these checks' answer depends on (the validate
    cache is kept only while they are unchanged): the logo, every attached file and the
    merge templates' folder."""
    paths = [book.settings.firm.logo] if book.settings.firm.logo else []
    for entry in book.of("interaction"):
        paths.extend(entry.record.attached)
    paths.append(TEMPLATES_FOLDER)
    return paths
