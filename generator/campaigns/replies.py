"""``carnet campaign bounces`` and ``carnet campaign unsubscribes``: what comes back.

Bounces are matched to the campaign's messages by the send log — the Message-ID the
report names, then the failed recipient's address — and appended to the contact's
``bounces:`` with the report's own Message-ID, so reading the same mailbox again adds
nothing. Unsubscribe replies (the ``mailto:`` of ``List-Unsubscribe``, subject
``unsubscribe-<campaign>``) record an ``optout:``. Anything not matched is listed, never
guessed; both write every contact or none (one change set, committed by the caller).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.book.book import Book
from generator.book.consent import normalized
from generator.campaigns.reports import parse_report, read_mailbox
from generator.files.edits import ChangeSet, to_yaml_data
from generator.files.layout import send_log_path
from generator.problems import Refused

UNSUBSCRIBE = re.compile(r"\bunsubscribe-([a-z0-9-]+)\b", re.IGNORECASE)
UNSUBSCRIBE_SOURCE = "désinscription par e-mail"


@dataclass(slots=True)
class Recorded:
    """What reading a mailbox found: lines for what was recorded, the messages left
    unmatched, how many were recorded already, and the change set to save."""

    changes: ChangeSet
    recorded: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    known: int = 0


def _local_day(when: datetime | None, book: Book) -> date:
    if when is None:
        return book.today
    if when.tzinfo is None:
        return when.date()
    return when.astimezone(ZoneInfo(book.settings.timezone)).date()


def _append(changes: ChangeSet, path: str, key: str, item: dict[str, Any]) -> None:
    data = changes.edit(path)
    node = to_yaml_data(item)
    if key in data and data[key] is not None:
        data[key].append(node)
    else:
        data[key] = to_yaml_data([item])


def record_bounces(repo: Path, book: Book, campaign_id: str, mailbox_path: Path) -> Recorded:
    """Append the bounces of ``mailbox_path`` to the contacts of the campaign's messages."""
    log = book.send_logs.get(campaign_id)
    if log is None:
        raise Refused("campaign-not-sent", campaign=campaign_id, log=send_log_path(campaign_id))
    by_id = {s.message_id: s for s in log.record.sendings}
    by_address = {normalized(s.address): s for s in log.record.sendings}
    done = Recorded(ChangeSet(repo))
    seen: set[tuple[str, str]] = set()
    for label, message in read_mailbox(mailbox_path):
        report = parse_report(message, known=by_address)
        if report is None:
            done.unmatched.append(label)
            continue
        report_id = report.message_id or (
            "<" + hashlib.sha256(message.as_bytes()).hexdigest()[:24] + "@carnet.invalid>"
        )
        matched = False
        for failure in report.failures:
            sending = by_id.get(report.original_id or "")
            if sending is None or (
                failure.address and failure.address != normalized(sending.address)
            ):
                sending = by_address.get(failure.address or "") if sending is None else sending
            if sending is None or sending.contact not in book.contacts:
                continue
            address = failure.address or normalized(sending.address)
            entry = book.contacts[sending.contact]
            key = (report_id, address)
            if key in seen or any(
                b.message_id == report_id and normalized(b.address) == address
                for b in entry.record.bounces
            ):
                done.known += 1
                matched = True
                continue
            seen.add(key)
            matched = True
            day = _local_day(report.date, book)  # type: ignore[arg-type]
            _append(
                done.changes,
                entry.path,
                "bounces",
                {
                    "date": day,
                    "kind": failure.kind.value,
                    "address": address,
                    "campaign": campaign_id,
                    "status": failure.status,
                    "message_id": report_id,
                },
            )
            done.recorded.append(
                f"{sending.contact} : {failure.kind.label()} ({failure.status or '—'}) {address}"
            )
        if not matched:
            done.unmatched.append(label)
    return done


def record_unsubscribes(repo: Path, book: Book, mailbox_path: Path) -> Recorded:
    """Record an opt-out for each unsubscribe reply of ``mailbox_path``."""
    by_address: dict[str, list[str]] = {}
    for contact_id, consent in book.consent.items():
        if consent.address:
            by_address.setdefault(consent.address, []).append(contact_id)
    done = Recorded(ChangeSet(repo))
    handled: set[str] = set()
    for label, message in read_mailbox(mailbox_path):
        found = UNSUBSCRIBE.search(str(message.get("Subject", "") or ""))
        sender = normalized(parseaddr(str(message.get("From", "") or ""))[1])
        campaign = found[1].lower() if found else None
        contacts = by_address.get(sender, [])
        if campaign is None or campaign not in book.campaigns or not contacts:
            done.unmatched.append(label)
            continue
        try:
            when = parsedate_to_datetime(str(message["Date"])) if message.get("Date") else None
        except (TypeError, ValueError):
            when = None
        day = _local_day(when, book)
        for contact_id in contacts:
            r = book.contacts[contact_id].record
            opted_out = r.optout is not None and (r.optin is None or r.optin.date <= r.optout.date)
            if opted_out or contact_id in handled:
                done.known += 1
                continue
            handled.add(contact_id)
            data = done.changes.edit(book.contacts[contact_id].path)
            data["optout"] = to_yaml_data(
                {"date": day, "source": UNSUBSCRIBE_SOURCE, "campaign": campaign}
            )
            done.recorded.append(f"{contact_id} : opt-out ({campaign})")
    return done
