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
    DocumentError,
    as_amount,
    interaction_data,
    line_data,
    wrong_kind,
)
from generator.invoicing.split import vat_exemptions
from generator.locale import day_date, money
from generator.money import ZERO, document_totals, net_for_gross, plain_rate, share_out, tax_of
from generator.schema.common import INVOICE_KINDS, DocumentKind, VatCategory
from generator.schema.interaction import DocumentLine


def _issued_invoice(entry: Entry) -> None:
    doc = entry.record.document
    if doc.kind not in INVOICE_KINDS or doc.kind is DocumentKind.CREDIT_NOTE:
        raise wrong_kind(entry, DocumentKind.INVOICE)
    if not is_issued(entry):
        raise DocumentError(
            f"la facture « {entry.id} » n'est pas émise : modifiez le brouillon",
            f"invoice '{entry.id}' is not issued: edit the draft",
        )


def _amount_lines(book: Book, invoice: Entry, gross: Decimal) -> list[dict[str, Any]]:
    """Lines whose total incl. VAT is ``gross``, spread over the invoice's VAT groups in
    proportion to their bases (:func:`~generator.money.share_out`), each line's net the
    one whose gross is its share (:func:`~generator.money.net_for_gross`)."""
    totals = book.document_totals[invoice.id]
    groups = [g for g in totals.breakdown if g.base > ZERO]
    if not groups:
        raise DocumentError(
            "la facture n'a pas de montant positif à créditer",
            "the invoice has no positive amount to credit",
        )
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
            raise DocumentError(
                f"ligne {n} inexistante : la facture {doc.number} a {len(doc.lines)} ligne(s), "
                "numérotées à partir de 1",
                f"no line {n}: invoice {doc.number} has {len(doc.lines)} line(s), numbered from 1",
            )
        if n in seen:
            raise DocumentError(f"ligne {n} donnée deux fois", f"line {n} given twice")
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
        raise DocumentError(
            "--line et --amount s'excluent : choisissez l'un ou l'autre",
            "--line and --amount exclude each other: choose one",
        )
    planned = day or book.today
    if planned < doc.issued:
        raise DocumentError(
            f"avoir daté du {planned.isoformat()}, avant la facture {doc.number} "
            f"({doc.issued.isoformat()})",
            f"credit note dated {planned.isoformat()}, before invoice {doc.number} "
            f"({doc.issued.isoformat()})",
        )
    fr_left, en_left = money(creditable, "fr"), money(creditable, "en")
    also_fr = f" ; avoirs en brouillon : {', '.join(drafts)}" if drafts else ""
    also_en = f"; draft credit notes: {', '.join(drafts)}" if drafts else ""
    if creditable <= ZERO:
        raise DocumentError(
            f"la facture {doc.number} n'a plus rien à créditer{also_fr}",
            f"invoice {doc.number} has nothing left to credit{also_en}",
        )
    if amount is not None:
        if amount <= ZERO or amount > creditable:
            raise DocumentError(
                f"montant de l'avoir {money(amount, 'fr')} : entre 0 et "
                f"{fr_left} (reste créditable sur {doc.number}{also_fr})",
                f"credit note amount {money(amount, 'en')}: between 0 and "
                f"{en_left} (left to credit on {doc.number}{also_en})",
            )
        lines = _amount_lines(book, invoice, amount)
    elif line_numbers:
        lines = _line_choice(doc, line_numbers)
    else:
        lines = [line_data(line) for line in doc.lines]
    new_total = document_totals(DocumentLine.model_validate(x) for x in lines).gross
    if new_total <= ZERO:
        raise DocumentError(
            f"l'avoir ferait {money(new_total, 'fr')} TTC : un avoir crédite un montant positif",
            f"the credit note would total {money(new_total, 'en')}: it must credit a positive "
            "amount",
        )
    if new_total > creditable:
        raise DocumentError(
            f"l'avoir ({money(new_total, 'fr')}) dépasse le reste créditable "
            f"de {doc.number} ({fr_left}{also_fr})",
            f"the credit note ({money(new_total, 'en')}) exceeds what {doc.number} leaves "
            f"creditable ({en_left}{also_en})",
        )
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
    if amount <= ZERO:
        raise DocumentError("un versement est un montant positif", "a payment is a positive amount")
    if status.due <= ZERO:
        raise DocumentError(
            f"{doc.number} ne laisse rien à payer (dû : {money(status.due, 'fr')})",
            f"{doc.number} leaves nothing to pay (due: {money(status.due, 'en')})",
        )
    if amount > status.due:
        raise DocumentError(
            f"versement de {money(amount, 'fr')} supérieur au montant dû "
            f"({money(status.due, 'fr')}) sur {doc.number}",
            f"payment of {money(amount, 'en')} more than the amount due "
            f"({money(status.due, 'en')}) on {doc.number}",
        )
    if day < doc.issued:
        raise DocumentError(
            f"versement du {day.isoformat()}, avant l'émission de {doc.number} "
            f"({doc.issued.isoformat()})",
            f"payment on {day.isoformat()}, before {doc.number} was issued "
            f"({doc.issued.isoformat()})",
        )
    if day > book.today:
        raise DocumentError(
            f"versement daté du {day.isoformat()}, dans le futur (aujourd'hui "
            f"{book.today.isoformat()}) : enregistrez-le une fois reçu",
            f"payment dated {day.isoformat()}, in the future (today is "
            f"{book.today.isoformat()}): record it once received",
        )
    if method is not None and (not method.strip() or not method.isprintable()):
        raise DocumentError(
            "--method : un mot sur une ligne (virement, chèque, carte…)",
            "--method: a word on one line (transfer, cheque, card…)",
        )
    changes = ChangeSet(repo)
    block = changes.edit(invoice.path)["document"]
    payment = {"date": day, "amount": as_amount(amount), "method": method and method.strip()}
    if block.get("payments"):
        block["payments"].append(to_yaml_data(payment))
    else:
        block["payments"] = to_yaml_data([payment])
    return changes
