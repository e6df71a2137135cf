"""Issuing documents: the next number of their series, the issue and due dates.

``issue`` serves ``carnet quote issue`` and ``carnet invoice issue``; ``accept`` makes the
order of an accepted quote. Numbers are assigned here and nowhere else: one gap-free,
chronological series for invoices of every kind and credit notes (DESIGN: the issuing
commit is the first where ``document.number`` is set).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.ledger import is_issued
from generator.book.numbering import PatternError, next_number, pattern_for, series_of
from generator.book.records import Entry
from generator.files.edits import ChangeSet
from generator.invoicing.drafting import interaction_data, line_data, new_path, wrong_kind
from generator.invoicing.split import deduction_lines, is_deduction
from generator.invoicing.states import follow_documents
from generator.locale import day_date, document_gender, document_label, money
from generator.money import ZERO, document_totals
from generator.problems import Refused
from generator.schema.common import DocumentKind
from generator.schema.interaction import DocumentLine


@dataclass(frozen=True, slots=True)
class Issued:
    """What issuing wrote: the changes to apply, and the number and dates given."""

    changes: ChangeSet
    path: str
    number: str
    issued: date
    due: date | None


def _series_dates(book: Book, kind: str) -> list[tuple[str, date]]:
    series = series_of(kind)
    return [
        (e.record.document.number, e.record.document.issued)
        for e in book.interactions.values()
        if e.record.document is not None
        and is_issued(e)
        and series_of(e.record.document.kind) == series
    ]


def _numbering(book: Book, kind: str, dates: list[tuple[str, date]], day: date) -> str:
    """The next number of ``kind``'s series for ``day``; a bad pattern is a refusal."""
    pattern = pattern_for(book.settings, kind)
    if pattern is None:
        raise Refused("invoicing-not-numbered", kind=kind)
    try:
        return next_number(pattern, dates, day)
    except PatternError as exc:
        field = _PATTERN_FIELDS.get(series_of(kind), "number_pattern")
        raise Refused(
            "invoicing-pattern-unusable",
            field=field,
            quoted=pattern,
            reason=exc.message("fr"),
            reason_en=exc.message("en"),
        ) from None


_PATTERN_FIELDS = {
    "invoice": "number_pattern",
    "quote": "quote_pattern",
    "order": "order_pattern",
    "delivery_note": "delivery_pattern",
}


def _check_day(book: Book, kind: str, issued: date, floor: tuple[date, Refused] | None) -> None:
    """Not in the future, not before the last document of the series, nor before ``floor``
    (a date, and the refusal to raise when ``issued`` comes before it)."""
    if issued > book.today:
        raise Refused("invoicing-issue-date-future", day=issued, today=book.today)
    dates = _series_dates(book, kind)
    last = max(dates, key=lambda item: item[1], default=None)
    if last is not None and issued < last[1]:
        raise Refused(
            "invoicing-issue-date-before-last",
            day=issued,
            number=last[0],
            last=last[1],
        )
    if floor is not None and issued < floor[0]:
        raise floor[1]


ISSUING_COMMANDS = {
    "quote": "quote issue",
    "order": "order issue",
    **{
        k: "invoice issue"
        for k in ("invoice", "deposit_invoice", "intermediate_invoice", "balance_invoice")
    },
    "credit_note": "invoice issue",
    "delivery_note": "delivery issue",
}
"""The command that issues each kind of document."""


def issue(
    repo: Path,
    book: Book,
    entry: Entry,
    day: date | None,
    *,
    kinds: tuple[str, ...] | None = None,
    lang: str | None = "fr",
) -> Issued:
    """Number ``entry``'s document and date it; refused when it cannot be.

    ``kinds``: the kinds the command issues (the first names them in a refusal, which
    says which command issues the document instead).
    """
    doc = entry.record.document
    if kinds is not None and doc.kind not in kinds:
        raise wrong_kind(entry, kinds[0], ISSUING_COMMANDS.get(doc.kind))
    labels = {
        "label": document_label(doc.kind),
        "label_en": document_label(doc.kind, "en"),
        "gender": document_gender(doc.kind),
    }
    if doc.number:
        raise Refused("invoicing-already-issued", id=entry.id, number=doc.number, **labels)
    if not doc.lines:
        raise Refused("invoicing-no-line", id=entry.id, **labels)
    issued = day or doc.issued or book.today
    _check_day(book, doc.kind, issued, _floor(book, entry, issued))
    _check_links(book, entry)
    lines = _balance_lines(book, entry, lang) if doc.kind is DocumentKind.BALANCE_INVOICE else None
    _check_total(book, entry, lines)
    number = _numbering(book, doc.kind, _series_dates(book, doc.kind), issued)
    due = doc.due
    if due is None and doc.kind in _PAYABLE:
        due = issued + timedelta(days=book.settings.invoicing.payment_terms_days)
    if due is not None and due < issued:
        raise Refused(
            "invoicing-due-before-issue",
            due=due,
            day=issued,
            file=entry.path,
        )
    changes = ChangeSet(repo)
    data = changes.edit(entry.path)
    block = data["document"]
    _put(block, "number", number, 1)
    _put(block, "issued", issued, 2)
    if due is not None:
        _put(block, "due", due, 3)
    if lines is not None:
        block["lines"] = lines
    follow_documents(book, changes)
    return Issued(changes, entry.path, number, issued, due)


