"""``carnet campaign send``: one message per recipient through an SMTP server, with a send
log that makes an interrupted send resumable.

The log (``data/campaigns/<id>.sent.yaml``) marks each recipient « en cours » before its
SMTP transaction and « envoyé » after; it is written after each batch. A new run skips
the « envoyé », lists the « en cours » (the server may or may not have taken them) and
skips them too unless ``retry_uncertain``. A transaction the server refused, or that
broke before ``DATA`` was sent, was not sent: it leaves the log.
"""

from __future__ import annotations

import mailbox
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.book.campaigns import Recipient
from generator.campaigns.message import build_message, merge_all, message_id, sender_address
from generator.files.edits import ChangeSet, dump
from generator.files.layout import send_log_path
from generator.files.output import output_folder, real_folder
from generator.files.yamlio import atomic_write
from generator.problems import Refused
from generator.schema.campaigns import SendState

BATCH = 20
"""Recipients marked « en cours » (and the log written) at a time."""


@dataclass(frozen=True, slots=True)
class Server:
    """How to reach the SMTP server."""

    host: str
    port: int
    security: str = "none"
    """``none``, ``starttls`` or ``ssl``."""
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def parse_server(value: str, **options: Any) -> Server:
    """``HOST:PORT`` as a :class:`Server`; usage error ``campaign-smtp-address`` otherwise."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise Refused("campaign-smtp-address", value=value)
    return Server(host.strip("[]"), int(port), **options)


def parse_rate(value: str | None) -> float | None:
    """``N/min`` as the pause between two messages in seconds (``None``: no pause)."""
    if value is None:
        return None
    found = re.fullmatch(r"\s*(\d+)\s*/\s*min\s*", value)
    if found is None or int(found[1]) == 0:
        raise Refused("campaign-rate-invalid", value=value)
    return 60.0 / int(found[1])


@dataclass(slots=True)
class Plan:
    """What a send will do: the messages to send, those already sent, the uncertain ones."""

    to_send: list[Recipient]
    already_sent: list[str]
    uncertain: list[str]
    log: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The send log so far, by contact."""


def plan(book: Book, campaign_id: str, *, retry_uncertain: bool = False) -> Plan:
    """Who the send will write to, given the campaign's audience and its send log."""
    entry = book.send_logs.get(campaign_id)
    log: dict[str, dict[str, Any]] = {}
    if entry is not None:
        for s in entry.record.sendings:
            log[s.contact] = {
                "contact": s.contact,
                "address": s.address,
                "message_id": s.message_id,
                "state": s.state.value,
                "time": s.time.replace(tzinfo=None, microsecond=0),
            }
    sent = [c for c, s in log.items() if s["state"] == SendState.SENT.value]
    uncertain = [c for c, s in log.items() if s["state"] == SendState.SENDING.value]
    skip = set(sent) | (set() if retry_uncertain else set(uncertain))
    recipients = [r for r in book.audiences[campaign_id].recipients if r.contact not in skip]
    return Plan(recipients, sent, uncertain, log)


def _log_bytes(campaign_id: str, log: dict[str, dict[str, Any]]) -> bytes:
    data = {"campaign": campaign_id, "sendings": list(log.values())}
    head = "# Journal d'envoi écrit par carnet campaign send : ne pas modifier à la main.\n"
    return (head + dump(data)).encode("utf-8")


@dataclass(slots=True)
class Outcome:
    """What a send did."""

    sent: int = 0
    failure: str | None = None
    """Why the send stopped early (the server's answer, or the connection's error)."""
    changes: ChangeSet | None = None


def _connect(server: Server) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=server.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    smtp.ehlo()
    if server.security == "starttls":
        smtp.starttls(context=context)
        smtp.ehlo()
    if server.user:
        smtp.login(server.user, server.password or "")
    return smtp


class _NotSent(Exception):
    """The transaction stopped before ``DATA``: the message was not sent."""


def _transaction(smtp: smtplib.SMTP, sender: str, to: str, payload: bytes) -> None:
    """One SMTP transaction; :class:`_NotSent` when it stopped before the message left."""
    try:
        code, reply = smtp.mail(sender, ["SMTPUTF8"] if _needs_utf8(sender, to) else [])
        if code != 250:
            raise _NotSent(f"{code} {reply.decode(errors='replace')}")
        code, reply = smtp.rcpt(to)
        if code not in (250, 251):
            raise _NotSent(f"{code} {reply.decode(errors='replace')}")
    except (smtplib.SMTPException, OSError) as exc:
        raise _NotSent(str(exc) or type(exc).__name__) from exc
    try:  # from here on, only an answer of the server says the message was not taken
        smtp.data(payload)
    except smtplib.SMTPDataError as exc:  # the server answered: refused
        raise _NotSent(f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}") from exc


