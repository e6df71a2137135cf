"""The CRM state follows the documents: a settled document's interaction is done.

A document with nothing left to do (:mod:`generator.book.progress`: a quote accepted, an
order invoiced in full, an invoice paid or credited in full, a credit note or a delivery
note issued) whose interaction is still open or in progress stays on the dashboard's
overdue list as if someone had to act on it. An accepted quote, and the opportunity it
comes from, also belong at their pipeline's ``won`` stage. The commands that move
documents now do this themselves; data made before them, or by hand, gets a warning whose
hint is the edit that fixes it and the command that would have made it.
"""

from __future__ import annotations

from generator.book.book import Book, Entry
from generator.book.progress import Progress, Settled
from generator.checks.base import at
from generator.locale import document_label, state_label
from generator.problems import Problem
from generator.schema.common import DocumentKind, State

_WHY = {
    Settled.ACCEPTED: ("accepté{e} (commande {by})", "accepted (order {by})"),
    Settled.INVOICED: ("facturée en entier", "invoiced in full"),
    Settled.PAID: ("réglée", "paid"),
    Settled.CREDITED: ("créditée en entier", "credited in full"),
    Settled.ISSUED: ("émis{e}", "issued"),
}
"""Why a document is settled; ``{e}`` agrees with its (French) label."""
_COMMANDS = {
    Settled.ACCEPTED: "quote accept",
    Settled.WON: "quote accept",
    Settled.INVOICED: "invoice issue",
    Settled.PAID: "invoice pay",
    Settled.CREDITED: "invoice issue",
}
_ISSUING = {DocumentKind.DELIVERY_NOTE: "delivery issue", DocumentKind.CREDIT_NOTE: "invoice issue"}


def check_document_states(book: Book) -> list[Problem]:
    """Warn ``document-state-stale`` on each settled document (or won opportunity) whose
    interaction is not done, or not at its pipeline's ``won`` stage when it should be."""
    problems: list[Problem] = []
    for key, progress in book.progress.items():
        entry = book.interactions.get(key)
        if progress.settled is None or entry is None:
            continue
        r = entry.record
        pipeline = book.settings.pipelines.get(r.kind)
        won = pipeline.won if progress.won and pipeline is not None else None
        stale_state = r.state is not State.DONE
        stale_type = won is not None and r.type != won
        if not (stale_state or stale_type):
            continue
        fixes = ([f'type: "{won}"'] if stale_type else []) + ["state: done"] * stale_state
        reason, reason_en = _what(book, entry, progress)
        found = state_label(r.state) if stale_state else r.type
        problems.append(
            at(
                book,
                entry.path,
                ("state",) if stale_state else ("type",),
                "document-state-stale",
                reason=reason,
                reason_en=reason_en,
                found=found,
                found_en=state_label(r.state, "en") if stale_state else r.type,
                hint=" et ".join(fixes),
                hint_en=" and ".join(fixes),
                command=_command(entry, progress),
            )
        )
    return problems


def _what(book: Book, entry: Entry, progress: Progress) -> tuple[str, str]:
    """« facture F2026-0001 réglée », for the message."""
    by = book.interactions.get(progress.by or "")
    by_doc = by.record.document if by is not None else None
    by_name = (by_doc.number if by_doc is not None else None) or progress.by or ""
    doc = entry.record.document
    if doc is None:  # the opportunity of an accepted quote
        return (
            f"opportunité gagnée (devis {by_name} accepté)",
            f"opportunity won (quote {by_name} accepted)",
        )
    fr, en = _WHY[progress.settled]  # type: ignore[index]
    name = doc.number or entry.id
    label = document_label(doc.kind)
    feminine = label.startswith(("facture", "commande"))
    label_fr = f"{label} {name} {fr.format(by=by_name, e='e' if feminine else '')}"
    label_en = f"{document_label(doc.kind, 'en')} {name} {en.format(by=by_name)}"
    return label_fr, label_en


def _command(entry: Entry, progress: Progress) -> str:
    """The command that moves the state itself when it settles the document."""
    doc = entry.record.document
    if progress.settled is Settled.ISSUED and doc is not None:
        return _ISSUING.get(doc.kind, "invoice issue")
    return _COMMANDS[progress.settled]  # type: ignore[index]
