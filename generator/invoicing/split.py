"""« Facturer en plusieurs fois »: an order split into deposit, intermediate and balance
invoices (the seed's workflow).

Each part is a percentage of the order's total excl. VAT or an amount; their sum never
exceeds what the order leaves to invoice, and rounding leftovers go to the last part. A
deposit or intermediate invoice has one « Facturation partielle » line per VAT rate of the
order, prorated, whose comment recalls the order; the balance invoice restates the order's
lines and deducts every earlier invoice with one negative line per rate, so that no VAT is
charged twice. Created invoices are drafts: ``document.issued`` is their planned date.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.ledger import is_issued
from generator.book.records import Entry
from generator.files.edits import ChangeSet
from generator.invoicing.drafting import (
    as_amount,
    interaction_data,
    line_data,
    new_path,
    wrong_kind,
)
from generator.invoicing.parts import PartSpec, parse_decimal, parse_part
from generator.locale import day_date, money, number
from generator.money import HUNDRED, ZERO, Totals, cents, plain_rate
from generator.problems import Refused
from generator.schema.common import DocumentKind, VatCategory
from generator.schema.interaction import DocumentLine

__all__ = [
    "PARTIAL_LINE",
    "PartSpec",
    "deduction_lines",
    "is_deduction",
    "parse_decimal",
    "parse_part",
    "vat_exemptions",
]

PARTIAL_LINE = "Facturation partielle"


def _prorate(amount: Decimal, totals: Totals) -> list[tuple[VatCategory, Decimal, Decimal]]:
    """``amount`` spread over the order's VAT groups; the rounding leftover on the last."""
    groups = [g for g in totals.breakdown if g.base]
    out: list[tuple[VatCategory, Decimal, Decimal]] = []
    given = ZERO
    for index, group in enumerate(groups):
        share = (
            amount - given if index == len(groups) - 1 else cents(amount * group.base / totals.net)
        )
        given += share
        out.append((group.category, group.rate, share))
    return out


def order_recall(book: Book, order: Entry, lang: str = "fr") -> str:
    """The partial line's comment: order number and date, products, totals HT and TTC."""
    doc = order.record.document
    totals = book.document_totals[order.id]
    lines = [f"Commande {doc.number or order.id} du {day_date(doc.issued, lang)}"]
    for line in doc.lines:
        what = line.description or line.product or "—"
        lines.append(f"- {number(line.quantity, lang)} × {what}")
    lines.append(
        f"Total de la commande : {money(totals.net, lang)} HT, {money(totals.gross, lang)} TTC"
    )
    return "\n".join(lines)


_DEDUCTION = re.compile(r"Acompte \S+ (?:\(brouillon\)|du .+)\Z")


def is_deduction(line: DocumentLine) -> bool:
    """A balance invoice's line deducting an earlier invoice (« Acompte F2026-0001 du … »)."""
    return (
        line.unit_price < ZERO
        and line.product is None
        and bool(_DEDUCTION.match(line.description or ""))
    )


def vat_exemptions(lines: Any) -> dict[tuple[VatCategory, Decimal], str]:
    """The exemption reasons (``vat_exemption``) of each VAT group of ``lines``."""
    found: dict[tuple[VatCategory, Decimal], dict[str, None]] = {}
    for line in lines:
        if line.vat_exemption:
            key = (VatCategory(line.vat_category), plain_rate(line.vat_rate))
            found.setdefault(key, {})[line.vat_exemption] = None
    return {key: " ; ".join(texts) for key, texts in found.items()}


def _group_line(
    description: str,
    category: VatCategory,
    rate: Decimal,
    amount: Decimal,
    exemption: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "description": description,
        **extra,
        "quantity": Decimal(1),
        "unit_price": as_amount(amount),
        "vat_rate": plain_rate(rate),
    }
    if category is not VatCategory.STANDARD:
        line["vat_category"] = category.value
    if exemption:
        line["vat_exemption"] = exemption
    return line


def deduction_lines(book: Book, earlier: tuple[str, ...] | list[str], lang: str | None) -> list:
    """One negative line per VAT group of each earlier (issued) invoice of the order."""
    out: list[dict[str, Any]] = []
    for key in earlier:
        doc = book.interactions[key].record.document
        title = f"Acompte {doc.number or key} du {day_date(doc.issued, lang or 'fr')}"
        reasons = vat_exemptions(doc.lines)
        for group in book.document_totals[key].breakdown:
            reason = reasons.get((group.category, plain_rate(group.rate)))
            out.append(_group_line(title, group.category, group.rate, -group.base, reason))
    return out


def _amounts(book: Book, order: Entry, parts: list[PartSpec]) -> list[Decimal]:
    """What each part bills (excl. VAT); refused when it is nothing or more than is left."""
    doc = order.record.document
    billing = book.orders[order.id]
    total = billing.total.net
    left = billing.unplanned
    if total <= ZERO:
        raise Refused(
            "invoicing-order-nothing-to-invoice",
            number=doc.number,
            total=money(total, "fr"),
            total_en=money(total, "en"),
        )
    if left <= ZERO:
        raise Refused(
            "invoicing-order-fully-planned",
            number=doc.number,
            left=money(left, "fr"),
            left_en=money(left, "en"),
            known=", ".join(billing.invoices),
        )
    amounts = [cents(total * p.percent / HUNDRED) if p.percent else p.amount for p in parts]
    for part, amount in zip(parts, amounts, strict=True):
        if not part.rest and amount <= ZERO:
            raise Refused(
                "invoicing-part-too-small",
                percent=number(part.percent),
                percent_en=number(part.percent, "en"),
                amount=money(amount, "fr"),
                amount_en=money(amount, "en"),
            )
    if parts[-1].rest:
        amounts[-1] = left - sum(amounts[:-1], ZERO)
        if amounts[-1] <= ZERO:
            others = sum(amounts[:-1], ZERO)
            raise Refused(
                "invoicing-rest-empty",
                number=doc.number,
                others=money(others, "fr"),
                others_en=money(others, "en"),
                left=money(left, "fr"),
                left_en=money(left, "en"),
            )
    elif sum((p.percent or ZERO) for p in parts) == HUNDRED and not billing.invoices:
        amounts[-1] = total - sum(amounts[:-1], ZERO)  # rounding leftovers on the last part
    asked = sum(amounts, ZERO)
    if asked > left:
        raise Refused(
            "invoicing-parts-exceed",
            number=doc.number,
            asked=money(asked, "fr"),
            asked_en=money(asked, "en"),
            left=money(left, "fr"),
            left_en=money(left, "en"),
        )
    return amounts


