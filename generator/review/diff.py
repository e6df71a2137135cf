"""The semantic diff of two revisions: records added, removed, renamed and their fields
(old → new, with the French labels of the schema); documents issued or credited between
them, with numbers and amounts; totals that moved (turnover, each pipeline's stages,
stock of the products touched); problems introduced or fixed.

The record changes come from the one git history reader
(:func:`generator.history.compare.compare_revisions`); the rest from the Book of each
revision, loaded as ``--at`` does (:func:`generator.load.load`). A revision whose data
has errors has no Book: its documents and totals are left out, its problems are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.files.layout import SETTINGS_PATH, kind_of
from generator.history.compare import compare_revisions
from generator.history.fielddiff import ADDED, DELETED, RENAMED
from generator.history.view import record_label
from generator.load import load
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.book.book import Book


@dataclass(frozen=True, slots=True)
class FieldMove:
    """One field of a record: its dotted path, its label, the value before and after."""

    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class RecordMove:
    """A record added, removed, renamed or modified (``status``), and its fields."""

    path: str
    name: str
    status: str
    old_path: str | None = None
    fields: tuple[FieldMove, ...] = ()
    unreadable: bool = False


@dataclass(frozen=True, slots=True)
class DocumentMove:
    """A document numbered between the two revisions (``issued``), or whose number
    disappeared (``removed``, which a frozen document never should)."""

    number: str
    kind: str
    status: str
    party: str
    net: Decimal
    gross: Decimal
    issued: date | None


@dataclass(frozen=True, slots=True)
class TotalMove:
    """A figure that moved: ``key`` (``turnover``, ``pipeline``, ``stock``), what it is
    about, its value before and after (``None``: no Book on that side)."""

    key: str
    subject: str
    detail: str
    old: Decimal | None
    new: Decimal | None
    money: bool = True


@dataclass(frozen=True, slots=True)
class ReviewDiff:
    """Everything :func:`review_diff` found between ``base`` and ``head`` (full ids)."""

    base: str
    head: str
    records: tuple[RecordMove, ...]
    documents: tuple[DocumentMove, ...]
    totals: tuple[TotalMove, ...]
    introduced: tuple[Problem, ...]
    fixed: tuple[Problem, ...]
    incomplete: tuple[str, ...] = field(default=())
    """The revisions (``base``, ``head``) whose data has errors: no Book, no totals."""

    @property
    def empty(self) -> bool:
        """Nothing changed that a reviewer would see."""
        return not (self.records or self.documents or self.totals or self.introduced or self.fixed)


def review_diff(repo: Path, base: str, head: str, *, today: date, lang: str = "fr") -> ReviewDiff:
    """The semantic diff from revision ``base`` to ``head`` of the repository ``repo``."""
    comparison = compare_revisions(repo, base, head)
    before = load(repo, today=today, lang=lang, at=comparison.base)
    after = load(repo, today=today, lang=lang, at=comparison.head)
    incomplete = tuple(
        side for side, result in (("base", before), ("head", after)) if result.book is None
    )
    documents: tuple[DocumentMove, ...] = ()
    totals: tuple[TotalMove, ...] = ()
    if before.book is not None and after.book is not None:
        documents = tuple(_documents(before.book, after.book))
        touched = {e[0] for e in comparison.changes} | {
            e[2] for e in comparison.changes if e[4] == RENAMED and not e[1]
        }
        totals = tuple(_totals(before.book, after.book, touched, lang))
    old_keys = {_problem_key(p) for p in before.problems}
    new_keys = {_problem_key(p) for p in after.problems}
    return ReviewDiff(
        comparison.base,
        comparison.head,
        tuple(_records(comparison.changes, lang)),
        documents,
        totals,
        tuple(p for p in after.problems if _problem_key(p) not in old_keys),
        tuple(p for p in before.problems if _problem_key(p) not in new_keys),
        incomplete,
    )


def _problem_key(problem: Problem) -> tuple[str, str, str]:
    """A problem's identity across revisions: lines move, code, file and message do not."""
    return (problem.path, problem.code, problem.message)


