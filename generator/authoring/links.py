"""``carnet link`` and ``carnet unlink``: a company or a contact in a project's
participants (``companies:`` / ``contacts:``), with its role.

The project's file is edited in round trip (:class:`generator.files.edits.ChangeSet`), so
its comments, key order and quoting stay as the user wrote them. Nothing is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.authoring.ids import refuse_outside
from generator.book.naming import resolve
from generator.files.edits import ChangeSet, to_yaml_data
from generator.files.sources import SourceFile, discover
from generator.problems import Refused
from generator.schema import KINDS_BY_NAME

PARTICIPANT_KINDS = {"company": "companies", "contact": "contacts"}
"""The kinds that take part in a project, and the project's key listing them."""


@dataclass(frozen=True, slots=True)
class LinkChange:
    """What :func:`plan_link` or :func:`plan_unlink` changes: the files (not written), the
    record and project linked, and what happened (``added``, ``updated``, ``unchanged``,
    ``removed``)."""

    changes: ChangeSet
    record: SourceFile
    project: SourceFile
    outcome: str


def _names(repo: Path, record: str, project: str) -> tuple[SourceFile, SourceFile]:
    """The participant and the project named (usage errors with their did-you-mean)."""
    files, _ = discover(repo)
    participants = [f for f in files if f.kind in PARTICIPANT_KINDS]
    projects = [f for f in files if f.kind == "project"]
    try:
        participant = resolve(record, participants)
    except Refused as unknown:
        try:
            other = resolve(record, files)
        except Refused:
            raise unknown from None
        kind = KINDS_BY_NAME[other.kind]
        raise Refused(
            "link-not-participant", id=record, kind=kind.label_fr, kind_en=kind.label_en
        ) from None
    target = resolve(project, projects)
    refuse_outside(repo, target.path)
    return participant, target


def _links(doc: CommentedMap, key: str) -> CommentedSeq | None:
    """The project's list under ``key``; refused when it is there but not a list."""
    links = doc.get(key)
    if links is None:
        return None
    if not isinstance(links, list):
        raise Refused("link-list-invalid", key=key)
    return links


def _index(links: CommentedSeq | None, record_id: str) -> int | None:
    if links is None:
        return None
    for i, link in enumerate(links):
        if isinstance(link, dict) and link.get("id") == record_id:
            return i
    return None


def plan_link(repo: Path, record: str, project: str, role: str | None = None) -> LinkChange:
    """Add ``record`` (a company or a contact) to ``project`` with ``role``, or set the
    role of the link that is already there (``role`` ``None`` keeps it)."""
    participant, target = _names(repo, record, project)
    changes = ChangeSet(repo)
    doc = changes.edit(target.path)
    key = PARTICIPANT_KINDS[participant.kind]
    links = _links(doc, key)
    found = _index(links, participant.id)
    if found is not None and links is not None:
        link = links[found]
        if role is None or link.get("role") == role:
            return LinkChange(ChangeSet(repo), participant, target, "unchanged")
        link["role"] = role
        return LinkChange(changes, participant, target, "updated")
    entry = to_yaml_data({"id": participant.id, "role": role})
    if links is None:
        doc[key] = CommentedSeq([entry])
    else:
        links.append(entry)
    return LinkChange(changes, participant, target, "added")


def plan_unlink(repo: Path, record: str, project: str) -> LinkChange:
    """Take ``record`` out of ``project``'s participants; refused (exit 1) when it is not
    one of them."""
    participant, target = _names(repo, record, project)
    changes = ChangeSet(repo)
    doc = changes.edit(target.path)
    links = _links(doc, PARTICIPANT_KINDS[participant.kind])
    found = _index(links, participant.id)
    if found is None or links is None:
        raise Refused("link-missing", id=participant.id, project=target.id)
    del links[found]
    return LinkChange(changes, participant, target, "removed")
