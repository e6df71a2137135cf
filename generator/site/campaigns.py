"""The prospecting pages of the internal site: a page per interest centre (who, how many,
with consent or not) and per campaign (recipients, statistics), from the Book."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.book.book import Book
from generator.book.consent import Consent

INTERESTS_PAGE = "interets/index.md"
CAMPAIGNS_PAGE = "campagnes/index.md"

REFUSALS = {
    "no-email": ("pas d'adresse e-mail", "no e-mail address"),
    "opted-out": ("désinscrit (opt-out)", "opted out"),
    "no-consent": ("pas de consentement (opt-in)", "no consent (opt-in)"),
    "disabled": ("adresse désactivée", "address disabled"),
    "duplicate": ("adresse déjà destinataire", "duplicate address"),
    "excluded": ("exclu à la main", "excluded by hand"),
}
BOUNCE_WHY = {
    "hard": ("retour définitif", "hard bounce"),
    "soft": ("3 retours temporaires en 90 jours", "3 soft bounces within 90 days"),
    "domain": ("domaine invalide", "invalid domain"),
}


def slug(text: str) -> str:
    """``client auto`` → ``client-auto``, ``événementiel`` → ``evenementiel``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "x"


def interest_page(interest: str) -> str:
    """The page of an interest centre."""
    return f"interets/{slug(interest)}.md"


def campaign_page(campaign_id: str) -> str:
    """The page of a campaign."""
    return f"campagnes/{campaign_id}.md"


def consent_text(consent: Consent, lang: str = "fr") -> str:
    """« oui », or why not (« désinscrit (opt-out) »)."""
    en = lang.startswith("en")
    if consent.refusal is None:
        return "yes" if en else "oui"
    fr, english = REFUSALS[consent.refusal.value]
    return english if en else fr


def bounce_why(kind: str, lang: str = "fr") -> str:
    """Why an address is disabled, in words."""
    fr, en = BOUNCE_WHY[kind]
    return en if lang.startswith("en") else fr


def interests_index(book: Book) -> dict[str, Any]:
    """Every interest centre with its counts."""
    return {
        "centres": [
            (interest, interest_page(interest), centre)
            for interest, centre in book.interest_centres.items()
        ]
    }


def interest(book: Book, name: str, lang: str) -> dict[str, Any]:
    """One interest centre: its contacts with their consent, its companies."""
    centre = book.interest_centres[name]
    return {
        "interest": name,
        "centre": centre,
        "contacts": [
            (book.contacts[c], consent_text(book.consent[c], lang), book.consent[c].allowed)
            for c in centre.contacts
        ],
        "companies": [book.companies[c] for c in centre.companies],
    }


def campaigns_index(book: Book) -> dict[str, Any]:
    """Every campaign, latest first, with its figures."""
    rows = sorted(book.campaigns.items(), key=lambda kv: (kv[1].record.date, kv[0]), reverse=True)
    return {
        "rows": [
            (cid, e, campaign_page(cid), book.audiences[cid], book.campaign_stats[cid])
            for cid, e in rows
        ]
    }


def campaign(book: Book, campaign_id: str, lang: str) -> dict[str, Any]:
    """A campaign: target, who it reaches and leaves out, what happened."""
    entry = book.campaigns[campaign_id]
    audience = book.audiences[campaign_id]
    return {
        "id": campaign_id,
        "c": entry.record,
        "audience": audience,
        "excluded": [
            (contact, REFUSALS[reason.value][1 if lang.startswith("en") else 0])
            for contact, reason in audience.excluded
        ],
        "stats": book.campaign_stats[campaign_id],
        "sent": campaign_id in book.send_logs,
        "interest_pages": {i: interest_page(i) for i in book.interest_centres},
    }


def pages(book: Book, lang: str, spec: Any, people: str | None = None) -> Iterator[Any]:
    """The PageSpecs of the prospecting pages (``spec``: the PageSpec class; ``people``:
    the key of the interest centres' pages, :func:`generator.site.depends.people_key`)."""
    en = lang.startswith("en")
    yield spec(
        INTERESTS_PAGE,
        "interests.md.j2",
        "Interest centres" if en else "Centres d'intérêt",
        lambda: interests_index(book),
        people,
    )
    for name in book.interest_centres:
        yield spec(
            interest_page(name),
            "interest.md.j2",
            name,
            lambda n=name: interest(book, n, lang),
            people,
        )
    yield spec(
        CAMPAIGNS_PAGE,
        "campaigns.md.j2",
        "Campaigns" if en else "Campagnes",
        lambda: campaigns_index(book),
    )
    for cid, entry in book.campaigns.items():
        yield spec(
            campaign_page(cid),
            "campaign.md.j2",
            entry.record.name,
            lambda c=cid: campaign(book, c, lang),
        )
