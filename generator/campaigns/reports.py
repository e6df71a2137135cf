"""Delivery status notifications read from a mailbox: who bounced, how, for which message.

Standard reports (RFC 3464, ``multipart/report; report-type=delivery-status``) are read
field by field; the bounces many servers still send as plain text (Exim, Exchange, Gmail
and others) by their ``X-Failed-Recipients`` header or the recipients they name, and the
first enhanced status code (``5.1.1``) or the usual words. ``4.x.x`` is soft, ``5.x.x``
hard, ``5.1.2``, ``5.4.4`` and "domain not found" are domain bounces.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from generator.problems import Refused
from generator.schema.common import BounceKind

_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_MESSAGE_ID = re.compile(r"^\s*Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
_DOMAIN_WORDS = re.compile(
    r"domain not found|host or domain name not found|no such domain|domain does not exist|"
    r"nonexistentdomain|nxdomain|unrouteable (?:address|domain)",
    re.IGNORECASE,
)
_SOFT_WORDS = re.compile(
    r"mailbox (?:is )?full|over quota|quota exceeded|temporar|try again later|deferred",
    re.IGNORECASE,
)
_HARD_WORDS = re.compile(
    r"user unknown|no such user|does not exist|address not found|couldn't be found|"
    r"recipient rejected|invalid recipient|unknown recipient",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|mail delivery failed|returned mail|"
    r"delivery failure|non remis|échec de (?:la )?remise",
    re.IGNORECASE,
)
DOMAIN_STATUSES = frozenset({"5.1.2", "5.4.4"})


@dataclass(frozen=True, slots=True)
class Failure:
    """One recipient a report says could not be reached."""

    address: str | None
    status: str | None
    kind: BounceKind


@dataclass(frozen=True, slots=True)
class Report:
    """A delivery report: its own id and date, the message it reports on, the failures."""

    message_id: str
    date: object | None
    original_id: str | None
    failures: tuple[Failure, ...]


def read_mailbox(path: Path) -> Iterator[tuple[str, EmailMessage]]:
    """Every message of the mbox file or Maildir folder ``path``, with a label (its
    ``Subject`` or its key) for listing."""
    try:
        if path.is_dir():
            box: mailbox.Mailbox = mailbox.Maildir(path, create=False)
        elif path.is_file():
            box = mailbox.mbox(path, create=False)
        else:
            raise FileNotFoundError(path)
        keys = sorted(box.keys())
        raws = [box.get_bytes(key) for key in keys]
    except (OSError, mailbox.Error) as exc:
        raise Refused(
            "campaign-mailbox-unreadable", path=str(path), detail=type(exc).__name__
        ) from exc
    for raw in raws:
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        yield describe(message), message


def describe(message: Message) -> str:
    """How a message is shown in a list: its sender, date and subject."""
    return " — ".join(
        str(message.get(h, "")).strip() for h in ("From", "Date", "Subject") if message.get(h)
    )


def kind_of(status: str | None, text: str) -> BounceKind | None:
    """Soft, hard or domain, from the status code and the diagnostic's words."""
    if status in DOMAIN_STATUSES or _DOMAIN_WORDS.search(text):
        return BounceKind.DOMAIN
    if status is not None:
        return BounceKind.SOFT if status.startswith("4") else BounceKind.HARD
    if _SOFT_WORDS.search(text):
        return BounceKind.SOFT
    if _HARD_WORDS.search(text):
        return BounceKind.HARD
    return None


def _text_of(message: Message) -> str:
    """The text of every ``text/*`` part outside attached messages."""
    parts: list[str] = []
    for part in _parts(message):
        if part.get_content_maintype() == "text" and part.get_content_type() != (
            "text/rfc822-headers"
        ):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def _parts(message: Message) -> Iterator[Message]:
    """The parts of ``message``, not descending into attached messages."""
    if message.is_multipart():
        for part in message.get_payload():  # type: ignore[union-attr]
            if isinstance(part, Message) and part.get_content_type() != "message/rfc822":
                yield from _parts(part)
            elif isinstance(part, Message):
                yield part
    else:
        yield message


def _original_id(message: Message, text: str) -> str | None:
    """The Message-ID of the message the report is about: from the attached message or
    headers, else from a ``Message-ID:`` line of the report's text."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
        elif kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                found = _MESSAGE_ID.search(payload.decode("utf-8", "replace"))
                if found:
                    return found[1]
    found = _MESSAGE_ID.search(text)
    return found[1] if found else None


def _field(block: Message, name: str) -> str:
    return str(block.get(name, "") or "").strip()


def _standard(message: Message) -> list[Failure] | None:
    """The failures of an RFC 3464 report, ``None`` when ``message`` is not one."""
    if message.get_content_type() != "multipart/report":
        return None
    if message.get_param("report-type", "").lower() != "delivery-status":  # type: ignore[union-attr]
        return None
    failures: list[Failure] = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks[1:] if isinstance(blocks, list) else []:
            action = _field(block, "Action").lower()
            if action not in ("failed", "delayed"):
                continue
            recipient = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
            address = recipient.partition(";")[2].strip() or recipient or None
            found = _STATUS.search(_field(block, "Status"))
            status = found[0] if found else None
            diagnostic = _field(block, "Diagnostic-Code")
            kind = kind_of(status, diagnostic)
            if action == "delayed":
                kind = BounceKind.SOFT
            if kind is not None:
                failures.append(Failure(address.lower() if address else None, status, kind))
    return failures


def parse_report(message: EmailMessage, known: Iterable[str] = ()) -> Report | None:
    """The delivery report ``message`` is, or ``None`` when it is none. ``known``: the
    addresses a plain-text bounce may name in its text (the campaign's recipients)."""
    text = _text_of(message)
    failures = _standard(message)
    if failures is None:
        failed_header = str(message.get("X-Failed-Recipients", "") or "")
        sender = str(message.get("From", "") or "").lower()
        looks = (
            bool(failed_header)
            or "mailer-daemon" in sender
            or "postmaster" in sender
            or bool(_BOUNCE_SUBJECT.search(str(message.get("Subject", "") or "")))
        )
        if not looks:
            return None
        addresses = [a.lower() for _, a in getaddresses([failed_header]) if a]
        if not addresses:
            known_set = {k.lower() for k in known}
            addresses = list(dict.fromkeys(a.lower() for a in _ADDRESS.findall(text)))
            addresses = [a for a in addresses if a in known_set]
        found = _STATUS.search(text)
        status = found[0] if found else None
        kind = kind_of(status, text)
        if kind is None:
            return None
        failures = [Failure(a, status, kind) for a in addresses] or [Failure(None, status, kind)]
    if not failures:
        return None
    try:
        when = parsedate_to_datetime(str(message["Date"])) if message.get("Date") else None
    except (TypeError, ValueError):
        when = None
    own = str(message.get("Message-ID", "") or "").strip()
    return Report(own, when, _original_id(message, text), tuple(failures))
