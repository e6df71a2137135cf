"""EPC payment QR code (« QR code de virement SEPA », EPC069-12 version 002)."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import segno

MAX_AMOUNT = Decimal("999999999.99")


def epc_payload(name: str, iban: str, amount: Decimal, text: str, bic: str | None = None) -> str:
    """The EPC QR payload: a SEPA credit transfer of ``amount`` euros to ``iban``.

    Lines: service tag, version, character set (1 = UTF-8), SCT, BIC, beneficiary,
    IBAN, amount (``EUR1500.00``), purpose, structured reference (empty: an invoice
    number is no ISO 11649 creditor reference), then ``text``, the remittance
    information the payer's bank shows (the invoice number).
    """
    if not Decimal("0.01") <= amount <= MAX_AMOUNT:
        raise ValueError(f"montant hors des limites d'un QR code EPC : {amount}")
    fields = [
        "BCD",
        "002",
        "1",
        "SCT",
        (bic or "").replace(" ", ""),
        name.strip()[:70],
        iban.replace(" ", ""),
        f"EUR{amount:.2f}",
        "",
        "",
        text.strip()[:140],
    ]
    return "\n".join(fields)


def qr_data_uri(payload: str) -> str:
    """A PNG ``data:`` URI of the QR code (error correction M, as EPC requires)."""
    code = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    return code.png_data_uri(scale=4, border=0)


PLACEHOLDER = "carnet-epc:"
_PLACEHOLDERS = re.compile(re.escape(PLACEHOLDER) + r"([A-Za-z0-9_-]*=*)")


def qr_placeholder(payload: str) -> str:
    """What the HTML carries until the PDF is made: the payload, URL-safe.

    Encoding a QR code costs more than building the whole HTML; a document whose HTML
    did not change is not rendered again, so its QR code is drawn only when it is
    (:func:`inline_qr_codes`, called just before WeasyPrint).
    """
    return PLACEHOLDER + base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii")


def inline_qr_codes(html: str) -> str:
    """``html`` with every QR placeholder replaced by its PNG ``data:`` URI."""
    if PLACEHOLDER not in html:
        return html
    return _PLACEHOLDERS.sub(
        lambda m: qr_data_uri(base64.urlsafe_b64decode(m.group(1)).decode("utf-8")), html
    )
