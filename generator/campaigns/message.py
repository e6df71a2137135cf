"""The message of a campaign for each recipient: merged subject and body (the sandbox of
``carnet merge``), plain text and HTML parts, the unsubscribe footer, the headers.

Every merge of a campaign runs in one bounded child process
(:func:`generator.documents.sandbox.run_bounded`); a line break that would reach a header
(the subject, a contact's name) is refused before any message exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from markupsafe import escape

from generator.book.book import Book
from generator.book.campaigns import Recipient
from generator.checks.campaigns import unsafe_header
from generator.documents.merge import firm_context, record_context, sandbox_environment
from generator.documents.sandbox import SandboxLimit, render_text, run_bounded
from generator.problems import Refused
from generator.templating import render_note

FOOTER_FR = (
    "Message envoyé par {firm}. Pour ne plus recevoir ses campagnes, répondez à ce "
    "message avec pour objet « {keyword} » ({mailto})."
)


@dataclass(frozen=True, slots=True)
class Merged:
    """A recipient's merged subject and Markdown body."""

    contact: str
    subject: str
    body: str


def unsubscribe_keyword(campaign_id: str) -> str:
    """The subject of an unsubscribe reply: ``unsubscribe-<campaign>``."""
    return f"unsubscribe-{campaign_id}"


def reply_address(campaign: Any) -> str:
    """Where replies (and unsubscribes) go: ``reply_to``, else the sender's address."""
    return parseaddr(campaign.reply_to or campaign.from_)[1]


def unsubscribe_mailto(campaign_id: str, campaign: Any) -> str:
    """``mailto:contact@…?subject=unsubscribe-<campaign>`` (the List-Unsubscribe target)."""
    return f"mailto:{reply_address(campaign)}?subject={unsubscribe_keyword(campaign_id)}"


def message_id(campaign_id: str, campaign: Any, contact: str) -> str:
    """The Message-ID of ``contact``'s message: stable, so a resumed send and the delivery
    reports name the same message."""
    digest = hashlib.sha256(f"{campaign_id}/{contact}".encode()).hexdigest()[:16]
    domain = reply_address(campaign).rpartition("@")[2] or "carnet.invalid"
    return f"<{campaign_id}.{digest}@{domain}>"


def _context(book: Book, contact: str, firm: dict[str, Any]) -> dict[str, Any]:
    found = record_context(book, "contact", contact)
    record = book.contacts[contact].record
    company = book.companies.get(record.company or "")
    contact_data = {
        **found["record"],
        "company_name": company.record.name if company else None,
    }
    return {"contact": contact_data, "company": found["company"], "firm": firm, "today": book.today}


def merge_all(
    book: Book, repo: Path, campaign_id: str, recipients: Sequence[Recipient], lang: str = "fr"
) -> list[Merged]:
    """Every recipient's subject and body, merged in one bounded child process; refused
    (``campaign-merge-failed``) at the first recipient a tag fails for."""
    campaign = book.campaigns[campaign_id].record
    firm = firm_context(book, repo)
    contexts = [(r.contact, _context(book, r.contact, firm)) for r in recipients]

    def render() -> dict[str, Any]:
        env = sandbox_environment(lang)
        done: list[list[str]] = []
        contact = ""
        try:
            subject = env.from_string(campaign.subject)
            body = env.from_string(campaign.body)
            for contact, context in contexts:
                done.append([contact, render_text(subject, context), render_text(body, context)])
        except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
            return {"failed": [contact, str(exc)]}
        return {"result": done}

    def refused(limit: SandboxLimit) -> dict[str, Any]:
        return {"failed": ["", limit.detail(lang)]}

    outcome = run_bounded(render, on_limit=refused)
    if "failed" in outcome:
        contact, detail = outcome["failed"]
        raise Refused("campaign-merge-failed", contact=contact or campaign_id, detail=detail)
    return [Merged(*row) for row in outcome["result"]]


def _footer(book: Book, campaign_id: str, campaign: Any) -> tuple[str, str]:
    mailto = unsubscribe_mailto(campaign_id, campaign)
    keyword = unsubscribe_keyword(campaign_id)
    firm = book.settings.firm.name
    text = FOOTER_FR.format(firm=firm, keyword=keyword, mailto=mailto)
    html = FOOTER_FR.format(
        firm=escape(firm),
        keyword=escape(keyword),
        mailto=f'<a href="{escape(mailto)}">{escape(reply_address(campaign))}</a>',
    )
    return text, html


def build_message(
    book: Book, campaign_id: str, recipient: Recipient, merged: Merged, when: datetime
) -> EmailMessage:
    """The message to ``recipient``: headers, plain text and HTML (footer included).
    Refused (``campaign-header-injection``) if a line break would reach a header."""
    campaign = book.campaigns[campaign_id].record
    contact = book.contacts[recipient.contact].record
    name = contact.full_name
    for header, value in (
        ("Subject", merged.subject),
        ("To", name),
        ("To", recipient.address),
        ("From", campaign.from_),
        ("Reply-To", campaign.reply_to),
    ):
        if unsafe_header(value):
            raise Refused("campaign-header-injection", contact=recipient.contact, header=header)
    text_footer, html_footer = _footer(book, campaign_id, campaign)
    message = EmailMessage(policy=SMTP)
    message["From"] = campaign.from_
    local, _, domain = recipient.address.partition("@")
    message["To"] = Address(display_name=name, username=local, domain=domain)
    if campaign.reply_to:
        message["Reply-To"] = campaign.reply_to
    message["Subject"] = merged.subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id(campaign_id, campaign, recipient.contact)
    message["List-Unsubscribe"] = f"<{unsubscribe_mailto(campaign_id, campaign)}>"
    message["X-Carnet-Campaign"] = campaign_id
    message.set_content(f"{merged.body.rstrip()}\n\n-- \n{text_footer}\n", cte="quoted-printable")
    html = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(merged.subject)}</title></head><body>"
        f"{render_note(merged.body)}<hr><p><small>{html_footer}</small></p></body></html>"
    )
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def sender_address(campaign: Any) -> str:
    """The envelope sender (MAIL FROM): the address of ``from``."""
    return parseaddr(campaign.from_)[1]


__all__ = [
    "Merged",
    "build_message",
    "merge_all",
    "message_id",
    "sender_address",
    "unsubscribe_keyword",
    "unsubscribe_mailto",
]
