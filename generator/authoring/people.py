"""Who is who for ``carnet new``: the user at the keyboard, the contacts of a company, the
company of a contact, read from the record files themselves (the data need not be valid
yet: a skeleton just written may still have a field to complete)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.files.sources import SourceFile, read_all
from generator.files.yamlio import parse_bytes


def match_user(users: Mapping[str, Any], hint: str) -> str | None:
    """The id of the user ``hint`` names: their id, or their e-mail (any case)."""
    if hint in users:
        return hint
    wanted = hint.strip().lower()
    for user_id, user in users.items():
        email = getattr(user, "email", None)
        if user_id.lower() == wanted or (email and email.lower() == wanted):
            return user_id
    return None


def _field(repo: Path, files: list[SourceFile], key: str) -> dict[str, Any]:
    """``key`` of each file that reads as a mapping, by record id."""
    raws, _ = read_all(repo, [f.path for f in files])
    values: dict[str, Any] = {}
    for f in files:
        raw = raws.get(f.path)
        parsed = parse_bytes(raw, f.path) if raw is not None else None
        if parsed is not None and isinstance(parsed.value, dict):
            values[f.id] = parsed.value.get(key)
    return values


def contacts_of(repo: Path, contact_files: list[SourceFile], company: str) -> list[str]:
    """The ids of the contacts whose ``company`` is ``company``, sorted."""
    found = _field(repo, contact_files, "company")
    return sorted(c for c, value in found.items() if value == company)


def company_of_contact(repo: Path, contact_file: SourceFile) -> str | None:
    """The ``company`` of a contact's file, when it names one."""
    value = _field(repo, [contact_file], "company").get(contact_file.id)
    return value if isinstance(value, str) else None
