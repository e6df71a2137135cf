"""``carnet stock validate``: draft → validated, only if the stock stays right.

The stock checks of ``carnet validate`` (:mod:`generator.checks.stock`) run on the state
the repository would be in once the movement is validated: a shipment that would drive a
product below zero on any date, take out a serial not in stock, or receive a serial
already in stock is refused with ``path:line:col`` problems, and nothing is written.
Validating an incoming movement registers its serials; an outgoing one removes them.

Then the file is committed alone (:meth:`generator.cli.common.Writing.save`): that commit
anchors the movement, which must not change afterwards (:mod:`generator.checks.frozen`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.book.book import Book
from generator.book.records import Entry
from generator.book.variants import with_entry
from generator.checks.stock import check_movement_lines, check_stock_replay
from generator.files.edits import ChangeSet
from generator.files.reading import locate
from generator.problems import Problem, Refused
from generator.schema.common import MovementStatus


def would_be_problems(repo: Path, book: Book, movement: Entry, lang: str = "fr") -> list[Problem]:
    """The stock errors the repository would have once ``movement`` is validated."""
    validated = Entry(
        movement.kind,
        movement.id,
        movement.path,
        movement.record.model_copy(update={"status": MovementStatus.VALIDATED}),
    )
    after = with_entry(book, validated)
    problems = check_movement_lines(after) + check_stock_replay(after)
    return locate(repo, [p for p in problems if p.is_error], lang)


def validation(repo: Path, movement: Entry) -> ChangeSet:
    """The change that validates ``movement``: ``status: validated`` (round-trip edit), to
    write and commit alone (:meth:`generator.cli.common.Writing.save`).

    Refused when the movement is not a draft.
    """
    if movement.record.status is not MovementStatus.DRAFT:
        raise Refused("stock-already-validated", id=movement.id)
    changes = ChangeSet(repo)
    changes.edit(movement.path)["status"] = MovementStatus.VALIDATED.value
    return changes


@dataclass(frozen=True, slots=True)
class Validation:
    """What validating a movement would write, and the stock errors it would cause (the
    movement is validated only when there are none)."""

    changes: ChangeSet
    problems: list[Problem]


def plan_validation(repo: Path, book: Book, movement: Entry, lang: str = "fr") -> Validation:
    """The validation of ``movement`` (refused when it is not a draft) and the problems the
    repository would have once it is validated."""
    changes = validation(repo, movement)
    return Validation(changes, would_be_problems(repo, book, movement, lang))
