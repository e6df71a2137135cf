"""Factur-X e-invoice (profile EN 16931, CII syntax) of issued invoices and credit notes.

:func:`invoice_data` maps the Book to the data dict of the ``factur-x`` library;
:func:`invoice_xml` has that library write the XML (never written by hand here) and checks
it against the XSD, locally; :func:`embed` attaches it to a PDF/A-3b as ``factur-x.xml``.
The schematron checks (EN 16931 and the French CTC rules) run in the tests and the bench
with ``tests/einvoice_check.py``: the library's own check posts to a Saxon server, so it is
turned off here. What the data lacks for these rules is found before a document is issued
(:mod:`generator.checks.einvoice`, ``carnet validate``).

French CTC choices (``BR-FR-Flux2-Schematron-CII``): BT-23 is B (goods), S (services) or
M (both) followed by 1, by 4 for a balance invoice after deposits, by 2 when the invoice
is already paid when issued; notes PMD, PMT, AAB and BAR are always present; the seller's
SIREN (scheme 0002) and electronic address (scheme 0225, its SIREN by default) always,
the buyer's for a French company (B2B). Amounts come from ``Book.document_totals``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import facturx
from lxml import etree

from generator.book.book import Book
from generator.book.ledger import is_issued, paid_at_issue
from generator.book.records import Entry
from generator.documents.facturx.amounts import invoice_lines, vat_breakdown
from generator.documents.facturx.codes import (
    PAYMENT_MEANS_SEPA_TRANSFER,
    TYPE_CODES,
    amount_text,
    text,
)
from generator.documents.facturx.parties import Buyer, compact
from generator.documents.facturx.parties import buyer as buyer_of
from generator.documents.facturx.parties import seller as seller_of
from generator.locale import day_date, money
from generator.money import ZERO
from generator.problems import Refused
from generator.schema.common import DocumentKind, Nature, VatCategory

LEVEL = "en16931"
"""Factur-X profile: EN 16931 (« Comfort »), the full European invoice."""

PARTIAL_KINDS = frozenset({DocumentKind.DEPOSIT_INVOICE, DocumentKind.INTERMEDIATE_INVOICE})


# --- public API ---------------------------------------------------------------------------


def invoice_data(book: Book, interaction_id: str) -> dict[str, Any]:
    """The ``facturx.generate_xml`` data dict of an issued invoice or credit note."""
    entry = _issued_entry(book, interaction_id)
    doc = entry.record.document
    settings = book.settings
    lang = settings.lang
    totals = book.document_totals[entry.id]
    buyer = buyer_of(book, entry)
    status = book.invoices.get(entry.id)
    gross = status.total if status is not None else totals.gross
    paid = paid_at_issue(doc)
    preceding = _preceding(book, entry)
    type_code = TYPE_CODES[doc.kind]
    already_paid = gross > ZERO and paid >= gross
    data: dict[str, Any] = {
        "BT-1": doc.number,
        "BT-2": doc.issued,
        "BT-3": type_code,
        "BT-5": settings.currency,
        "BT-23": _framework(book, entry, preceding, already_paid),
        "BG-1": _notes(book, entry, buyer),
        "BG-4": seller_of(book),
        "BG-7": buyer.party,
        "BG-25": invoice_lines(book, entry, totals),
        "BG-23": vat_breakdown(book, entry, totals, buyer),
        "BT-106": amount_text(sum(totals.line_nets, ZERO)),
        "BT-109": amount_text(totals.net),
        "BT-110": amount_text(totals.tax),
        "BT-112": amount_text(gross),
        "BT-115": amount_text(gross - paid),
    }
    if paid:
        data["BT-113"] = amount_text(paid)
    if preceding:
        data["BG-3"] = preceding
    order = _order_of(book, entry)
    if order is not None and order.record.document.number:
        data["BT-14"] = order.record.document.number
    # An intra-EU supply names its delivery date and country (BR-IC-11, BR-IC-12): the
    # date of sale is the issue date unless the document says otherwise, the goods go to
    # the buyer's address unless it has a delivery address.
    intra_eu = any(line.vat_category is VatCategory.INTRA_EU for line in doc.lines)
    delivered = doc.delivery_date or (doc.issued if intra_eu else None)
    if delivered:
        data["BT-72"] = delivered
    delivery = buyer.delivery or (_ship_to(buyer.party) if intra_eu else None)
    if delivery:
        data["BG-13"] = delivery
    if settings.invoicing.vat_on_debits and totals.tax:
        data["BT-8"] = "invoice"  # DueDateTypeCode 5: VAT due on the invoice date (débits)
    due = _due_date(doc, already_paid)
    if due is not None:
        data["BT-9"] = due
    data["BT-20"] = _payment_terms(book, entry, due, preceding)
    if doc.kind is not DocumentKind.CREDIT_NOTE and settings.firm.iban:
        data["BT-81"] = PAYMENT_MEANS_SEPA_TRANSFER
        data["BT-82"] = text("transfer", lang)
        data["BT-83"] = doc.number
        data["BT-84"] = compact(settings.firm.iban)
        data["BT-85"] = settings.firm.name
        if settings.firm.bic:
            data["BT-86"] = compact(settings.firm.bic)
    return data


def invoice_xml(book: Book, interaction_id: str) -> bytes:
    """The Factur-X XML (EN 16931, CII) of an issued invoice or credit note, XSD-checked.

    Written by ``facturx.generate_xml`` from :func:`invoice_data`; its schematron check,
    which posts the XML to a Saxon server, is off (``tests/einvoice_check.py`` runs it).
    """
    data = invoice_data(book, interaction_id)
    try:
        xml = facturx.generate_xml(
            data, flavor="factur-x", level=LEVEL, check_xsd=False, check_schematron=False
        )
        xml = _no_nil_delivery(xml)
        facturx.xml_check_xsd(xml, flavor="factur-x", level=LEVEL)
    except Exception as exc:  # the library raises bare Exceptions on XSD errors
        raise Refused("einvoice-invalid-xml", id=interaction_id, detail=exc) from exc
    return xml


def embed(pdf: bytes, xml: bytes, *, lang: str = "fr") -> bytes:
    """``pdf`` (a PDF/A-3b) with ``xml`` attached as ``factur-x.xml``: Factur-X EN 16931.

    The attachment is the invoice's full alternative representation (AFRelationship
    /Alternative, as the Factur-X specification asks for the EN 16931 profile); the XMP
    metadata gain the PDF/A-3b identification and the Factur-X extension schema. Every
    date the library writes (document information, XMP, the attachment's) is the
    invoice's issue date (BT-2), never the clock: the same invoice gives the same bytes.
    """
    locale = "en-GB" if lang.startswith("en") else "fr-FR"
    with _clock_at(_issue_moment(xml)):
        return facturx.generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level=LEVEL,
            check_xsd=False,
            check_schematron=False,
            pdf_metadata=_pdf_metadata(xml, lang),
            lang=locale,
            afrelationship="alternative",
        )


def _issue_moment(xml: bytes) -> datetime:
    """Midnight UTC of the invoice's issue date (BT-2, ``YYYYMMDD``) in ``xml``."""
    root = etree.fromstring(xml)
    ns = facturx.get_xml_namespaces("factur-x")
    day = root.findtext("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", "", ns)
    return datetime.strptime(day.strip(), "%Y%m%d").replace(tzinfo=UTC)


@contextmanager
def _clock_at(moment: datetime) -> Iterator[None]:
    """Have the ``factur-x`` library date what it writes at ``moment``.

    The library reads the clock in two module functions and takes no date: they are
    replaced for the time of one call (documents render in processes, not threads). A
    library that renamed them fails here, loudly, rather than write the clock's date.
    """
    from facturx import facturx as library

    names = ("_get_pdf_timestamp", "_get_metadata_timestamp")
    saved = {name: getattr(library, name) for name in names}
    pdf_stamp = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    xmp_stamp = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    library._get_pdf_timestamp = lambda date=None: (
        pdf_stamp if date is None else saved["_get_pdf_timestamp"](date)
    )
    library._get_metadata_timestamp = lambda: xmp_stamp
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(library, name, function)


# --- document ------------------------------------------------------------------------------


def _issued_entry(book: Book, interaction_id: str) -> Entry:
    entry = book.interactions.get(interaction_id)
    if entry is None:
        raise Refused("einvoice-unknown", id=interaction_id)
    doc = entry.record.document
    if doc is None or doc.kind not in TYPE_CODES:
        raise Refused("einvoice-not-invoice", id=interaction_id)
    if not is_issued(entry):
        raise Refused("einvoice-draft", id=interaction_id)
    return entry


def _order_of(book: Book, entry: Entry) -> Entry | None:
    doc = entry.record.document
    if doc.kind is DocumentKind.CREDIT_NOTE:
        return None
    for key in (doc.order, doc.from_):
        found = book.interactions.get(key) if key else None
        document = found.record.document if found is not None else None
        if document is not None and document.kind is DocumentKind.ORDER:
            return found
    return None


def _preceding(book: Book, entry: Entry) -> list[dict[str, Any]]:
    """BG-3: the invoice a credit note corrects, or the deposits a balance invoice deducts."""
    doc = entry.record.document
    if doc.kind is DocumentKind.CREDIT_NOTE:
        keys: Iterable[str] = [doc.corrects] if doc.corrects else []
    elif doc.kind is DocumentKind.BALANCE_INVOICE and entry.id in book.instalments:
        keys = book.instalments[entry.id].earlier
    else:
        keys = []
    refs = []
    for key in keys:
        other = book.interactions.get(key)
        if other is not None and is_issued(other):
            refs.append(
                {"BT-25": other.record.document.number, "BT-26": other.record.document.issued}
            )
    return refs


def _framework(book: Book, entry: Entry, preceding: list, already_paid: bool) -> str:
    """BT-23, cadre de facturation: nature (B, S, M) and process (1, 2 paid, 4 final)."""
    natures = _natures(book, entry, depth=2)
    letter = "M" if len(natures) > 1 else "B" if natures == {Nature.GOODS} else "S"
    doc = entry.record.document
    if doc.kind is DocumentKind.BALANCE_INVOICE and preceding:
        return f"{letter}4"
    if already_paid and doc.kind is not DocumentKind.CREDIT_NOTE:
        return f"{letter}2"
    return f"{letter}1"


def _natures(book: Book, entry: Entry, depth: int) -> set[Nature]:
    """Goods and/or services sold: products' ``nature``, free lines are services.

    A deposit or intermediate invoice bills a share of its order: the order's nature. A
    credit note without products has the nature of the invoice it corrects. Deduction
    lines (negative) say nothing of the nature.
    """
    doc = entry.record.document
    if depth and doc.kind in PARTIAL_KINDS:
        order = _order_of(book, entry)
        if order is not None:
            return _natures(book, order, depth - 1)
    sold = [line for line in doc.lines if line.quantity * line.unit_price >= 0]
    if depth and doc.kind is DocumentKind.CREDIT_NOTE and not any(x.product for x in sold):
        corrected = book.interactions.get(doc.corrects) if doc.corrects else None
        if corrected is not None and corrected.record.document is not None:
            return _natures(book, corrected, depth - 1)
    natures = set()
    for line in sold:
        product = book.products.get(line.product) if line.product else None
        natures.add(product.record.nature if product is not None else Nature.SERVICE)
    return natures


def _ship_to(party: dict[str, Any]) -> dict[str, Any]:
    """BG-13 from the buyer's party dict: its name and address."""
    keys = ("name", "addr_l1", "addr_l2", "postcode", "city", "country_code")
    return {key: party[key] for key in keys if key in party}


def _due_date(doc: Any, already_paid: bool) -> date | None:
    if already_paid and doc.payments:
        return max(p.date for p in doc.payments if p.date <= doc.issued)
    return doc.due


def _payment_terms(book: Book, entry: Entry, due: date | None, preceding: list) -> str:
    """BT-20 (BR-CO-25 asks for it or BT-9 whenever something is due)."""
    lang = book.settings.lang
    doc = entry.record.document
    if doc.kind is DocumentKind.CREDIT_NOTE and preceding:
        ref = preceding[0]
        return text("terms_credit", lang, number=ref["BT-25"], day=day_date(ref["BT-26"], lang))
    if due is not None:
        return text("terms_due", lang, day=day_date(due, lang))
    return text("terms_days", lang, days=book.settings.invoicing.payment_terms_days)


def _notes(book: Book, entry: Entry, buyer: Buyer) -> list[dict[str, str]]:
    """BG-1: the three payment mentions (BR-FR-05), the BAR treatment, tax and free notes."""
    settings = book.settings
    lang = settings.lang
    invoicing = settings.invoicing
    if buyer.professional:
        indemnity = text(
            "indemnity", lang, amount=money(invoicing.recovery_indemnity, lang, settings.currency)
        )
    else:
        indemnity = text("no_indemnity", lang)
    notes = [
        {"BT-21": "PMD", "BT-22": invoicing.late_penalty},
        {"BT-21": "PMT", "BT-22": indemnity},
        {"BT-21": "AAB", "BT-22": invoicing.early_payment_discount},
        {"BT-21": "BAR", "BT-22": buyer.bar},
    ]
    if invoicing.vat_on_debits and book.document_totals[entry.id].tax:
        notes.append({"BT-21": "TXD", "BT-22": text("debits", lang)})
    if entry.record.document.note:
        notes.append({"BT-21": "AAI", "BT-22": entry.record.document.note})
    return notes


# --- lines and VAT -------------------------------------------------------------------------


def _no_nil_delivery(xml: bytes) -> bytes:
    """The library writes an empty delivery block (no delivery date nor address: a
    deposit invoice, a service) as ``xsi:nil="true"``, which the XSD refuses: drop that
    attribute, leaving the empty element the XSD expects."""
    if b'nil="true"' not in xml:
        return xml
    root = etree.fromstring(xml)
    ns = facturx.get_xml_namespaces("factur-x")
    nil = f"{{{ns['xsi']}}}nil"
    for node in root.iterfind(".//ram:ApplicableHeaderTradeDelivery", namespaces=ns):
        if node.get(nil) == "true" and len(node) == 0:
            del node.attrib[nil]
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def _pdf_metadata(xml: bytes, lang: str) -> dict[str, str]:
    """Title, subject and author of the PDF, in the document's language."""
    root = etree.fromstring(xml)
    ns = facturx.get_xml_namespaces("factur-x")
    number, code = (
        root.findtext(f"rsm:ExchangedDocument/ram:{x}", "", ns) for x in ("ID", "TypeCode")
    )
    seller = root.findtext(".//ram:SellerTradeParty/ram:Name", "", ns)
    credit = code == TYPE_CODES[DocumentKind.CREDIT_NOTE]
    if lang.startswith("en"):
        kind, title = ("Credit note" if credit else "Invoice"), f"{seller}: "
    else:
        kind, title = ("Avoir" if credit else "Facture"), f"{seller} : "
    return {
        "author": seller,
        "keywords": "Factur-X, EN 16931",
        "title": f"{title}{kind} {number}",
        "subject": f"Factur-X {kind.lower()} {number} ({seller})",
    }
