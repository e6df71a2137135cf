"""Naming records on the command line: ``kind/id``, a bare id, or a document number."""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path

from generator.files.layout import FOLDERS
from generator.files.sources import SourceFile, discover


class RecordNameError(Exception):
    """A name that matches no record, or several: carries the candidates to show."""

    def __init__(self, name: str, candidates: tuple[str, ...], ambiguous: bool) -> None:
        super().__init__(name)
        self.name = name
        self.candidates = candidates
        self.ambiguous = ambiguous

    def message(self, lang: str = "fr") -> str:
        """The French (or English) sentence for the user."""
        en = lang.startswith("en")
        if self.ambiguous:
            head = f"'{self.name}' is ambiguous" if en else f"« {self.name} » est ambigu"
            return head + (": " if en else " : ") + ", ".join(self.candidates)
        head = (
            f"no record named '{self.name}'" if en else f"aucune fiche ne s'appelle « {self.name} »"
        )
        if self.candidates:
            hint = "did you mean" if en else "vouliez-vous dire"
            return f"{head} ({hint} {', '.join(self.candidates)} ?)"
        return head


KIND_NAMES = {f.kind for f in FOLDERS}


def resolve(
    name: str, files: list[SourceFile], numbers: dict[str, str] | None = None
) -> SourceFile:
    """The record ``name`` designates; raises :class:`RecordNameError` with candidates.

    ``numbers`` maps issued document numbers to interaction ids (invoices may be named
    by their number).
    """
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
        raise RecordNameError(name, tuple(sorted(f"{f.kind}/{f.id}" for f in matches)), True)
    pool = [f"{f.kind}/{f.id}" for f in files if not kind or f.kind == kind]
    close = get_close_matches(name if kind else bare, pool if kind else [f.id for f in files], n=3)
    if not kind:
        close = sorted({f"{f.kind}/{f.id}" for f in files if f.id in close})
    raise RecordNameError(name, tuple(close), False)


def resolve_in(repo: Path, name: str) -> SourceFile:
    """Resolve ``name`` among the record files of ``repo``."""
    files, _ = discover(repo)
    return resolve(name, files)
