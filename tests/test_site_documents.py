"""The sales documents on the internal site: « Factures », « Devis et commandes », one page
per document, each linking its PDF (the example business's real documents)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from test_site_build import read


def text(site: Path, url: str) -> str:
    """The visible text of a page's article, whitespace collapsed."""
    page = read(site, url)
    body = page[page.index("<article") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_invoices_page_shows_paid_due_and_overdue(site: Path) -> None:
    page = text(site, "factures")
    assert "F2026-0001" in page and "F2026-0006" in page
    # Léa Fontaine's training invoice fell due on 15 October 2026: 41 days late on 25 Nov.
    assert re.search(
        r"F2026-0003 facture \S+ Léa Fontaine 1 167,00 € 0,00 € 1 167,00 € 15/10/2026 en retard \(41 j\)",
        page,
    )
    assert re.search(r"F2026-0001 facture d'acompte .* payée", page)
    assert "avoir imputé" in page
    assert "Factures" in read(site, "")  # in the navigation


def test_every_document_has_a_page_linking_its_pdf(site: Path) -> None:
    page = read(site, "factures")
    for number in ("F2026-0001", "F2026-0004", "F2026-0006"):
        assert f'href="../documents/pdf/{number}.pdf"' in page
    rendered = site.parent / "documents"
    for pdf in rendered.glob("*.pdf"):  # every PDF carnet documents wrote is in the site
        assert (site / "documents" / "pdf" / pdf.name).read_bytes() == pdf.read_bytes()
    assert (site / "documents" / "pdf" / "F2026-0004.pdf").is_file()
    assert (site / "documents" / "pdf" / "devis-accompagnement-2027-mbs.brouillon.pdf").is_file()
    others = text(site, "documents")
    assert "D2026-0001" in others and "C2026-0002" in others
    assert "devis-accompagnement-2027-mbs" in others and "(brouillon)" in others


def test_deposit_page_has_the_versement_block_and_order_billing(site: Path) -> None:
    page = text(site, "documents/devis-site-garage-brotteaux-commande-facture-2")
    assert "Facture intermédiaire F2026-0002" in page
    assert "Versement à la recette, lundi 15 juin 2026 2 096,00 € HT" in page
    assert "Déjà facturé sur la commande 1 572,00 € HT" in page
    assert "Reste à facturer après cette facture 1 572,00 € HT" in page
    order = text(site, "documents/devis-site-garage-brotteaux-commande")
    assert "Reste à facturer 0,00 € HT" in order


def test_credit_note_lowers_what_the_invoice_leaves_due(site: Path) -> None:
    page = text(site, "documents/commande-sapins-mbs-2026-facture-1")
    assert "Avoirs − 108,00 €" in page
    assert "Reste dû 1 400,80 €" in page
    assert "avoir F2026-0006" in page


def test_interaction_cards_link_their_document(site: Path) -> None:
    page = read(site, "societes/garage-des-brotteaux")
    assert 'href="../../documents/devis-site-garage-brotteaux-commande-facture-1/"' in page


def test_a_purchase_order_page_links_no_pdf_and_every_link_has_its_file(site: Path) -> None:
    """Carnet does not print purchase orders (the supplier's document): their page and row
    link no PDF, so the build never reports them as « sans PDF »; every PDF link resolves."""
    page = read(site, "documents/commande-selfibox-fin-2026")
    assert "documents/pdf/" not in page
    assert "commande-selfibox-fin-2026.brouillon.pdf" not in read(site, "documents")
    for listing in ("documents", "factures"):
        for href in re.findall(r'href="\.\./documents/pdf/([^"]+)"', read(site, listing)):
            assert (site / "documents" / "pdf" / href).is_file(), href
