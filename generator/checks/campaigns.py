"""The rules of campaigns: their references and interest centres, headers that cannot
smuggle another header, merge tags that compile, and disabled addresses they target."""

from __future__ import annotations

from email.utils import getaddresses

from generator.book.book import Book
from generator.book.campaigns import Exclusion
from generator.checks.base import at, label
from generator.locale import long_date
from generator.problems import Problem, did_you_mean

HEADERS = ("from", "reply_to", "subject")
"""The fields that become headers of every message."""


def unsafe_header(value: str | None) -> bool:
    """Would ``value`` break out of its header (a line break starts another one)?"""
    return value is not None and any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def valid_address(value: str | None) -> bool:
    """Is ``value`` one address, bare or with a display name?"""
    if not value:
        return False
    found = getaddresses([value])
    return len(found) == 1 and "@" in found[0][1] and " " not in found[0][1]


def check_campaigns(book: Book) -> list[Problem]:
    """Every campaign: contacts and interests it names exist, headers are single lines and
    addresses, subject and body compile, and the disabled addresses it targets (info)."""
    problems: list[Problem] = []
    if not book.campaigns:
        return problems
    from jinja2 import TemplateSyntaxError  # a repository without campaign: no Jinja loaded
    from jinja2.sandbox import SandboxedEnvironment

    interests = set(book.settings.interests)
    contacts = book.contacts
    env = SandboxedEnvironment()
    for campaign_id, entry in book.campaigns.items():
        r, path = entry.record, entry.path
        target = r.target
        for key in ("interests_any", "interests_all", "interests_none"):
            for i, interest in enumerate(getattr(target, key)):
                if interest not in interests:
                    problems.append(
                        at(
                            book,
                            path,
                            ("target", key, i),
                            "list-value-unknown",
                            field=f"target.{key}",
                            value=interest,
                            setting="interests",
                            suggestion=did_you_mean(interest, interests, book.lang),
                        )
                    )
        for key in ("include", "exclude"):
            for i, contact in enumerate(getattr(target, key)):
                if contact not in book.ids.get("contact", ()):
                    problems.append(
                        at(
                            book,
                            path,
                            ("target", key, i),
                            "ref-unknown",
                            target=label("contact", book.lang),
                            kind="contact",
                            id=contact,
                            suggestion=did_you_mean(contact, contacts, book.lang),
                        )
                    )
        for key, value in (("from", r.from_), ("reply_to", r.reply_to), ("subject", r.subject)):
            if unsafe_header(value):
                problems.append(at(book, path, (key,), "campaign-header-unsafe", field=key))
            elif key != "subject" and value is not None and not valid_address(value):
                problems.append(
                    at(book, path, (key,), "campaign-address-invalid", field=key, value=value)
                )
        for key, value in (("subject", r.subject), ("body", r.body)):
            try:
                env.parse(value)
            except TemplateSyntaxError as exc:
                problems.append(
                    at(book, path, (key,), "campaign-template-invalid", detail=exc.message or "")
                )
        if campaign_id in book.send_logs:
            continue  # sent already: its audience today is history
        for contact, reason in book.audiences[campaign_id].excluded:
            disabled = book.consent[contact].disabled
            if reason is Exclusion.DISABLED and disabled is not None:
                problems.append(
                    at(
                        book,
                        path,
                        ("target",),
                        "campaign-address-disabled",
                        contact=contact,
                        address=disabled.address,
                        kind=disabled.kind.value,
                        since=long_date(disabled.since, book.lang),
                    )
                )
    return problems