def _needs_utf8(*addresses: str) -> bool:
    return any(not a.isascii() for a in addresses)


def send(
    repo: Path,
    book: Book,
    campaign_id: str,
    server: Server,
    *,
    retry_uncertain: bool = False,
    pause: float | None = None,
    now: Callable[[], datetime] = datetime.now,
    on_sent: Callable[[Recipient], None] = lambda r: None,
    lang: str = "fr",
) -> Outcome:
    """Send the campaign's messages not yet sent; the log is on disk after each batch and
    the returned change set holds its final state, to be committed. A connection that
    fails stops the send (``failure``) with the log up to date."""
    campaign = book.campaigns[campaign_id].record
    todo = plan(book, campaign_id, retry_uncertain=retry_uncertain)
    merged = {m.contact: m for m in merge_all(book, repo, campaign_id, todo.to_send, lang)}
    messages = {
        r.contact: build_message(book, campaign_id, r, merged[r.contact], now().astimezone())
        for r in todo.to_send
    }  # every message is built (and every header checked) before the first is sent
    log, rel = todo.log, send_log_path(campaign_id)
    log_folder = real_folder(repo, "data", "campaigns")  # never through a link
    log_file = log_folder / rel.rpartition("/")[2]
    before = log_file.read_bytes() if log_file.is_file() else None
    outcome = Outcome()
    sender = sender_address(campaign)
    smtp: smtplib.SMTP | None = None
    try:
        if todo.to_send:
            smtp = _connect(server)
        for start in range(0, len(todo.to_send), BATCH):
            batch = todo.to_send[start : start + BATCH]
            for r in batch:
                log[r.contact] = {
                    "contact": r.contact,
                    "address": r.address,
                    "message_id": message_id(campaign_id, campaign, r.contact),
                    "state": SendState.SENDING.value,
                    "time": now().replace(microsecond=0, tzinfo=None),
                }
            atomic_write(log_file, _log_bytes(campaign_id, log))
            for i, r in enumerate(batch):
                try:
                    assert smtp is not None
                    payload = messages[r.contact].as_bytes()
                    _transaction(smtp, sender, r.address, payload)
                except _NotSent as exc:
                    for left in batch[i:]:
                        del log[left.contact]
                    outcome.failure = str(exc)
                    return outcome
                except (smtplib.SMTPException, OSError) as exc:
                    for left in batch[i + 1 :]:
                        del log[left.contact]
                    outcome.failure = str(exc) or type(exc).__name__
                    return outcome
                log[r.contact]["state"] = SendState.SENT.value
                log[r.contact]["time"] = now().replace(microsecond=0, tzinfo=None)
                outcome.sent += 1
                on_sent(r)
                if pause:
                    time.sleep(pause)
            atomic_write(log_file, _log_bytes(campaign_id, log))
    except (smtplib.SMTPException, OSError) as exc:  # connecting, greeting, logging in
        outcome.failure = str(exc) or type(exc).__name__
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        after = _log_bytes(campaign_id, log) if log else None
        if after is not None and after != before:
            outcome.changes = ChangeSet(repo)
            outcome.changes.create_bytes(rel, after)
        elif before is None:
            log_file.unlink(missing_ok=True)
        else:
            atomic_write(log_file, before)
    return outcome


def dry_run(
    repo: Path,
    book: Book,
    campaign_id: str,
    *,
    now: Callable[[], datetime] = datetime.now,
    lang: str = "fr",
) -> tuple[Path, int]:
    """Write every message the send would send to ``build/campaigns/<id>.mbox`` (replaced)."""
    recipients = list(book.audiences[campaign_id].recipients)
    merged = merge_all(book, repo, campaign_id, recipients, lang)
    messages = [
        build_message(book, campaign_id, r, m, now().astimezone())
        for r, m in zip(recipients, merged, strict=True)
    ]
    folder = output_folder(repo, "campaigns")
    target = folder / f"{campaign_id}.mbox"
    staging = folder / f".{campaign_id}.mbox.tmp"
    staging.unlink(missing_ok=True)
    box = mailbox.mbox(staging)
    try:
        for message in messages:
            box.add(message)
        box.flush()
    finally:
        box.close()
    staging.replace(target)
    return target, len(messages)
