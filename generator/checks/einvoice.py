"""E-invoice rules: what would make a document's Factur-X fail EN 16931 or the French CTC
rules, found before the document is issued.

Every invoice and credit note of Carnet carries a Factur-X EN 16931 XML
(:mod:`generator.documents.facturx`), frozen once issued: a fault found afterwards can
only be corrected by a credit note. So these rules are errors on drafts: the issuing
commands start from valid data only, so they refuse the document and write nothing. On an
issued document, frozen, they are warnings that say so (an error there would stop every
command, the credit note that corrects it included); ``carnet validate --strict``, as in
CI, fails on them, so a document issued by hand in a branch is caught before it merges.

- Lines of every sales document (quotes and orders pass their lines on to the invoices):
  a 0 % rate in the standard category S (BR-S-05: Z, E or AE say why there is no VAT); a
  VAT rate charged by a firm under the VAT franchise (``firm.vat_exempt``).
- Invoices and credit notes: the seller's SIREN (BT-30, BR-FR-10), its VAT number when
  VAT is charged; a buyer (a company or a contact); a French company buyer's SIREN (BT-47,
  BR-FR-11) and electronic address (BT-49, BR-FR-12, in the directory's scheme 0225 it
  starts with the SIREN, BR-FR-21); the buyer's VAT number for a reverse charge or an
  intra-EU supply (BR-AE-02, BR-IC-02); euros as currency.

Who the buyer is and its identifiers come from :mod:`generator.book.parties`, which the
Factur-X writer reads too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.book.book import Book, Entry
from generator.book.ledger import is_issued
from generator.book.parties import EAS_SIREN, buyer_identity, siren_of
from generator.files.layout import SETTINGS_PATH
from generator.locale import number
from generator.problems import Loc, Problem, Severity, make_problem
from generator.schema.common import INVOICE_KINDS, DocumentKind, VatCategory

_NEEDS_BUYER_VAT = {
    VatCategory.REVERSE_CHARGE: ("vat_number", "siren"),
    VatCategory.INTRA_EU: ("vat_number",),
}
"""Untaxed categories whose e-invoice names the buyer's VAT number (or, for a reverse
charge, its SIREN): the buyer pays or declares the VAT."""


def check_einvoice(book: Book) -> list[Problem]:
    """Each document's e-invoice faults, located on the line or key to fix."""
    problems: list[Problem] = []
    einvoices: list[Entry] = []
    for entry in _sales_documents(book):
        problems += _line_problems(book, entry)
        if entry.record.document.kind in INVOICE_KINDS:
            einvoices.append(entry)
            problems += _buyer_problems(book, entry)
    if einvoices:
        problems += _seller_problems(book, einvoices)
    return problems


def _sales_documents(book: Book) -> Iterator[Entry]:
    for entry in book.of("interaction"):
        doc = entry.record.document
        if doc is not None and doc.kind is not DocumentKind.PURCHASE_ORDER:
            yield entry


_ISSUED = (
    " (émis : figé, seul un avoir le corrige)",
    " (issued: frozen, only a credit note corrects it)",
)


def _problem(book: Book, entry: Entry, loc: Loc, code: str, **params: Any) -> Problem:
    """An error on a draft; a warning on an issued document, which says so (``carnet
    validate --strict``, as in CI, makes it an error)."""
    doc = entry.record.document
    issued = is_issued(entry)
    if issued:
        params["issued"] = _ISSUED[1] if book.lang.startswith("en") else _ISSUED[0]
    return make_problem(
        code,
        entry.path,
        line=0,
        column=0,
        loc=loc,
        lang=book.lang,
        severity=Severity.WARNING if issued else None,
        number=doc.number or entry.id,
        **params,
    )


def _line_problems(book: Book, entry: Entry) -> list[Problem]:
    franchise = book.settings.firm.vat_exempt
    problems = []
    for index, line in enumerate(entry.record.document.lines):
        loc = ("document", "lines", index, "vat_rate")
        if franchise and line.vat_rate:
            code = "franchise-vat-charged"
        elif line.vat_category is VatCategory.STANDARD and not line.vat_rate:
            code = "einvoice-zero-rate-standard"
        else:
            continue
        problems.append(
            _problem(
                book,
                entry,
                loc,
                code,
                index=index + 1,
                rate=number(line.vat_rate, book.lang),
            )
        )
    return problems


def _buyer_problems(book: Book, entry: Entry) -> list[Problem]:
    record = entry.record
    who = buyer_identity(book, entry)
    key = "company" if record.company else "contact"
    if who is None:
        if record.company or record.contact:
            return []  # a reference to nothing: check_references says so
        return [_problem(book, entry, ("document",), "einvoice-buyer-missing")]
    found: list[tuple[Loc, str]] = []
    if who.professional and who.country == "FR":
        if who.siren is None:
            found.append(((key,), "einvoice-buyer-siren"))
        elif who.endpoint is not None and (
            who.endpoint[1] != EAS_SIREN or not who.endpoint[0].startswith(who.siren)
        ):
            found.append(((key,), "einvoice-buyer-directory"))
    if who.endpoint is None:
        found.append(((key,), "einvoice-buyer-address"))
    for index, line in enumerate(record.document.lines):
        needed = _NEEDS_BUYER_VAT.get(line.vat_category)
        if needed and not any(getattr(who, name) for name in needed):
            found.append((("document", "lines", index, "vat_category"), "einvoice-buyer-vat"))
            break
    return [
        _problem(book, entry, loc, code, file=who.source, category=_category(entry))
        for loc, code in found
    ]


def _category(entry: Entry) -> str:
    lines = entry.record.document.lines
    return next((x.vat_category.value for x in lines if x.vat_category in _NEEDS_BUYER_VAT), "")


def _seller_problems(book: Book, einvoices: list[Entry]) -> list[Problem]:
    """Faults of the firm's settings: reported once, on ``settings.yaml``, naming the
    first document they stop (a draft's when there is one: then it is an error)."""
    settings = book.settings
    firm = settings.firm
    drafts = [e for e in einvoices if not is_issued(e)]
    severity = None if drafts else Severity.WARNING
    found: list[tuple[Loc, str, list[Entry]]] = []
    if siren_of(firm.siren, firm.siret) is None:
        found.append((("firm",), "einvoice-seller-siren", drafts or einvoices))
    taxed = [e for e in drafts or einvoices if book.document_totals[e.id].tax]
    if taxed and not firm.vat_number and not firm.vat_exempt:
        found.append((("firm",), "einvoice-seller-vat-number", taxed))
    if settings.currency != "EUR":
        found.append((("currency",), "einvoice-currency", drafts or einvoices))
    problems = []
    for loc, code, stopped in found:
        entry = min(stopped, key=lambda e: e.path)
        problems.append(
            make_problem(
                code,
                SETTINGS_PATH,
                line=0,
                column=0,
                loc=loc,
                lang=book.lang,
                severity=severity,
                number=entry.record.document.number or entry.id,
                file=entry.path,
                currency=settings.currency,
            )
        )
    return problems
