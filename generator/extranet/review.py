"""Reviewing a proposal against the data of today: what it changes, or why not.

:func:`review` refuses a proposal whose record is not one its extranet shows (another
project, a kind not shared, a document), which changes a field that is not editable,
whose base digest is not the record's today (a conflict: each field's proposed value
and today's), or whose values are not valid; otherwise it returns the field-level diff
and the edit, as a :class:`~generator.files.edits.ChangeSet` not written yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.book.book import Book
from generator.checks.extranet import HIDDEN_BUDGETS
from generator.extranet.proposals import Proposal, record_digest, typed_value
from generator.files.edits import ChangeSet
from generator.problems import Refused, clip
from generator.schema.interaction import Interaction
from generator.schema.parties import slug


@dataclass(frozen=True, slots=True)
class Review:
    """What applying a proposal does: the file, each field's old and new value, the edit."""

    proposal: Proposal
    path: str
    diff: list[tuple[str, str, str]]
    changes: ChangeSet
    subject: str
    person: str
    """The person's name and e-mail, as a commit trailer names them."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _person(book: Book, proposal: Proposal) -> str:
    extranet = book.projects[proposal.project].record.extranet
    for person in extranet.people if extranet else []:
        if person.key == proposal.person:
            contact = book.contacts.get(person.contact or "")
            name = person.name or (contact.record.full_name if contact else person.key)
            email = person.email or (contact.record.email if contact else None)
            return f"{name} <{email}>" if email else name
    return proposal.person


def review(repo: Any, book: Book, proposal: Proposal) -> Review:
    """The change ``proposal`` makes to today's data (see the module), or a refusal."""
    project = book.projects[proposal.project].record
    extranet = project.extranet
    if extranet is None or not extranet.proposals:
        raise Refused("proposal-person-unknown", identifier=proposal.person)
    allowed = set(extranet.editable) | ({"subject"} if proposal.record is None else set())
    kind = proposal.kind
    entry = book.interactions.get(proposal.record or "")
    if proposal.record is not None:
        r = entry.record if entry is not None else None
        if r is None or r.project != proposal.project or r.kind not in extranet.kinds or r.document:
            raise Refused("proposal-out-of-scope", record=proposal.record[:60])
        kind = r.kind
    elif kind not in extranet.kinds:
        raise Refused("proposal-out-of-scope", record=str(kind)[:60])
    if kind in HIDDEN_BUDGETS:
        allowed.discard("budget")
    refused = sorted(set(proposal.changes) - allowed)
    if refused:
        raise Refused(
            "proposal-field-not-editable",
            fields=", ".join(f[:30] for f in refused),
            editable=", ".join(sorted(allowed)) or "—",
        )
    typed = {field: typed_value(field, value) for field, value in proposal.changes.items()}
    stage = typed.get("type")
    if stage is not None and stage not in book.settings.pipelines[kind].stages:
        raise Refused("proposal-value-invalid", field="type", value=str(stage)[:40])
    changes = ChangeSet(repo)
    if entry is not None:
        current = {f: _text(getattr(entry.record, f, None)) for f in typed}
        if record_digest(entry) != proposal.base:
            conflicts = "; ".join(
                f"{f} : « {clip(_text(v))} » / « {clip(current[f])} »" for f, v in typed.items()
            )
            raise Refused("proposal-stale", record=entry.id, detail=conflicts or "—")
        doc = changes.edit(entry.path)
        for field, value in typed.items():
            if value is None:
                doc.pop(field, None)
            else:
                doc[field] = value
        diff = [(f, current[f], _text(v)) for f, v in typed.items() if current[f] != _text(v)]
        path, subject = entry.path, entry.record.subject
    else:
        subject = str(typed.get("subject") or "")
        if not subject:
            raise Refused("proposal-value-invalid", field="subject", value="")
        members = [m.user for m in project.members if m.user in book.settings.users]
        data: dict[str, Any] = {
            "kind": kind,
            "type": stage or book.settings.pipelines[kind].stages[0],
            "user": (members or list(book.settings.users))[0],
            "subject": subject,
            "date": typed.get("date") or book.today,
            "project": proposal.project,
            "state": "open",
            **{f: v for f, v in typed.items() if f not in ("subject", "type", "date") and v},
        }
        year = data["date"].year
        path = changes.unused_path(
            f"data/interactions/{year}/proposition-{slug(subject)[:40]}.yaml"
        )
        changes.create(path, data)
        diff = [(f, "", _text(v)) for f, v in data.items()]
    _validate(changes, path)
    return Review(proposal, path, diff, changes, subject, _person(book, proposal))


def _validate(changes: ChangeSet, path: str) -> None:
    """The record as it would be written is a valid interaction."""
    from pydantic import ValidationError

    from generator.files.yamlio import parse_bytes

    parsed = parse_bytes(changes.contents()[path], path)
    try:
        Interaction.model_validate(parsed.value)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error.get("loc", ())) or "?"
        raise Refused("proposal-value-invalid", field=field, value=str(error["msg"])[:60]) from None
