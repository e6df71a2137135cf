"""The prospecting pages of the internal site: interest filter of the lists, a page per
interest centre, a page per campaign with its statistics, consent on the contact page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import browser, serve


def _text(site: Path, url: str) -> str:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_campaign_statistics_page(site: Path) -> None:
    text = _text(site, "campagnes/lettre-rentree-2026")
    assert "Envoyés 11" in text
    assert "Retours temporaires (soft) 1" in text
    assert "Retours définitifs (hard) 0" in text
    assert "Délivrés (envoyés − retours) 10" in text
    assert "Désinscrits 1" in text
    assert "Le taux d'ouverture n'est pas mesuré" in text
    assert "professionnel 11 1 10 1" in text  # per interest centre: sent, bounced, delivered, unsub
    upcoming = _text(site, "campagnes/voeux-2027")
    assert "Pas encore envoyée. Destinataires prévus : 8" in upcoming
    assert "Sophie Garnier exclu à la main" in upcoming
    assert "Julien Blanc exclu à la main" in upcoming
    index = _text(site, "campagnes")
    assert "Lettre de rentrée 2026" in index and "Vœux 2027 et offre sapins" in index


def test_interest_centre_page(site: Path) -> None:
    text = _text(site, "interets/newsletter")
    assert "Centre d'intérêt : newsletter" in text
    assert "Julien Blanc Hôtel Bellecour j.blanc@hotel-bellecour-lyon.fr adresse désactivée" in text
    assert "Léa Fontaine particulier lea.fontaine@laposte.net oui" in text
    index = _text(site, "interets")
    assert "newsletter" in index and "événementiel" in index


def test_contact_page_says_why_and_since_when(site: Path) -> None:
    text = _text(site, "contacts/robert-gauthier")
    assert (
        "ne reçoit pas les campagnes : adresse désactivée — adresse "
        "r.gauthier@numericable-lyon.fr désactivée depuis le vendredi 2 octobre 2026 "
        "(domaine invalide)"
    ) in text
    francois = _text(site, "contacts/francois-perrin")
    assert "ne reçoit pas les campagnes : désinscrit (opt-out)" in francois


@pytest.mark.browser
def test_interest_filter_of_the_contact_list(site: Path) -> None:
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "contacts/")
        every = page.locator("table tbody tr").count()
        page.select_option("select.carnet-interest-filter", "newsletter")
        shown = page.locator("table tbody tr:not([hidden]) td.name").all_inner_texts()
        assert 0 < len(shown) < every
        assert "Léa Fontaine" in shown and "Jeanne Sapin" in shown
        assert "Hugo Marchand" not in shown
        page.fill("input.carnet-filter", "Sapins")  # both filters at once
        shown = page.locator("table tbody tr:not([hidden]) td.name").all_inner_texts()
        assert "Jeanne Sapin" in shown and "Léa Fontaine" not in shown
