"""Naming records on the command line: ``kind/id``, a bare id, or a document number.

An unknown or ambiguous name is refused as a usage error (exit 2) that lists the
candidates: ``record-ambiguous``, ``record-unknown-close`` (did you mean…) or
``record-unknown`` (:class:`generator.problems.Refused`).
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path

from generator.files.layout import FOLDERS
from generator.files.sources import SourceFile, discover
from generator.problems import Refused

KIND_NAMES = {f.kind for f in FOLDERS}
NAME_REFUSALS = frozenset({"record-ambiguous", "record-unknown", "record-unknown-close"})
"""The codes :func:`resolve` refuses a name with."""


def resolve(
    name: str, files: list[SourceFile], numbers: dict[str, str] | None = None
) -> SourceFile:
    """The record ``name`` designates; raises :class:`~generator.problems.Refused` (a usage
    error listing the candidates) for an unknown or ambiguous name.

    ``numbers`` maps issued document numbers to interaction ids (invoices may be named
    by their number).
    """
    files = [f for f in files if f.kind in KIND_NAMES]  # not the campaigns' send logs
    by_key = {f"{f.kind}/{f.id}": f for f in files}
    if name in by_key:
        return by_key[name]
    if numbers and name in numbers:
        key = f"interaction/{numbers[name]}"
        if key in by_key:
            return by_key[key]
    kind, _, bare = name.rpartition("/")
    if kind and kind not in KIND_NAMES:
        bare = name
        kind = ""
    matches = [f for f in files if f.id == bare and (not kind or f.kind == kind)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        candidates = sorted(f"{f.kind}/{f.id}" for f in matches)
        raise Refused("record-ambiguous", id=name, known=", ".join(candidates))
    pool = [f"{f.kind}/{f.id}" for f in files if not kind or f.kind == kind]
    close = get_close_matches(name if kind else bare, pool if kind else [f.id for f in files], n=3)
    if not kind:
        close = sorted({f"{f.kind}/{f.id}" for f in files if f.id in close})
    if close:
        raise Refused("record-unknown-close", id=name, suggestion=", ".join(close))
    raise Refused("record-unknown", id=name)


def resolve_in(repo: Path, name: str) -> SourceFile:
    """Resolve ``name`` among the record files of ``repo``."""
    files, _ = discover(repo)
    return resolve(name, files)


def resolve_names(
    repo: Path, names: list[str] | tuple[str, ...], numbers: dict[str, str] | None = None
) -> list[SourceFile]:
    """The records ``names`` designate, in order (see :func:`resolve`)."""
    files, _ = discover(repo)
    return [resolve(name, files, numbers) for name in names]
