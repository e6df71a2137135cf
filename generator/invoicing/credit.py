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

from generator.book import Book
from generator.checks.base import Entry
from generator.edits import ChangeSet, to_yaml_data
from generator.invoicing.drafting import DocumentError, as_amount, interaction_data, line_data
from generator.invoicing.ledger import is_issued
from generator.locale import day_date, money
from generator.money import HUNDRED, ZERO, cents, document_totals, plain_rate
from generator.schema.common import INVOICE_KINDS, DocumentKind, VatCategory
from generator.schema.interaction import DocumentLine


def _issued_invoice(entry: Entry) -> None:
    doc = entry.record.document
    if doc.kind not in INVOICE_KINDS or doc.kind is DocumentKind.CREDIT_NOTE:
        raise DocumentError(f"« {entry.id} » n'est pas une facture")
    if not is_issued(entry):
        raise DocumentError(f"la facture « {entry.id} » n'est pas émise : modifiez le brouillon")


def _amount_lines(book: Book, invoice: Entry, gross: Decimal) -> list[dict[str, Any]]:
    """Lines whose total incl. VAT is ``gross``, spread over the invoice's VAT groups."""
    totals = book.document_totals[invoice.id]
    groups = [g for g in totals.breakdown if g.base > ZERO]
    if not groups:
        raise DocumentError("la facture n'a pas de montant positif à créditer")
    number = invoice.record.document.number
    lines: list[dict[str, Any]] = []
    for group in groups:
        share = cents(gross * group.base / totals.net / (1 + _taxed(group) / HUNDRED))
        line: dict[str, Any] = {
            "description": f"Avoir partiel sur la facture {number}",
            "quantity": Decimal(1),
            "unit_price": share,
            "vat_rate": plain_rate(group.rate),
        }
        if group.category is not VatCategory.STANDARD:
            line["vat_category"] = group.category.value
        lines.append(line)
    # settle the rounding on the last line so that the credit note's TTC is exactly ``gross``
    for _ in range(5):
        got = document_totals(DocumentLine.model_validate(x) for x in lines).gross
        if got == gross:
            break
        step = Decimal("0.01") if got < gross else Decimal("-0.01")
        lines[-1]["unit_price"] += step
    return lines


def _taxed(group: Any) -> Decimal:
    return ZERO if group.tax == ZERO else group.rate


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
    """A draft credit note correcting ``invoice`` (whole, some lines, or ``amount`` TTC)."""
    _issued_invoice(invoice)
    doc = invoice.record.document
    status = book.invoices[invoice.id]
    creditable = status.total - status.credited
    if line_numbers and amount is not None:
        raise DocumentError("--line et --amount s'excluent : choisissez l'un ou l'autre")
    if amount is not None:
        if amount <= ZERO or amount > creditable:
            raise DocumentError(
                f"montant de l'avoir {money(amount, lang or 'fr')} : entre 0 et "
                f"{money(creditable, lang or 'fr')} (reste créditable sur {doc.number})"
            )
        lines = _amount_lines(book, invoice, amount)
    elif line_numbers:
        bad = [n for n in line_numbers if not 1 <= n <= len(doc.lines)]
        if bad:
            raise DocumentError(
                f"ligne {bad[0]} inexistante : la facture {doc.number} a {len(doc.lines)} ligne(s)"
            )
        lines = [line_data(doc.lines[n - 1]) for n in dict.fromkeys(line_numbers)]
    else:
        lines = [line_data(line) for line in doc.lines]
    new_total = document_totals(DocumentLine.model_validate(x) for x in lines).gross
    if new_total > creditable:
        raise DocumentError(
            f"l'avoir ({money(new_total, lang or 'fr')}) dépasse le reste créditable "
            f"de {doc.number} ({money(creditable, lang or 'fr')})"
        )
    planned = day or book.today
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
    """Record ``amount`` received on ``day`` for ``invoice``; overpayment refused."""
    _issued_invoice(invoice)
    status = book.invoices[invoice.id]
    if amount <= ZERO:
        raise DocumentError("un versement est un montant positif")
    if amount > status.due:
        raise DocumentError(
            f"versement de {money(amount, lang or 'fr')} supérieur au montant dû "
            f"({money(status.due, lang or 'fr')}) sur {invoice.record.document.number}"
        )
    if day < invoice.record.document.issued:
        raise DocumentError("un versement ne précède pas l'émission de la facture")
    changes = ChangeSet(repo)
    block = changes.edit(invoice.path)["document"]
    payment = {"date": day, "amount": as_amount(amount), "method": method}
    if block.get("payments"):
        block["payments"].append(to_yaml_data(payment))
    else:
        block["payments"] = to_yaml_data([payment])
    return changes