def _put(block: object, key: str, value: object, position: int) -> None:
    """Set ``key`` in place when the draft has it (even empty), else insert it."""
    if key in block:  # type: ignore[operator]
        block[key] = value  # type: ignore[index]
    else:
        block.insert(min(position, len(block)), key, value)  # type: ignore[attr-defined]


def _floor(book: Book, entry: Entry, issued: date) -> tuple[date, Refused] | None:
    """The date a document may not precede (the invoice a credit note corrects), and the
    refusal of an issue date before it."""
    doc = entry.record.document
    target = book.interactions.get(doc.corrects or "")
    if doc.kind is DocumentKind.CREDIT_NOTE and target is not None and is_issued(target):
        tdoc = target.record.document
        refusal = Refused(
            "invoicing-issue-date-before-invoice",
            day=issued,
            number=tdoc.number,
            floor=tdoc.issued,
        )
        return tdoc.issued, refusal
    return None


_PAYABLE = frozenset(
    {
        DocumentKind.INVOICE,
        DocumentKind.DEPOSIT_INVOICE,
        DocumentKind.INTERMEDIATE_INVOICE,
        DocumentKind.BALANCE_INVOICE,
    }
)


def _check_links(book: Book, entry: Entry) -> None:
    doc = entry.record.document
    if doc.kind is DocumentKind.CREDIT_NOTE:
        target = book.interactions.get(doc.corrects or "")
        tdoc = target.record.document if target is not None else None
        if (
            tdoc is None or tdoc.kind not in _PAYABLE or not is_issued(target)  # type: ignore[arg-type]
        ):
            raise Refused("invoicing-credit-target-not-issued", id=doc.corrects)
    instalment = book.instalments.get(entry.id)
    if instalment is not None:
        for earlier in instalment.earlier:
            if not is_issued(book.interactions[earlier]):
                raise Refused("invoicing-issue-earlier-first", id=earlier)


def _check_total(book: Book, entry: Entry, lines: list[dict[str, Any]] | None) -> None:
    """An invoice or credit note bills a positive amount; a credit note at most what its
    invoice leaves creditable. ``lines``: a balance invoice's lines as it will be issued."""
    doc = entry.record.document
    if doc.kind not in _PAYABLE and doc.kind is not DocumentKind.CREDIT_NOTE:
        return
    if lines is None:
        gross = book.document_totals[entry.id].gross
    else:
        gross = document_totals(DocumentLine.model_validate(x) for x in lines).gross
    if gross <= ZERO:
        raise Refused(
            "invoicing-total-not-positive",
            id=entry.id,
            total=money(gross, "fr"),
            total_en=money(gross, "en"),
        )
    if doc.kind is DocumentKind.CREDIT_NOTE:
        status = book.invoices[doc.corrects]
        creditable = status.total - status.credited
        if gross > creditable:
            number = book.interactions[doc.corrects].record.document.number
            raise Refused(
                "invoicing-credit-exceeds",
                number=number,
                total=money(gross, "fr"),
                total_en=money(gross, "en"),
                left=money(creditable, "fr"),
                left_en=money(creditable, "en"),
            )


def _balance_lines(book: Book, entry: Entry, lang: str | None) -> list[dict[str, Any]]:
    """A balance invoice's lines, its deductions naming the earlier invoices by number and
    date (the draft named them by file)."""
    instalment = book.instalments[entry.id]
    doc = entry.record.document
    kept = [line_data(line) for line in doc.lines if not is_deduction(line)]
    return kept + deduction_lines(book, instalment.earlier, lang)


def accept(
    repo: Path, book: Book, quote: Entry, day: date | None, *, lang: str | None = "fr"
) -> tuple[Issued, str]:
    """The order of an accepted quote (``from:`` the quote), numbered in the order series.

    Returns the order's issuing and its interaction id.
    """
    doc = quote.record.document
    if doc.kind is not DocumentKind.QUOTE:
        raise wrong_kind(quote, DocumentKind.QUOTE)
    if not is_issued(quote):
        raise Refused("invoicing-quote-not-issued", id=quote.id)
    for other in book.interactions.values():
        odoc = other.record.document
        if odoc is not None and odoc.kind is DocumentKind.ORDER and odoc.from_ == quote.id:
            raise Refused("invoicing-quote-has-order", number=doc.number, id=other.id)
    issued = day or book.today
    refusal = Refused(
        "invoicing-issue-date-before-quote",
        day=issued,
        number=doc.number,
        floor=doc.issued,
    )
    _check_day(book, DocumentKind.ORDER, issued, (doc.issued, refusal))
    number = _numbering(book, DocumentKind.ORDER, _series_dates(book, DocumentKind.ORDER), issued)
    pipeline = book.settings.pipelines.get(quote.record.kind)
    data = interaction_data(
        quote,
        subject=quote.record.subject,
        day=issued,
        document={
            "kind": "order",
            "number": number,
            "issued": issued,
            "from": quote.id,
            "lines": [line_data(line) for line in doc.lines],
        },
    )
    if pipeline is not None and pipeline.won:
        data["type"] = pipeline.won
    data["state"] = "in_progress"
    changes = ChangeSet(repo)
    path = changes.unused_path(new_path(quote, "commande", issued))
    changes.create(
        path,
        data,
        comment=f"Commande {number} du {day_date(issued, lang or 'fr')}, "
        f"depuis le devis {doc.number}",
    )
    follow_documents(book, changes)
    order_id = Path(path).stem
    return Issued(changes, path, number, issued, None), order_id
