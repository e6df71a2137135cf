"""One sales document (or reminder letter) from the Book to PDF bytes.

The public functions other outputs call:

- :func:`render_document` ``(book, id) -> bytes``: the PDF, PDF/A-3b with Factur-X for an
  issued invoice or credit note, watermarked « BROUILLON » without number for a draft;
- :func:`output_name` ``(book, id) -> str``: ``F2026-0001.pdf`` or ``<id>.brouillon.pdf``;
- :func:`render_reminder` ``(book, id) -> bytes``: the « lettre de relance »;
- :func:`prepare` and :func:`finish`: the same in two steps, so that a batch can skip a
  document whose HTML and XML did not change (:mod:`generator.documents.batch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.documents import kinds
from generator.documents.context import document_context
from generator.documents.qr import inline_qr_codes
from generator.documents.reminder import reminder_context
from generator.problems import Refused
from generator.templating import environment


def render_template(name: str, context: dict[str, Any]) -> str:
    """HTML of ``site_templates/documents/<name>`` (the context is also given as ``doc``):
    the templates' one Jinja2 environment (:func:`generator.templating.environment`),
    autoescaped and strict; documents speak the firm's language, French."""
    return environment("fr", "documents").get_template(name).render(doc=context, **context)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document ready for WeasyPrint: its file name, HTML and Factur-X XML (if any)."""

    interaction_id: str
    name: str
    html: str
    xml: bytes | None
    pdfa: bool
    lang: str = "fr"


def _lang(book: Book, lang: str | None) -> str:
    return lang or book.settings.lang


def _entry(book: Book, interaction_id: str):  # -> Entry
    entry = book.interactions.get(interaction_id)
    if entry is None or not kinds.is_document(entry):
        raise Refused("document-not-printable", id=interaction_id)
    return entry


def output_name(book: Book, interaction_id: str) -> str:
    """``F2026-0001.pdf`` for an issued document, ``<id>.brouillon.pdf`` for a draft."""
    return kinds.output_name(_entry(book, interaction_id))


def document_html(
    book: Book, interaction_id: str, *, repo: Path | None = None, lang: str | None = None
) -> str:
    """The HTML of a document (its kind's template, or ``document.template``)."""
    entry = _entry(book, interaction_id)
    context = document_context(book, interaction_id, repo=repo, lang=_lang(book, lang))
    return render_template(f"{kinds.template_kind(entry).value}.html", context)


def einvoice_xml(book: Book, interaction_id: str) -> bytes | None:
    """The Factur-X XML of an issued invoice or credit note; ``None`` otherwise."""
    entry = _entry(book, interaction_id)
    if kinds.is_draft(entry) or entry.record.document.kind not in kinds.E_INVOICE_KINDS:
        return None
    from generator.documents.facturx.cii import invoice_xml

    try:
        return invoice_xml(book, interaction_id)
    except Refused as exc:
        raise Refused(
            "einvoice-in-file",
            file=entry.path,
            reason=exc.message("fr"),
            reason_en=exc.message("en"),
        ) from None


def prepare(
    book: Book, interaction_id: str, *, repo: Path | None = None, lang: str | None = None
) -> Prepared:
    """HTML and XML of a document, before the (slow) PDF rendering."""
    entry = _entry(book, interaction_id)
    xml = einvoice_xml(book, interaction_id)
    return Prepared(
        interaction_id,
        kinds.output_name(entry),
        document_html(book, interaction_id, repo=repo, lang=lang),
        xml,
        pdfa=xml is not None,
        lang=_lang(book, lang),
    )


def final_html(prepared: Prepared) -> str:
    """The HTML WeasyPrint receives: QR codes drawn (see :func:`qr.qr_placeholder`)."""
    return inline_qr_codes(prepared.html)


def finish(prepared: Prepared, *, repo: Path | None = None) -> bytes:
    """The PDF of a prepared document, with its Factur-X XML embedded when it has one."""
    from generator.documents.pdf import html_to_pdf

    pdf = html_to_pdf(final_html(prepared), repo=repo, pdfa=prepared.pdfa)
    if prepared.xml is None:
        return pdf
    from generator.documents.facturx.cii import embed

    return embed(pdf, prepared.xml, lang=prepared.lang)


def render_document(
    book: Book, interaction_id: str, *, repo: Path | None = None, lang: str | None = None
) -> bytes:
    """The PDF of one document. ``repo`` lets it read the firm's logo under ``data/``.

    Refused (bad data, or a resource outside the allowed folders) when it cannot be.
    """
    return finish(prepare(book, interaction_id, repo=repo, lang=lang), repo=repo)


def reminder_html(
    book: Book, interaction_id: str, *, repo: Path | None = None, lang: str | None = None
) -> str:
    """The HTML of the reminder letter of an issued invoice."""
    context = reminder_context(book, interaction_id, repo=repo, lang=_lang(book, lang))
    return render_template("reminder.html", context)


def render_reminder(
    book: Book, interaction_id: str, *, repo: Path | None = None, lang: str | None = None
) -> bytes:
    """The « lettre de relance » PDF of an issued invoice: amounts due, days late,
    penalties and, for a professional customer, the 40 € recovery indemnity.

    The caller writes it as :func:`reminder_name` (``<number>.relance.pdf``).
    """
    from generator.documents.pdf import html_to_pdf

    html = reminder_html(book, interaction_id, repo=repo, lang=lang)
    return html_to_pdf(inline_qr_codes(html), repo=repo)


def reminder_name(book: Book, interaction_id: str) -> str:
    """``F2026-0001.relance.pdf``."""
    return kinds.reminder_name(book.interactions[interaction_id])
