"""The VAT franchise (« franchise en base », ``firm.vat_exempt: true``): what the lines of
such a firm's sales documents mean when they say nothing of VAT.

A line without ``vat_category`` is exempt (category E, whose e-invoice exemption code is
VATEX-FR-FRANCHISE), a line without ``vat_rate`` is at 0 % rather than the usual 20 %.
What a line does type is kept, so that a charged rate stays visible to the checks
(``franchise-vat-charged``). Purchase orders are the supplier's VAT: left as they are.
The Book reads its interactions through :func:`with_franchise_defaults` before computing
any view, so totals, documents and the e-invoice all see the same lines.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from generator.book.records import Entry
from generator.schema import Settings
from generator.schema.common import DocumentKind, VatCategory

FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"
"""The legal mention of a firm under the VAT franchise (printed, and the e-invoice's
exemption reason)."""


def with_franchise_defaults(settings: Settings, interactions: dict[str, Entry]) -> dict[str, Entry]:
    """``interactions`` with the franchise's defaults applied to their document lines
    (the same mapping when the firm charges VAT)."""
    if not settings.firm.vat_exempt:
        return interactions
    return {key: _defaulted(entry) for key, entry in interactions.items()}


def _defaulted(entry: Entry) -> Entry:
    doc = entry.record.document
    if doc is None or doc.kind is DocumentKind.PURCHASE_ORDER:
        return entry
    lines = []
    for line in doc.lines:
        typed = line.model_fields_set
        update: dict[str, object] = {}
        if "vat_category" not in typed:
            update["vat_category"] = VatCategory.EXEMPT
        if "vat_rate" not in typed:
            update["vat_rate"] = Decimal(0)
        lines.append(line.model_copy(update=update) if update else line)
    if all(new is old for new, old in zip(lines, doc.lines, strict=True)):
        return entry
    record = entry.record.model_copy(update={"document": doc.model_copy(update={"lines": lines})})
    return replace(entry, record=record)