def _records(changes: tuple[tuple[Any, ...], ...], lang: str) -> list[RecordMove]:
    """The record changes grouped by record, in path order."""
    by_path: dict[str, dict[str, Any]] = {}
    for path, name, old, new, kind, note in changes:
        move = by_path.setdefault(
            path, {"status": "modified", "old_path": None, "fields": [], "unreadable": False}
        )
        if not name:
            if kind in (ADDED, DELETED):
                move["status"] = "added" if kind == ADDED else "removed"
            elif kind == RENAMED:
                move["status"], move["old_path"] = "renamed", old
            elif note:
                move["unreadable"] = True
            continue
        move["fields"].append(FieldMove(name, field_label(path, name, lang), old, new))
    return [
        RecordMove(
            path,
            record_label(path),
            m["status"],
            m["old_path"],
            tuple(m["fields"]),
            m["unreadable"],
        )
        for path, m in sorted(by_path.items())
    ]


def field_label(path: str, dotted: str, lang: str = "fr") -> str:
    """« Ville » for ``address.city`` of a company (the schema's French title); the dotted
    path itself in English or when the schema has no title for it."""
    if lang.startswith("en"):
        return dotted
    from generator.schema import KINDS_BY_NAME, Settings
    from generator.schema.explain import field_title

    kind = kind_of(path)
    model = Settings if path == SETTINGS_PATH else KINDS_BY_NAME[kind].model if kind else None
    if model is None:
        return dotted
    return field_title(model, _loc(dotted)) or dotted


def _loc(dotted: str) -> tuple[str | int, ...]:
    """``document.lines[2].unit_price`` → ``("document", "lines", 1, "unit_price")``."""
    loc: list[str | int] = []
    for part in dotted.split("."):
        name, _, rest = part.partition("[")
        if name:
            loc.append(name)
        for index in filter(None, rest.replace("]", "").split("[")) if rest else ():
            loc.append(int(index) - 1 if index.isdigit() else index)
    return tuple(loc)


def _documents(before: Book, after: Book) -> list[DocumentMove]:
    """Documents numbered in ``after`` and not in ``before`` (and the reverse)."""
    moves = [
        _document(after, number, "issued")
        for number in sorted(after.numbers)
        if number not in before.numbers
    ]
    moves += [
        _document(before, number, "removed")
        for number in sorted(before.numbers)
        if number not in after.numbers
    ]
    return moves


def _document(book: Book, number: str, status: str) -> DocumentMove:
    key = book.numbers[number]
    record = book.interactions[key].record
    totals = book.document_totals[key]
    company = book.companies.get(record.company) if record.company else None
    return DocumentMove(
        number,
        str(record.document.kind),
        status,
        company.record.name if company is not None else (record.company or ""),
        totals.net,
        totals.gross,
        record.document.issued,
    )


def _totals(before: Book, after: Book, touched: set[str], lang: str) -> list[TotalMove]:
    """Turnover, pipeline stages and stock levels whose value moved."""
    moves: list[TotalMove] = []
    old_turnover = sum(before.turnover_by_month.values(), Decimal(0))
    new_turnover = sum(after.turnover_by_month.values(), Decimal(0))
    if old_turnover != new_turnover:
        moves.append(TotalMove("turnover", "", "", old_turnover, new_turnover))
    for key, stages in after.pipeline_totals.items():
        old_stages = {s.stage: s for s in before.pipeline_totals.get(key, ())}
        label = after.settings.pipelines[key].label
        for stage in stages:
            old = old_stages.get(stage.stage)
            old_count, old_amount = (old.count, old.amount) if old else (0, Decimal(0))
            if old_count != stage.count:
                moves.append(
                    TotalMove(
                        "pipeline-count",
                        label,
                        stage.stage,
                        Decimal(old_count),
                        Decimal(stage.count),
                        money=False,
                    )
                )
            if old_amount != stage.amount:
                moves.append(TotalMove("pipeline", label, stage.stage, old_amount, stage.amount))
    products = {
        entry.id: entry
        for book in (before, after)
        for entry in book.products.values()
        if entry.path in touched
        or any(after_entry.path in touched for after_entry in _movements_of(book, entry.id))
    }
    for product_id, entry in sorted(products.items()):
        old = before.stock_on_hand.get(product_id)
        new = after.stock_on_hand.get(product_id)
        if old != new:
            moves.append(TotalMove("stock", entry.record.name, product_id, old, new, money=False))
    return moves


def _movements_of(book: Book, product_id: str) -> list[Any]:
    return [book.movements[m] for m in book.movements_by_product.get(product_id, ())]
