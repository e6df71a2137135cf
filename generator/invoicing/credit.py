"""Credit notes and payments: what lowers an issued invoice's amount due.

- ``credit``: a draft credit note (``corrects:`` the invoice) for the whole invoice, some of
  its lines, or an amount including VAT prorated over the invoice's VAT groups. Issued like
  an invoice (same series); once issued it lowers what the invoice leaves due.
- ``pay``: money received, appended to ``document.payments``; overpayment refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.ledger import is_issued
from generator.book.records import Entry
from generator.files.edits import ChangeSet, to_yaml_data
from generator.invoicing.drafting import (
    as_amount,
    interaction_data,
    line_data,
    wrong_kind,
)
from generator.invoicing.split import vat_exemptions
from generator.invoicing.states import follow_documents
from generator.locale import day_date, money
from generator.money import ZERO, document_totals, net_for_gross, plain_rate, share_out, tax_of
from generator.problems import Refused
from generator.schema.common import INVOICE_KINDS, DocumentKind, VatCategory
from generator.schema.interaction import DocumentLine


def _issued_invoice(entry: Entry) -> None:
    doc = entry.record.document
    if doc.kind not in INVOICE_KINDS or doc.kind is DocumentKind.CREDIT_NOTE:
        raise wrong_kind(entry, DocumentKind.INVOICE)
    if not is_issued(entry):
        raise Refused("invoicing-invoice-not-issued", id=entry.id)


def _amount_lines(book: Book, invoice: Entry, gross: Decimal) -> list[dict[str, Any]]:
    """Lines whose total incl. VAT is ``gross``, spread over the invoice's VAT groups in
    proportion to their bases (:func:`~generator.money.share_out`), each line's net the
    one whose gross is its share (:func:`~generator.money.net_for_gross`)."""
    totals = book.document_totals[invoice.id]
    groups = [g for g in totals.breakdown if g.base > ZERO]
    if not groups:
        raise Refused("invoicing-credit-nothing-positive")
    number = invoice.record.document.number
    reasons = vat_exemptions(invoice.record.document.lines)
    lines: list[dict[str, Any]] = []
    carry = ZERO  # a gross no net reaches exactly moves on to the next group
    for group, share in zip(groups, share_out(gross, [g.base for g in groups]), strict=True):
        rate = _taxed(group)
        net = net_for_gross(share + carry, rate)
        carry = share + carry - (net + tax_of(net, rate))
        line: dict[str, Any] = {
            "description": f"Avoir partiel sur la facture {number}",
            "quantity": Decimal(1),
            "unit_price": net,
            "vat_rate": plain_rate(group.rate),
        }
        if group.category is not VatCategory.STANDARD:
            line["vat_category"] = group.category.value
        reason = reasons.get((group.category, plain_rate(group.rate)))
        if reason:
            line["vat_exemption"] = reason
        lines.append(line)
    return lines


def _taxed(group: Any) -> Decimal:
    return ZERO if group.tax == ZERO else group.rate


def _pending(book: Book, invoice: Entry) -> tuple[Decimal, list[str]]:
    """What draft credit notes on ``invoice`` already plan to credit (TTC), and their ids."""
    total, ids = ZERO, []
    for key, entry in book.interactions.items():
        doc = entry.record.document
        if (
            doc is not None
            and doc.kind is DocumentKind.CREDIT_NOTE
            and doc.corrects == invoice.id
            and not is_issued(entry)
        ):
            total += book.document_totals[key].gross
            ids.append(key)
    return total, ids


def _line_choice(doc: Any, line_numbers: tuple[int, ...]) -> list[dict[str, Any]]:
    seen: set[int] = set()
    for n in line_numbers:
        if not 1 <= n <= len(doc.lines):
            raise Refused(
                "invoicing-credit-line-missing", line=n, number=doc.number, count=len(doc.lines)
            )
        if n in seen:
            raise Refused("invoicing-credit-line-twice", line=n)
        seen.add(n)
    return [line_data(doc.lines[n - 1]) for n in line_numbers]


def credit(
    repo: Path,
    book: Book,
    invoice: Entry,
    *,
    line_numbers: tuple[int, ...] = (),
    amount: Decimal | None = None,
    day: date | None = None,
    lang: str | None = "fr",
) -> ChangeSet:
    """A draft credit note correcting ``invoice`` (whole, some lines, or ``amount`` TTC).

    Refused when it would credit nothing, or more than the invoice leaves creditable once
    its issued and draft credit notes are counted.
    """
    _issued_invoice(invoice)
    doc = invoice.record.document
    status = book.invoices[invoice.id]
    pending, drafts = _pending(book, invoice)
    creditable = status.total - status.credited - pending
    if line_numbers and amount is not None:
        raise Refused("invoicing-credit-line-and-amount")
    planned = day or book.today
    if planned < doc.issued:
        raise Refused(
            "invoicing-credit-before-invoice",
            day=planned,
            number=doc.number,
            floor=doc.issued,
        )
    left = {"number": doc.number, "left": money(creditable, "fr")}
    left["left_en"] = money(creditable, "en")
    drafted = {"known": ", ".join(drafts)} if drafts else {}
    if creditable <= ZERO:
        if drafts:
            raise Refused("invoicing-credit-nothing-left-drafts", **left, **drafted)
        raise Refused("invoicing-credit-nothing-left", **left)
    if amount is not None:
        if amount <= ZERO or amount > creditable:
            shown = {"amount": money(amount, "fr"), "amount_en": money(amount, "en")}
            if drafts:
                raise Refused("invoicing-credit-amount-range-drafts", **shown, **left, **drafted)
            raise Refused("invoicing-credit-amount-range", **shown, **left)
        lines = _amount_lines(book, invoice, amount)
    elif line_numbers:
        lines = _line_choice(doc, line_numbers)
    else:
        lines = [line_data(line) for line in doc.lines]
    new_total = document_totals(DocumentLine.model_validate(x) for x in lines).gross
    if new_total <= ZERO:
        raise Refused(
            "invoicing-credit-not-positive",
            total=money(new_total, "fr"),
            total_en=money(new_total, "en"),
        )
    if new_total > creditable:
        totals = {"total": money(new_total, "fr"), "total_en": money(new_total, "en")}
        if drafts:
            raise Refused("invoicing-credit-exceeds-drafts", **totals, **left, **drafted)
        raise Refused("invoicing-credit-exceeds", **totals, **left)
    data = interaction_data(
        invoice,
        subject=f"Avoir sur {doc.number} — {invoice.record.subject}",
        day=planned,
        document={"kind": "credit_note", "issued": planned, "corrects": invoice.id, "lines": lines},
    )
    changes = ChangeSet(repo)
    path = changes.unused_path(f"data/interactions/{planned.year}/{invoice.id}-avoir.yaml")
    changes.create(
        path,
        data,
        comment=f"Avoir sur la facture {doc.number} du {day_date(doc.issued, lang or 'fr')} "
        "(brouillon : carnet invoice issue)",
    )
    return changes


def pay(
    repo: Path,
    book: Book,
    invoice: Entry,
    amount: Decimal,
    day: date,
    *,
    method: str | None = None,
    lang: str | None = "fr",
) -> ChangeSet:
    """Record ``amount`` received on ``day`` for ``invoice``; overpayment refused, as are
    a day before the invoice or after today."""
    _issued_invoice(invoice)
    doc = invoice.record.document
    status = book.invoices[invoice.id]
    due = {"due": money(status.due, "fr"), "due_en": money(status.due, "en")}
    if amount <= ZERO:
        raise Refused("invoicing-payment-not-positive")
    if status.due <= ZERO:
        raise Refused("invoicing-payment-nothing-due", number=doc.number, **due)
    if amount > status.due:
        raise Refused(
            "invoicing-payment-too-much",
            number=doc.number,
            amount=money(amount, "fr"),
            amount_en=money(amount, "en"),
            **due,
        )
    if day < doc.issued:
        raise Refused(
            "invoicing-payment-before-invoice",
            day=day,
            number=doc.number,
            floor=doc.issued,
        )
    if day > book.today:
        raise Refused("invoicing-payment-future", day=day, today=book.today)
    if method is not None and (not method.strip() or not method.isprintable()):
        raise Refused("invoicing-payment-method")
    changes = ChangeSet(repo)
    block = changes.edit(invoice.path)["document"]
    payment = {"date": day, "amount": as_amount(amount), "method": method and method.strip()}
    if block.get("payments"):
        block["payments"].append(to_yaml_data(payment))
    else:
        block["payments"] = to_yaml_data([payment])
    follow_documents(book, changes)
    return changes
