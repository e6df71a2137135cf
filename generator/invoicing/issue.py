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
from generator.invoicing.drafting import (
    DocumentError,
    document_label,
    interaction_data,
    line_data,
    new_path,
    wrong_kind,
)
from generator.invoicing.split import deduction_lines, is_deduction
from generator.locale import day_date, money
from generator.money import ZERO, document_totals
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
        raise DocumentError(
            f"Carnet ne numérote pas les documents « {kind} »",
            f"Carnet does not number '{kind}' documents",
        )
    try:
        return next_number(pattern, dates, day)
    except PatternError as exc:
        field = _PATTERN_FIELDS.get(series_of(kind), "number_pattern")
        raise DocumentError(
            f"data/settings.yaml : invoicing.{field} « {pattern} » : {exc.message('fr')}",
            f"data/settings.yaml: invoicing.{field} '{pattern}': {exc.message('en')}",
        ) from None


_PATTERN_FIELDS = {
    "invoice": "number_pattern",
    "quote": "quote_pattern",
    "order": "order_pattern",
    "delivery_note": "delivery_pattern",
}


def _check_day(book: Book, kind: str, issued: date, floor: tuple[str, str, date] | None) -> None:
    """Not in the future, not before the last document of the series, nor before ``floor``
    (« au devis D2026-0001 », "quote D2026-0001", its date)."""
    if issued > book.today:
        raise DocumentError(
            f"date d'émission {issued.isoformat()} dans le futur (aujourd'hui "
            f"{book.today.isoformat()}) : émettez le jour venu ou indiquez --date",
            f"issue date {issued.isoformat()} in the future (today is "
            f"{book.today.isoformat()}): issue on the day or give --date",
        )
    dates = _series_dates(book, kind)
    last = max(dates, key=lambda item: item[1], default=None)
    if last is not None and issued < last[1]:
        raise DocumentError(
            f"date d'émission {issued.isoformat()} antérieure à celle de {last[0]} "
            f"({last[1].isoformat()}) : la numérotation suit l'ordre des dates",
            f"issue date {issued.isoformat()} before that of {last[0]} "
            f"({last[1].isoformat()}): numbers follow the order of dates",
        )
    if floor is not None and issued < floor[2]:
        raise DocumentError(
            f"date d'émission {issued.isoformat()} antérieure {floor[0]} ({floor[2].isoformat()})",
            f"issue date {issued.isoformat()} before {floor[1]} ({floor[2].isoformat()})",
        )


def issue(
    repo: Path, book: Book, entry: Entry, day: date | None, *, lang: str | None = "fr"
) -> Issued:
    """Number ``entry``'s document and date it; refused (``DocumentError``) when it cannot be."""
    doc = entry.record.document
    label, label_en = document_label(doc.kind), document_label(doc.kind, "en")
    if doc.number:
        raise DocumentError(
            f"{label} « {entry.id} » déjà émis(e) sous le n° {doc.number}",
            f"{label_en} '{entry.id}' already issued as {doc.number}",
        )
    if not doc.lines:
        raise DocumentError(
            f"{label} « {entry.id} » sans ligne : rien à émettre",
            f"{label_en} '{entry.id}' has no line: nothing to issue",
        )
    issued = day or doc.issued or book.today
    _check_day(book, doc.kind, issued, _floor(book, entry))
    _check_links(book, entry)
    lines = _balance_lines(book, entry, lang) if doc.kind is DocumentKind.BALANCE_INVOICE else None
    _check_total(book, entry, lines)
    number = _numbering(book, doc.kind, _series_dates(book, doc.kind), issued)
    due = doc.due
    if due is None and doc.kind in _PAYABLE:
        due = issued + timedelta(days=book.settings.invoicing.payment_terms_days)
    if due is not None and due < issued:
        raise DocumentError(
            f"échéance {due.isoformat()} antérieure à la date d'émission {issued.isoformat()} : "
            f"corrigez document.due dans {entry.path}",
            f"due date {due.isoformat()} before the issue date {issued.isoformat()}: "
            f"change document.due in {entry.path}",
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
    return Issued(changes, entry.path, number, issued, due)


def _put(block: object, key: str, value: object, position: int) -> None:
    """Set ``key`` in place when the draft has it (even empty), else insert it."""
    if key in block:  # type: ignore[operator]
        block[key] = value  # type: ignore[index]
    else:
        block.insert(min(position, len(block)), key, value)  # type: ignore[attr-defined]


def _floor(book: Book, entry: Entry) -> tuple[str, str, date] | None:
    """The date a document may not precede: the invoice a credit note corrects."""
    doc = entry.record.document
    target = book.interactions.get(doc.corrects or "")
    if doc.kind is DocumentKind.CREDIT_NOTE and target is not None and is_issued(target):
        tdoc = target.record.document
        return f"à la facture {tdoc.number}", f"invoice {tdoc.number}", tdoc.issued
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
            raise DocumentError(
                f"l'avoir corrige « {doc.corrects} », qui n'est pas une facture émise",
                f"the credit note corrects '{doc.corrects}', which is not an issued invoice",
            )
    instalment = book.instalments.get(entry.id)
    if instalment is not None:
        for earlier in instalment.earlier:
            if not is_issued(book.interactions[earlier]):
                raise DocumentError(
                    f"émettez d'abord « {earlier} », facturé(e) avant sur la même commande",
                    f"issue '{earlier}' first: it bills the same order before",
                )


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
        raise DocumentError(
            f"« {entry.id} » a un total de {money(gross, 'fr')} TTC : rien à émettre "
            "(un montant à rendre se fait par un avoir)",
            f"'{entry.id}' totals {money(gross, 'en')} incl. VAT: nothing to issue "
            "(money to give back is a credit note)",
        )
    if doc.kind is DocumentKind.CREDIT_NOTE:
        status = book.invoices[doc.corrects]
        creditable = status.total - status.credited
        if gross > creditable:
            number = book.interactions[doc.corrects].record.document.number
            raise DocumentError(
                f"l'avoir ({money(gross, 'fr')}) dépasse le reste créditable de {number} "
                f"({money(creditable, 'fr')})",
                f"the credit note ({money(gross, 'en')}) exceeds what {number} leaves "
                f"creditable ({money(creditable, 'en')})",
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
        raise DocumentError(
            f"émettez d'abord le devis (carnet quote issue {quote.id})",
            f"issue the quote first (carnet quote issue {quote.id})",
        )
    for other in book.interactions.values():
        odoc = other.record.document
        if odoc is not None and odoc.kind is DocumentKind.ORDER and odoc.from_ == quote.id:
            raise DocumentError(
                f"le devis {doc.number} a déjà sa commande : « {other.id} »",
                f"quote {doc.number} already has its order: '{other.id}'",
            )
    issued = day or book.today
    floor = (f"au devis {doc.number}", f"quote {doc.number}", doc.issued)
    _check_day(book, DocumentKind.ORDER, issued, floor)
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
    order_id = Path(path).stem
    return Issued(changes, path, number, issued, None), order_id