def _check_dates(book: Book, order: Entry, parts: list[PartSpec]) -> None:
    """Parts are planned in date order, after the order and its other invoices."""
    doc = order.record.document
    floor, code, named = doc.issued, "invoicing-part-before-order", {"number": doc.number}
    for key in book.orders[order.id].invoices:
        other = book.interactions[key]
        day = other.record.document.issued or other.record.date
        if day > floor:
            floor, code, named = day, "invoicing-part-before-invoice", {"id": key}
    for part in parts:
        if part.day < floor:
            raise Refused(code, day=part.day.isoformat(), floor=floor.isoformat(), **named)
        floor, code, named = part.day, "invoicing-part-before-previous", {}


def split_order(
    repo: Path, book: Book, order: Entry, parts: list[PartSpec], *, lang: str | None = "fr"
) -> ChangeSet:
    """Draft invoices for ``parts`` of ``order``; refused when the parts exceed what the
    order leaves to invoice, or come out of date order."""
    doc = order.record.document
    if doc.kind is not DocumentKind.ORDER:
        raise wrong_kind(order, DocumentKind.ORDER)
    if not is_issued(order):
        raise Refused("invoicing-order-not-issued", id=order.id)
    if not parts:
        raise Refused("invoicing-parts-missing")
    if any(p.rest for p in parts[:-1]):
        raise Refused("invoicing-rest-not-last")
    amounts = _amounts(book, order, parts)
    _check_dates(book, order, parts)
    billing = book.orders[order.id]
    total = billing.total.net
    changes = ChangeSet(repo)
    earlier: list[tuple[str, list[dict[str, Any]]]] = [(k, []) for k in billing.invoices]
    # restating the order's lines fits only if the earlier invoices were not credited
    restated = total - sum((book.document_totals[k].net for k in billing.invoices), ZERO)
    billed = billing.invoiced + billing.planned
    recall = order_recall(book, order, lang or "fr")
    reasons = vat_exemptions(doc.lines)
    for index, (part, amount) in enumerate(zip(parts, amounts, strict=True)):
        billed += amount
        completes = billed == total and restated == amount
        restated -= amount
        first = not earlier
        if completes and not first:
            kind = DocumentKind.BALANCE_INVOICE
        elif first and completes:
            kind = DocumentKind.INVOICE
        elif first:
            kind = DocumentKind.DEPOSIT_INVOICE
        else:
            kind = DocumentKind.INTERMEDIATE_INVOICE
        label = part.label or _default_label(kind, part)
        if kind in (DocumentKind.BALANCE_INVOICE, DocumentKind.INVOICE):
            lines = [line_data(line) for line in doc.lines]  # the whole order, restated
            lines += _draft_deductions(book, earlier, lang)
        else:
            lines = [
                _group_line(
                    PARTIAL_LINE,
                    category,
                    rate,
                    share,
                    reasons.get((category, plain_rate(rate))),
                    comment=recall,
                )
                for category, rate, share in _prorate(amount, billing.total)
            ]
        share: dict[str, Any] = {"label": label}
        if part.percent is not None:
            share["percent"] = plain_rate(part.percent)
        else:
            share["amount"] = as_amount(amount)
        document: dict[str, Any] = {
            "kind": kind.value,
            "issued": part.day,
            "due": part.due,
            "template": part.template,
            "order": order.id,
            "part": share if kind is not DocumentKind.INVOICE else None,
            "lines": lines,
        }
        path = changes.unused_path(
            new_path(order, f"facture-{len(billing.invoices) + index + 1}", part.day)
        )
        changes.create(
            path,
            interaction_data(
                order, subject=f"{label} — {order.record.subject}", day=part.day, document=document
            ),
            comment=f"{label} de la commande {doc.number} (brouillon : carnet invoice issue)",
        )
        earlier.append((Path(path).stem, lines))
    return changes


def _draft_deductions(
    book: Book, earlier: list[tuple[str, list[dict[str, Any]]]], lang: str | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, lines in earlier:
        if key in book.interactions:
            out += deduction_lines(book, [key], lang)
            continue
        title = f"Acompte {key} (brouillon)"
        for line in lines:
            category = VatCategory(line.get("vat_category", VatCategory.STANDARD.value))
            out.append(
                _group_line(
                    title,
                    category,
                    line["vat_rate"],
                    -line["unit_price"],
                    line.get("vat_exemption"),
                )
            )
    return out


def _default_label(kind: DocumentKind, part: PartSpec) -> str:
    word = {
        DocumentKind.DEPOSIT_INVOICE: "Acompte",
        DocumentKind.INTERMEDIATE_INVOICE: "Versement",
        DocumentKind.BALANCE_INVOICE: "Solde",
        DocumentKind.INVOICE: "Facture",
    }[kind]
    if part.percent is not None and kind is not DocumentKind.BALANCE_INVOICE:
        return f"{word} {number(part.percent)} %"
    return word
