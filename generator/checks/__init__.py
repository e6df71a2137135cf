"""Cross-record and business rules: each check is ``(Records) -> list[Problem]``."""

from __future__ import annotations

from collections.abc import Callable

from generator.book.records import Entry, Records
from generator.checks.agenda import check_bookings, check_dates_order, check_recurrences
from generator.checks.documents import check_document_numbers, check_vat_rates
from generator.checks.extranet import check_documents_in_projects
from generator.checks.identifiers import check_identifiers
from generator.checks.invoicing import check_billing, check_document_links, check_numbering
from generator.checks.pipelines import check_pipeline_settings, check_settings_lists, check_stages
from generator.checks.references import check_contact_company, check_references
from generator.checks.stock import check_movement_lines, check_stock_replay
from generator.problems import Problem

Check = Callable[[Records], list[Problem]]

CHECKS: tuple[Check, ...] = (
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
    check_movement_lines,
    check_stock_replay,
)
"""Every check, in the order their problems are most useful to read."""


def run_checks(records: Records) -> list[Problem]:
    """Run every check and return all their problems."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(records))
    return problems


__all__ = ["CHECKS", "Entry", "Records", "run_checks"]
