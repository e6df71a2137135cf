"""What an issued document asks to be paid, as it prints it: the amounts due at issue,
the payment terms (days that agree with the due date) and the transfer details with the
EPC QR code. Part of the document context (:mod:`generator.documents.context`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.book.book import Book
from generator.book.ledger import paid_at_issue
from generator.book.records import Entry
from generator.documents.formatting import Fmt
from generator.documents.kinds import is_draft
from generator.documents.qr import epc_payload, qr_placeholder
from generator.money import ZERO
from generator.schema.common import INVOICE_KINDS, DocumentKind
from generator.schema.settings import Settings

BILLED_KINDS = INVOICE_KINDS - {DocumentKind.CREDIT_NOTE}
"""Invoices that ask for money: payment terms, penalties, IBAN and QR code."""


def amounts_due(book: Book, entry: Entry) -> tuple[Decimal, Decimal, Decimal] | None:
    """Credited, paid and due (incl. VAT) as the document prints them; ``None`` for a
    document that asks for no money.

    An issued invoice prints its state at issue, as its Factur-X XML does: what was paid
    by its issue date, no credit note (they come after it). Later payments and credit
    notes live on the site, in ``invoice list`` and in reminders, never on the invoice. A
    draft shows what its record holds now.
    """
    status = book.invoices.get(entry.id)
    if entry.record.document.kind not in BILLED_KINDS or status is None:
        return None
    if is_draft(entry):
        return status.credited, status.paid, status.due
    paid = paid_at_issue(entry.record.document)
    return ZERO, paid, status.total - paid


def totals_block(book: Book, entry: Entry, fmt: Fmt) -> dict[str, Any]:
    """HT, TVA, TTC; for an invoice what credit notes and payments leave due
    (:func:`amounts_due`)."""
    totals = book.document_totals[entry.id]
    amounts = amounts_due(book, entry)
    credited, paid, due = amounts if amounts is not None else (ZERO, ZERO, None)
    return {
        "net": fmt.money(totals.net),
        "tax": fmt.money(totals.tax),
        "gross": fmt.money(totals.gross),
        "credited": fmt.money(credited) if credited else None,
        "paid": fmt.money(paid) if paid else None,
        "due": fmt.money(due) if due is not None else None,
    }


def payment_days(settings: Settings, entry: Entry) -> int:
    """The days a document gives to pay: from its issue date to its due date when it has
    both, else the settings' ``payment_terms_days``."""
    doc = entry.record.document
    if doc.due is not None and doc.issued is not None:
        return max((doc.due - doc.issued).days, 0)
    return settings.invoicing.payment_terms_days


def payment_terms(settings: Settings, entry: Entry, professional: bool, fmt: Fmt) -> dict:
    """Due date, terms (the days agree with the due date), late penalty, recovery
    indemnity (professionals), discount."""
    invoicing = settings.invoicing
    doc = entry.record.document
    days = payment_days(settings, entry)
    billed = doc.kind in BILLED_KINDS
    return {
        "due": fmt.day(doc.due) if doc.due else None,
        "terms": f"Paiement à {days} jours" if days else "Paiement à réception",
        "late_penalty": invoicing.late_penalty if billed else None,
        "recovery": (
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
            + fmt.money(invoicing.recovery_indemnity)
            if billed and professional
            else None
        ),
        "early_discount": invoicing.early_payment_discount if billed else None,
    }


def payment_block(
    book: Book, entry: Entry, fmt: Fmt, due: Decimal | None = None
) -> dict[str, Any] | None:
    """IBAN, BIC and, for an issued invoice with money due, the EPC QR code: of the amount
    due at issue (:func:`amounts_due`), or of ``due`` (a reminder asks for what is due
    today)."""
    doc = entry.record.document
    firm = book.settings.firm
    if doc.kind not in BILLED_KINDS or not firm.iban:
        return None
    if due is None:
        amounts = amounts_due(book, entry)
        due = amounts[2] if amounts is not None else ZERO
    iban = firm.iban.replace(" ", "")
    block: dict[str, Any] = {
        "iban": " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)),
        "bic": firm.bic,
        "due": fmt.money(due),
        "qr": None,
        "payload": None,
    }
    if not is_draft(entry) and due > ZERO and book.settings.currency == "EUR":
        payload = epc_payload(firm.name, iban, due, doc.number, firm.bic)
        block.update(payload=payload, qr=qr_placeholder(payload))
    return block
