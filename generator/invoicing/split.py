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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from generator.book import Book
from generator.checks.base import Entry
from generator.edits import ChangeSet
from generator.invoicing.drafting import (
    DocumentError,
    as_amount,
    interaction_data,
    line_data,
    new_path,
)
from generator.locale import day_date, money, number
from generator.money import HUNDRED, ZERO, Totals, cents, plain_rate
from generator.schema.common import DocumentKind, VatCategory

PARTIAL_LINE = "Facturation partielle"


@dataclass(frozen=True, slots=True)
class PartSpec:
    """One ``--part``: a percentage, an amount or the rest; its planned date and options."""

    percent: Decimal | None
    amount: Decimal | None
    day: date
    due: date | None = None
    template: str | None = None
    label: str | None = None

    @property
    def rest(self) -> bool:
        """The part that takes whatever is left on the order."""
        return self.percent is None and self.amount is None


def parse_decimal(text: str) -> Decimal:
    """``1500,00``, ``1 500.00`` or ``1500`` as a Decimal; ``ValueError`` otherwise."""
    cleaned = re.sub(r"[\s\u202f\u00a0€]", "", text).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"montant illisible : « {text} »") from exc
    if not value.is_finite():
        raise ValueError(f"montant illisible : « {text} »")
    return value


def parse_part(text: str) -> PartSpec:
    """``30%:2026-04-01[:due=2026-05-01][:template=acompte][:label=…]``, ``1500:DATE``,
    ``rest:DATE``. Raises ``ValueError`` with a French message."""
    share, _, rest = text.partition(":")
    if not rest:
        raise ValueError(f"« {text} » : attendu PART:DATE, par exemple 30%:2026-04-01")
    day_text, *options = rest.split(":")
    try:
        day = date.fromisoformat(day_text)
    except ValueError as exc:
        raise ValueError(f"« {day_text} » : date attendue AAAA-MM-JJ") from exc
    extras: dict[str, Any] = {}
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or key not in ("due", "template", "label"):
            raise ValueError(f"« {option} » : options possibles due=, template=, label=")
        if key == "due":
            try:
                extras["due"] = date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"« {value} » : date attendue AAAA-MM-JJ") from exc
        else:
            extras[key] = value
    share = share.strip()
    if share.lower() in ("rest", "reste", "solde"):
        return PartSpec(None, None, day, **extras)
    if share.endswith("%"):
        percent = parse_decimal(share[:-1])
        if not ZERO < percent <= HUNDRED:
            raise ValueError(f"« {share} » : un pourcentage entre 0 et 100")
        return PartSpec(percent, None, day, **extras)
    amount = parse_decimal(share)
    if amount <= ZERO:
        raise ValueError(f"« {share} » : un montant positif")
    return PartSpec(None, amount, day, **extras)


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
        lines.append(f"- {number(line.quantity, lang)} × {line.description or line.product}")
    lines.append(
        f"Total de la commande : {money(totals.net, lang)} HT, {money(totals.gross, lang)} TTC"
    )
    return "\n".join(lines)


def _group_line(
    description: str, category: VatCategory, rate: Decimal, amount: Decimal, **extra: Any
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
    return line


def deduction_lines(book: Book, earlier: tuple[str, ...] | list[str], lang: str | None) -> list:
    """One negative line per VAT group of each earlier (issued) invoice of the order."""
    out: list[dict[str, Any]] = []
    for key in earlier:
        doc = book.interactions[key].record.document
        title = f"Acompte {doc.number or key} du {day_date(doc.issued, lang or 'fr')}"
        for group in book.document_totals[key].breakdown:
            out.append(_group_line(title, group.category, group.rate, -group.base))
    return out


def split_order(
    repo: Path, book: Book, order: Entry, parts: list[PartSpec], *, lang: str | None = "fr"
) -> ChangeSet:
    """Draft invoices for ``parts`` of ``order``; refused (``DocumentError``) when the
    parts exceed what the order leaves to invoice."""
    doc = order.record.document
    if doc.kind is not DocumentKind.ORDER:
        raise DocumentError(f"« {order.id} » n'est pas une commande")
    if not doc.number:
        raise DocumentError(f"la commande « {order.id} » n'est pas émise (pas de numéro)")
    if not parts:
        raise DocumentError("indiquez au moins une part (--part 30%:AAAA-MM-JJ)")
    if any(p.rest for p in parts[:-1]):
        raise DocumentError("seule la dernière part peut être « rest »")
    billing = book.orders[order.id]
    total = billing.total.net
    left = total - billing.invoiced - billing.planned
    amounts = [cents(total * p.percent / HUNDRED) if p.percent else p.amount for p in parts]
    if parts[-1].rest:
        amounts[-1] = left - sum(amounts[:-1], ZERO)
    elif sum((p.percent or ZERO) for p in parts) == HUNDRED and not billing.invoices:
        amounts[-1] = total - sum(amounts[:-1], ZERO)  # rounding leftovers on the last part
    if sum(amounts, ZERO) > left or any(a <= ZERO for a in amounts):
        raise DocumentError(
            f"les parts totalisent {money(sum(amounts, ZERO), lang or 'fr')} HT, "
            f"mais la commande {doc.number} ne laisse que {money(left, lang or 'fr')} HT à facturer"
        )
    changes = ChangeSet(repo)
    earlier: list[tuple[str, list[dict[str, Any]]]] = [
        (k, []) for k in billing.invoices
    ]  # (id, lines) for the new ones, existing ones are read from the Book
    billed = billing.invoiced + billing.planned
    recall = order_recall(book, order, lang or "fr")
    for index, (part, amount) in enumerate(zip(parts, amounts, strict=True)):
        billed += amount
        completes = billed == total
        first = not earlier
        if completes and not first:
            kind = DocumentKind.BALANCE_INVOICE
        elif first and not completes:
            kind = DocumentKind.DEPOSIT_INVOICE
        elif first:
            kind = DocumentKind.INVOICE
        else:
            kind = DocumentKind.INTERMEDIATE_INVOICE
        label = part.label or _default_label(kind, part)
        if kind in (DocumentKind.BALANCE_INVOICE, DocumentKind.INVOICE):
            lines = [line_data(line) for line in doc.lines]  # the whole order, restated
            lines += _draft_deductions(book, earlier, lang)
        else:
            lines = [
                _group_line(PARTIAL_LINE, category, rate, share, comment=recall)
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
            out.append(_group_line(title, category, line["vat_rate"], -line["unit_price"]))
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
