"""Cross-record and business rules, run once on the Book.

Each check is a plain function ``(book) -> list[Problem]`` (Beancount's
``ops/validation.py`` model); the one that compares records with git takes the history
too, ``(book, history)``; those of the files records name take the repository's root,
``(book, root)``. They run on every record, also those with schema errors (with
the fields that validated), and report every problem they find: nothing raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from generator.book.book import KINDS, Book
from generator.checks.agenda import check_bookings, check_dates_order, check_recurrences
from generator.checks.campaigns import check_campaigns
from generator.checks.compliance import check_compliance
from generator.checks.counting import check_counting
from generator.checks.custom_fields import check_custom_fields
from generator.checks.documents import check_document_numbers, check_vat_rates
from generator.checks.einvoice import check_einvoice
from generator.checks.extranet import check_documents_in_projects, check_password_variables
from generator.checks.frozen import check_frozen
from generator.checks.identifiers import check_identifiers
from generator.checks.invoicing import check_billing, check_document_links, check_numbering
from generator.checks.memo import CheckMemo
from generator.checks.originals import check_originals
from generator.checks.parallel import run_each
from generator.checks.paths import check_paths
from generator.checks.people import check_extranet_people
from generator.checks.pipelines import check_pipeline_settings, check_settings_lists, check_stages
from generator.checks.references import check_contact_company, check_references
from generator.checks.renewals import check_renewal_links
from generator.checks.states import check_document_states
from generator.checks.stock import check_movement_lines, check_stock_replay
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.history.trail import History

Check = Callable[[Book], list[Problem]]
HistoryCheck = Callable[[Book, "History | None"], list[Problem]]
FilesCheck = Callable[[Book, Path], list[Problem]]

CHECKS: tuple[Check | HistoryCheck | FilesCheck, ...] = (
    check_references,
    check_contact_company,
    check_pipeline_settings,
    check_stages,
    check_settings_lists,
    check_identifiers,
    check_dates_order,
    check_recurrences,
    check_bookings,
    check_vat_rates,
    check_document_numbers,
    check_numbering,
    check_document_links,
    check_billing,
    check_einvoice,
    check_document_states,
    check_counting,
    check_documents_in_projects,
    check_password_variables,
    check_campaigns,
    check_extranet_people,
    check_movement_lines,
    check_stock_replay,
    check_frozen,
    check_paths,
    check_originals,
    check_renewal_links,
    check_custom_fields,
    check_compliance,
)
"""Every check, in the order their problems are most useful to read."""

READS_HISTORY: frozenset[Callable[..., list[Problem]]] = frozenset({check_frozen, check_originals})
"""The checks that take the history as well."""
READS_FILES: frozenset[Callable[..., list[Problem]]] = frozenset({check_paths})
"""The checks that take the repository's root as well (files the records name); they
do not run without it."""
KEEPS_RESULTS: frozenset[Callable[..., list[Problem]]] = frozenset(
    {check_references, check_stages, check_identifiers}
)
"""The checks that take a :class:`~generator.checks.memo.CheckMemo` as well (``carnet
serve``: they look again only at the records that changed)."""


def run_checks(
    book: Book,
    history: History | None = None,
    root: Path | None = None,
    *,
    jobs: int = 1,
    memo: CheckMemo | None = None,
    early: Mapping[Callable[..., list[Problem]], list[Problem]] | None = None,
) -> list[Problem]:
    """Run every check and return all their problems, but those on a field that failed
    validation (its schema problem says what is wrong; the record holds no value there).
    ``root``: the repository, for the checks of the files records name. ``jobs``: how many
    processes may share the checks of a large Book (:mod:`generator.checks.parallel`).
    ``memo``: what the previous run of this process kept (:mod:`generator.checks.memo`).
    ``early``: the problems of checks already run (:mod:`generator.checks.early`), by check."""

    def run_one(index: int) -> list[Problem]:
        check = CHECKS[index]
        if check in READS_HISTORY:
            return check(book, history)  # type: ignore[call-arg]
        if check in READS_FILES:
            return check(book, root) if root is not None else []  # type: ignore[call-arg]
        if check in KEEPS_RESULTS:
            return check(book, memo)  # type: ignore[call-arg]
        return check(book)  # type: ignore[call-arg]

    records = sum(len(book.by_kind(kind)) for kind in KINDS)
    done = early or {}
    todo = [index for index, check in enumerate(CHECKS) if check not in done]
    each = dict(
        zip(
            todo,
            run_each(len(todo), lambda n: run_one(todo[n]), records=records, jobs=jobs),
            strict=True,
        )
    )
    problems = [
        problem
        for index, check in enumerate(CHECKS)
        for problem in (each[index] if index in each else done[check])
    ]
    faulty = {entry.path: entry.faulty for kind in KINDS for entry in book.of(kind) if entry.faulty}
    if not faulty:
        return problems
    return [p for p in problems if not (p.loc and p.loc[0] in faulty.get(p.path, ()))]


__all__ = ["CHECKS", "READS_FILES", "READS_HISTORY", "run_checks"]
