"""``carnet new``: the skeleton of a company, contact, project, interaction or product.

A skeleton is a valid record as far as the options go: its required fields are filled
from the options (or from what the repository knows: the contact of a company that has
one, the user at the keyboard), a required field left unknown is written empty with a
comment, so ``carnet validate`` points at it; every optional field is a comment showing
its allowed values (from the settings: users, stages, media, sources, interests) or what
it holds (the schema's description). The id is the slug of the name, with a ``-2``,
``-3``… suffix when it is taken. Nothing is committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.authoring.fields import (
    BUILDERS,
    SUPPORT,
    NewRecord,
    SkeletonContext,
    SkeletonField,
)
from generator.authoring.ids import ID_PATTERN, refuse_outside, slug, unused_id
from generator.files.edits import dump, to_yaml_data
from generator.files.layout import FOLDERS
from generator.files.sources import discover
from generator.problems import Refused
from generator.schema import Settings

__all__ = ["NEW_KINDS", "NewRecord", "Skeleton", "plan_new"]

NEW_KINDS = ("company", "contact", "project", "interaction", "product")
"""The kinds of record ``carnet new`` writes."""
COMMENT_COLUMN = 32


@dataclass(frozen=True, slots=True)
class Skeleton:
    """A record to write: its repository path and its text."""

    path: str
    text: str


def plan_new(
    repo: Path,
    settings: Settings,
    request: NewRecord,
    *,
    now: datetime,
    who: Iterable[str | None] = (),
) -> Skeleton:
    """The skeleton ``request`` asks for (not written). ``now`` dates it (and numbers a
    support ticket); ``who`` are the hints of who is at the keyboard (``CARNET_USER``,
    git's e-mail), the first that names a user of the settings wins.

    Refused (exit 2) for an unknown company, contact, project, user, pipeline or stage (with
    their did-you-mean), an invalid id, or no id and no name; (exit 1) when the id is taken.
    """
    files, _ = discover(repo)
    taken = {f.id for f in files if f.kind == request.kind}
    if request.id is not None:
        if not ID_PATTERN.match(request.id):
            raise Refused("new-id-invalid", id=request.id)
        if request.id in taken:
            raise Refused("new-id-taken", id=request.id, kind=request.kind)
    builder = BUILDERS[request.kind]
    fields, when = builder(SkeletonContext(repo, settings, request, files, now, tuple(who)))
    base = slug(_name_of(request, fields))
    if request.id is None and not base:
        raise Refused("new-name-needed")
    record_id = request.id or unused_id(base, taken)
    folder = next(f.path for f in FOLDERS if f.kind == request.kind)
    if request.kind == "interaction":
        folder = f"{folder}/{when.year}"
    title = {
        "company": "société",
        "contact": "contact",
        "project": "projet",
        "interaction": "interaction",
        "product": "produit",
    }[request.kind]
    header = (
        f"# Fiche {title} écrite par « carnet new » : les champs en commentaire sont\n"
        "# facultatifs, décommentez ceux qui servent ; un champ vide « À COMPLÉTER » est\n"
        "# obligatoire (carnet validate le signale).\n"
    )
    path = f"{folder}/{record_id}.yaml"
    refuse_outside(repo, path)
    return Skeleton(path, header + "".join(_render(f) for f in fields))


def _name_of(request: NewRecord, fields: list[SkeletonField]) -> str:
    """What the id is made from: the name, else a support ticket's number."""
    if request.name:
        return request.name
    if request.kind == "interaction" and request.pipeline == SUPPORT:
        subject = next(str(f.value) for f in fields if f.key == "subject")
        return "ticket-" + subject.rsplit(" ", 1)[-1]
    return ""


def _render(field: SkeletonField) -> str:
    """One field as YAML: its value, empty with « à compléter » when required and
    unknown, or commented out with its example."""
    if field.value is not None:
        node = to_yaml_data({field.key: field.value})
        node.fa.set_block_style()
        text = dump(node).rstrip("\n")
        if "\n" in text or not field.note:
            return text + "\n"
        return _with_comment(text, field.note)
    if field.required:
        return _with_comment(f"{field.key}:", f"À COMPLÉTER — {field.note}")
    example = f" {field.example}" if field.example else ""
    return _with_comment(f"# {field.key}:{example}", field.note)


def _with_comment(text: str, note: str) -> str:
    return f"{text.ljust(COMMENT_COLUMN - 1)} # {note}\n"
