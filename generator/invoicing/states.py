"""The CRM state follows the documents: what a command does to a document moves its
interaction's ``state`` (and ``type``, where a sale is won) in the same change.

:func:`follow_documents` reads the change set a command is about to write as it will be
on disk, works out where every document then stands (:mod:`generator.book.progress`) and
edits, in the same change set (one write, one commit: all or nothing), the interactions
of the documents the command touched and of the documents they come from:

- a document issued by the command: ``open`` → ``in_progress`` (a quote sent, an
  invoice awaiting payment…), unless it is settled at once;
- a settled document → ``done``: a quote accepted (and the opportunity it comes from,
  both at their pipeline's ``won`` stage), an order its last invoice bills in full, an
  invoice paid or credited in full, a credit note or delivery note issued.

States only move forward: nothing already ``done`` is reopened (a credit note on an
invoice leaves its order done), and only what the command settles is moved: a document
settled before it (by hand, in data older than this rule) is left as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import ScalarString

from generator.book.book import Book
from generator.book.ledger import invoice_status, is_issued, order_billing
from generator.book.progress import Progress, document_progress
from generator.book.records import Entry
from generator.files.edits import ChangeSet
from generator.files.layout import kind_of
from generator.money import document_totals
from generator.schema.common import State
from generator.schema.interaction import Interaction
from generator.schema.parse import parse_record

HOPS = 3
"""Links followed from a touched document: invoice → order → quote → opportunity."""


def _written(book: Book, changes: ChangeSet) -> dict[str, Entry]:
    """The interactions ``changes`` creates or edits, read back as they will be written."""
    entries: dict[str, Entry] = {}
    for rel, payload in changes.contents().items():
        if kind_of(rel) != "interaction" or not rel.endswith(".yaml"):
            continue
        record, _ = parse_record(Interaction, rel, payload, tz=book.settings.timezone)
        if record is not None:
            key = Path(rel).stem
            entries[key] = Entry("interaction", key, rel, record)
    return entries


def _progress_after(book: Book, written: dict[str, Entry]) -> dict[str, Progress]:
    """Where every document stands once ``written`` replaces the interactions of the same
    id. Only the documents' views are computed again (a few percent of the interactions)."""
    interactions = {**book.interactions, **written}
    documents = {k: e for k, e in interactions.items() if e.record.document is not None}
    totals = {k: t for k, t in book.document_totals.items() if k in documents}
    for key, entry in written.items():
        if key in documents:
            totals[key] = document_totals(entry.record.document.lines)
    orders = order_billing(documents, totals)
    invoices = invoice_status(documents, totals, book.today)
    managed = frozenset(p for p, e in book.products.items() if e.record.stock_managed)
    return document_progress(interactions, documents, totals, orders, invoices, managed)


def _reached(interactions: dict[str, Entry], touched: set[str]) -> list[str]:
    """The touched interactions and the documents they come from (``from``, ``order``,
    ``corrects``), a few links deep, in the order they are reached."""
    reached = list(dict.fromkeys(touched))
    frontier = list(reached)
    for _ in range(HOPS):
        following: list[str] = []
        for key in frontier:
            doc = interactions[key].record.document
            links = (doc.from_, doc.order, doc.corrects) if doc is not None else ()
            following += [k for k in links if k and k in interactions and k not in reached]
        reached += list(dict.fromkeys(following))
        frontier = following
    return reached


def follow_documents(book: Book, changes: ChangeSet) -> list[str]:
    """Move, inside ``changes``, the CRM state of the documents it touches and of those
    they come from (see the module's docstring). Returns the ids whose state or stage
    moved. Nothing is written here: :meth:`ChangeSet.write` writes it all at once."""
    written = _written(book, changes)
    if not written:
        return []
    interactions = {**book.interactions, **written}
    progress = _progress_after(book, written)
    moved: list[str] = []
    for key in _reached(interactions, set(written)):
        entry, where = interactions[key], progress.get(key)
        before = book.progress.get(key)
        if where is None or (key not in written and before is not None and before.settled):
            continue  # what was settled before this command is not its business
        r = entry.record
        updates: dict[str, Any] = {}
        if where.settled is not None:
            pipeline = book.settings.pipelines.get(r.kind)
            if where.won and pipeline is not None and pipeline.won and r.type != pipeline.won:
                updates["type"] = pipeline.won
            if r.state is not State.DONE:
                updates["state"] = State.DONE.value
        elif key in written and r.state is State.OPEN and is_issued(entry):
            updates["state"] = State.IN_PROGRESS.value
        if updates:
            node = changes.edit(entry.path)
            for field, value in updates.items():
                _put(node, field, value)
            moved.append(key)
    return moved


def _put(node: Any, key: str, value: str) -> None:
    """Set ``key``, keeping the quotes the user wrote around the old value."""
    old = node.get(key)
    node[key] = type(old)(value) if isinstance(old, ScalarString) else value
