"""Cross-record and business rules, run once on the Book.

Each check is a plain function ``(book) -> list[Problem]`` (Beancount's
``ops/validation.py`` model); the one that compares records with git takes the history
too, ``(book, history)``. They run on every record, also those with schema errors (with
the fields that validated), and report every problem they find: nothing raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.book.book import Book
from generator.checks.agenda import check_bookings, check_dates_order, check_recurrences
from generator.checks.documents import check_document_numbers, check_vat_rates
from generator.checks.extranet import check_documents_in_projects, check_password_variables
from generator.checks.frozen import check_frozen
from generator.checks.identifiers import check_identifiers
from generator.checks.invoicing import check_billing, check_document_links, check_numbering
from generator.checks.originals import check_originals
from generator.checks.pipelines import check_pipeline_settings, check_settings_lists, check_stages
from generator.checks.references import check_contact_company, check_references
from generator.checks.stock import check_movement_lines, check_stock_replay
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.history.trail import History

Check = Callable[[Book], list[Problem]]
HistoryCheck = Callable[[Book, "History | None"], list[Problem]]

CHECKS: tuple[Check | HistoryCheck, ...] = (
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
    check_documents_in_projects,
    check_password_variables,
    check_movement_lines,
    check_stock_replay,
    check_frozen,
    check_originals,
)
"""Every check, in the order their problems are most useful to read."""

READS_HISTORY: frozenset[Callable[..., list[Problem]]] = frozenset({check_frozen, check_originals})
"""The checks that take the history as well."""


def run_checks(book: Book, history: History | None = None) -> list[Problem]:
    """Run every check and return all their problems."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(book, history) if check in READS_HISTORY else check(book))  # type: ignore[call-arg]
    return problems


__all__ = ["CHECKS", "READS_HISTORY", "run_checks"]
