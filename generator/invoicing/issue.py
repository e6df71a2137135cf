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

from generator.book import Book
from generator.checks.base import Entry
from generator.edits import ChangeSet
from generator.invoicing.drafting import (
    DocumentError,
    document_label,
    interaction_data,
    line_data,
    new_path,
)
from generator.invoicing.ledger import is_issued
from generator.invoicing.numbering import next_number, pattern_for, series_of
from generator.invoicing.split import deduction_lines
from generator.locale import day_date
from generator.schema.common import DocumentKind


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


def issue(
    repo: Path, book: Book, entry: Entry, day: date | None, *, lang: str | None = "fr"
) -> Issued:
    """Number ``entry``'s document and date it; refused (``DocumentError``) when it cannot be."""
    doc = entry.record.document
    label = document_label(doc.kind, lang)
    if doc.number:
        raise DocumentError(f"{label} « {entry.id} » déjà émis(e) sous le n° {doc.number}")
    if not doc.lines:
        raise DocumentError(f"{label} « {entry.id} » sans ligne : rien à émettre")
    pattern = pattern_for(book.settings, doc.kind)
    if pattern is None:
        raise DocumentError(f"Carnet ne numérote pas les documents « {doc.kind} »")
    issued = day or doc.issued or book.today
    if issued > book.today:
        raise DocumentError(
            f"date d'émission {issued.isoformat()} dans le futur : émettez le jour venu "
            "ou indiquez --date"
        )
    dates = _series_dates(book, doc.kind)
    last = max(dates, key=lambda item: item[1], default=None)
    if last is not None and issued < last[1]:
        raise DocumentError(
            f"date d'émission {issued.isoformat()} antérieure à celle de {last[0]} "
            f"({last[1].isoformat()}) : la numérotation suit l'ordre des dates"
        )
    _check_links(book, entry)
    number = next_number(pattern, dates, issued)
    due = doc.due
    if due is None and doc.kind in _PAYABLE:
        due = issued + timedelta(days=book.settings.invoicing.payment_terms_days)
    changes = ChangeSet(repo)
    data = changes.edit(entry.path)
    block = data["document"]
    block.insert(1, "number", number)
    if "issued" in block:
        block["issued"] = issued
    else:
        block.insert(2, "issued", issued)
    if due is not None and "due" not in block:
        block.insert(3, "due", due)
    if doc.kind is DocumentKind.BALANCE_INVOICE:
        _refresh_deductions(book, entry, block, lang)
    return Issued(changes, entry.path, number, issued, due)


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
        if target is None or not is_issued(target):
            raise DocumentError(
                f"l'avoir corrige « {doc.corrects} », qui n'est pas une facture émise"
            )
    instalment = book.instalments.get(entry.id)
    if instalment is not None:
        for earlier in instalment.earlier:
            if not is_issued(book.interactions[earlier]):
                raise DocumentError(
                    f"émettez d'abord « {earlier} », facturé(e) avant sur la même commande"
                )


def _refresh_deductions(book: Book, entry: Entry, block: object, lang: str | None) -> None:
    """A balance invoice's deduction lines name the earlier invoices by number and date."""
    instalment = book.instalments[entry.id]
    doc = entry.record.document
    kept = [line_data(line) for line in doc.lines if not _is_deduction(line)]
    block["lines"] = kept + deduction_lines(book, instalment.earlier, lang)  # type: ignore[index]


def _is_deduction(line: object) -> bool:
    return line.unit_price < 0 and line.product is None  # type: ignore[attr-defined]


def accept(
    repo: Path, book: Book, quote: Entry, day: date | None, *, lang: str | None = "fr"
) -> tuple[Issued, str]:
    """The order of an accepted quote (``from:`` the quote), numbered in the order series.

    Returns the order's issuing and its interaction id.
    """
    doc = quote.record.document
    if doc.kind is not DocumentKind.QUOTE:
        raise DocumentError(f"« {quote.id} » n'est pas un devis")
    if not is_issued(quote):
        raise DocumentError(f"émettez d'abord le devis (carnet quote issue {quote.id})")
    for other in book.interactions.values():
        odoc = other.record.document
        if odoc is not None and odoc.kind is DocumentKind.ORDER and odoc.from_ == quote.id:
            raise DocumentError(f"le devis {doc.number} a déjà sa commande : « {other.id} »")
    issued = day or book.today
    dates = _series_dates(book, DocumentKind.ORDER)
    number = next_number(pattern_for(book.settings, DocumentKind.ORDER), dates, issued)
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
