"""The checks that read the records alone, run in a forked child while the Book's views
are computed.

Building the Book of a large repository is the longest step after the parse, and it
runs on one core. Some checks read nothing but the records, their ids, the settings and
the language (:data:`RECORD_CHECKS`): a child forked as soon as the records are known
runs them on an :func:`~generator.book.variants.index_book` (the same records in the same
order, the views left empty) while this process builds the Book, and sends back their
problems. :func:`generator.checks.run_checks` then runs only the other checks, in this
process (the child takes the place of the one :mod:`generator.checks.parallel` would fork
after the Book: a fork holds as much memory as its parent, so one is enough), and puts
every check's problems back in the order of :data:`generator.checks.CHECKS`, so the
result is the same as one process would give. If the child fails, its checks are run
again here, on the Book, where they fail as they would have alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from multiprocessing import get_context
from typing import Any

from generator.book.book import Book
from generator.book.records import Records
from generator.book.variants import index_book
from generator.checks.agenda import check_dates_order
from generator.checks.documents import check_document_numbers, check_vat_rates
from generator.checks.extranet import check_documents_in_projects
from generator.checks.identifiers import check_identifiers
from generator.checks.parallel import SHARED_FROM
from generator.checks.pipelines import check_settings_lists, check_stages
from generator.checks.references import check_contact_company, check_references
from generator.problems import Problem

RECORD_CHECKS: tuple[Callable[[Book], list[Problem]], ...] = (
    check_references,
    check_contact_company,
    check_stages,
    check_settings_lists,
    check_identifiers,
    check_dates_order,
    check_vat_rates,
    check_documents_in_projects,
    check_document_numbers,
)
"""The checks that read only ``settings``, ``lang``, ``ids``, ``of``, ``get``,
``by_kind`` and the records of a Book: nothing it computes. Together they take less time
than the Book's views (about 0.6 s against 0.65 s at reference scale), so that the
Book never waits for them."""

Found = dict[Callable[..., list[Problem]], list[Problem]]


class EarlyChecks:
    """The child running :data:`RECORD_CHECKS`; :meth:`problems` waits for its answer."""

    def __init__(self, child: Any, receiver: Any) -> None:
        self._child, self._receiver = child, receiver

    def problems(self) -> Found:
        """Each check's problems, by check (empty when the child failed: its checks are
        then run by :func:`generator.checks.run_checks` as the others)."""
        try:
            indexed: list[list[Problem]] = self._receiver.recv()
        except (EOFError, OSError):
            indexed = []
        self.close()
        if len(indexed) != len(RECORD_CHECKS):
            return {}
        return dict(zip(RECORD_CHECKS, indexed, strict=True))

    def close(self) -> None:
        """Stop waiting: the child is ended if it still runs."""
        self._receiver.close()
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()


def start_early_checks(records: Records, today: date, *, jobs: int) -> EarlyChecks | None:
    """Fork the child running :data:`RECORD_CHECKS` on the records, when there are enough
    of them and a second core (``None`` otherwise: every check runs on the Book)."""
    count = sum(len(entries) for entries in records.by_kind.values())
    if jobs <= 1 or count < SHARED_FROM or records.settings is None or not hasattr(os, "fork"):
        return None
    context = get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(records, today, sender), daemon=True)
    child.start()
    sender.close()
    return EarlyChecks(child, receiver)


def _child(records: Records, today: date, sender: Any) -> None:
    """The forked child: every record check on the records' index, the problems sent back."""
    try:
        book = index_book(records, today)
        found = [check(book) for check in RECORD_CHECKS]
    except Exception:  # run again, and so reported, by the parent
        found = []
    sender.send(found)
    sender.close()
