"""Rows → a plan of what to create, update and skip, checked, ready to write at once.

:func:`plan_import` reads every row, makes each company once (rows naming the same
SIREN, or the same name and postcode, link their contacts to it), settles duplicates by
``on_duplicate`` (``skip``, ``update`` or ``new``; each reported with both sides), names
the new files by the naming rules (slug of the name, ``-2``… on collision), then
validates the would-be records exactly as hand-typed ones — the schema of their kind,
then every check on the Book as it would be — and points each problem at the row and
column of the imported file. Nothing is written here: the plan's change set is, by the
caller, all at once and only without errors.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.files.collector import collections_paused
from generator.files.edits import ChangeSet, to_yaml_data
from generator.files.yamlio import position_of
from generator.importers.drafts import Draft, RowReader
from generator.importers.duplicates import Duplicate, Index
from generator.importers.fields import ascii_words, custom_fields, known_fields
from generator.importers.mapping import check_mapping, columns_of
from generator.importers.reading import Table
from generator.importers.validation import FOLDERS, validate_drafts
from generator.importers.workers import CHUNK, Workers, new_records, read_rows
from generator.problems import Problem, Refused
from generator.schema.imports import ImportMapping
from generator.schema.parse import ParsedRecord

ON_DUPLICATE = ("skip", "update", "new")


@dataclass(slots=True)
class ImportPlan:
    """What an import would do: every draft with its action, the problems (located in
    the imported file or in the mapping), and the change set to write."""

    drafts: list[Draft]
    problems: list[Problem]
    changes: ChangeSet
    rows: int = 0
    workers: Workers = dataclasses.field(default_factory=Workers)
    """The worker processes that read the rows, kept to write the files
    (:func:`write_plan`, which stops them; :meth:`close` otherwise)."""

    def close(self) -> None:
        """Stop the plan's worker processes, if any are left."""
        self.workers.close()

    @property
    def errors(self) -> list[Problem]:
        """The errors: any one of them and nothing is written."""
        return [p for p in self.problems if p.is_error]

    def count(self, kind: str, action: str) -> int:
        """How many drafts of ``kind`` get ``action``."""
        return sum(1 for d in self.drafts if d.kind == kind and d.action == action)


@collections_paused()  # thousands of drafts and no cycles: 0.3 s of collections saved
def plan_import(
    repo: Path,
    book: Book,
    table: Table,
    mapping: ImportMapping,
    *,
    on_duplicate: str = "skip",
    mapping_rel: str = "--map",
    mapping_root: Any = None,
    lang: str = "fr",
) -> ImportPlan:
    """The plan of importing ``table`` with ``mapping`` into ``book``'s repository."""
    changes = ChangeSet(repo)
    known = known_fields(mapping.kind.value, custom_fields(book))
    problems = check_mapping(
        mapping, table.header, known, rel=mapping_rel, root=mapping_root, lang=lang
    )
    if any(p.is_error for p in problems):
        return ImportPlan([], problems, changes)
    declared = getattr(book.settings, "custom_fields", None) or {}
    specs = {
        f"{kind}.{key}": spec for kind, fields in declared.items() for key, spec in fields.items()
    }
    reader = RowReader(mapping, columns_of(mapping), table.header, table.shown, lang, specs)
    reader.problems += table.skipped_problems(lang)
    for target, found in reader.constant_problems().items():
        line, column = position_of(mapping_root, ("constants", target)) if mapping_root else (1, 1)
        problems += [
            dataclasses.replace(p, path=mapping_rel, line=line, column=column) for p in found
        ]
    index = Index(mapping.name_threshold, mapping.region)
    index.fill(book)
    drafts: list[Draft] = []
    rows = 0
    workers = Workers()
    try:
        for company, contact, found in read_rows(reader, table.rows(), workers):
            rows += 1
            reader.problems += found
            if company is not None:
                company = _settle_company(company, index, on_duplicate, reader, drafts)
            if contact is not None:
                if company is not None and company.action in ("skip", "update") and company.path:
                    contact.company, contact.company_id = None, company.id
                else:
                    contact.company = company
                _settle_contact(contact, index, on_duplicate, reader, drafts)
        if rows == 0:
            raise Refused("import-no-rows", file=table.shown)
    except BaseException:
        workers.close()
        raise
    problems += reader.problems
    return ImportPlan(drafts, problems, changes, rows, workers)


def _report(reader: RowReader, draft: Draft, dup: Duplicate, action: str) -> None:
    other = dup.known.path or (f"{reader.shown}:{dup.known.draft.line}" if dup.known.draft else "?")
    reader.problem(
        "import-duplicate",
        draft.line,
        draft.column("name" if draft.kind == "company" else "last_name"),
        kind=draft.kind,
        name=draft.name,
        other=other,
        why=dup.why,
        action=action,
    )


def _merge(into: Draft, draft: Draft) -> None:
    """Fill ``into`` (a draft of the file) with ``draft``'s values (update in the file)."""
    for key, value in draft.data.items():
        if _defaulted(draft, key):
            continue
        if key == "interests":
            into.data.setdefault("interests", []).extend(
                v for v in value if v not in into.data.get("interests", [])
            )
        elif key == "address":
            into.data.setdefault("address", {}).update(value)
        else:
            into.data[key] = value
        into.columns.setdefault(key, draft.column(key))
    into.phones |= draft.phones


def _defaulted(draft: Draft, key: str) -> bool:
    """Was ``key`` given no column nor constant (a new company's ``kind: prospect``)? Such
    a value is for a record the import creates: it never replaces a known one."""
    return key == "kind" and key not in draft.columns


def _settle(draft: Draft, dup: Duplicate, on_duplicate: str, reader: RowReader) -> Draft | None:
    """Apply ``on_duplicate`` to a draft that duplicates a record; the draft of the file
    it duplicates, when it is one (``None`` otherwise)."""
    _report(reader, draft, dup, on_duplicate)
    known = dup.known
    draft.reason = dup.why
    if known.draft is not None:
        draft.reason += f":{known.draft.line}"  # the line of the file it duplicates
    if on_duplicate == "new":
        return None
    if known.draft is not None:
        if on_duplicate == "update":
            _merge(known.draft, draft)
        draft.action = "merged" if on_duplicate == "update" else "skip"
        return known.draft
    draft.action = on_duplicate
    draft.id, draft.path = known.id, known.path
    return None


def _settle_company(
    draft: Draft, index: Index, on_duplicate: str, reader: RowReader, drafts: list[Draft]
) -> Draft:
    """The company a row's contact links to: a company of an earlier row named again, or
    this row's own (created, skipped or updated as a duplicate)."""
    same = index.same_company(draft)
    if same is not None and same.draft is not None:
        if on_duplicate == "update":
            _merge(same.draft, draft)
        return same.draft
    dup = index.find(draft)
    drafts.append(draft)
    if dup is None:
        index.add(draft)
        return draft
    earlier = _settle(draft, dup, on_duplicate, reader)
    if on_duplicate == "new":
        index.add(draft)
    return earlier or draft


def _settle_contact(
    draft: Draft, index: Index, on_duplicate: str, reader: RowReader, drafts: list[Draft]
) -> None:
    dup = index.find(draft)
    drafts.append(draft)
    if dup is None:
        index.add(draft)
        return
    _settle(draft, dup, on_duplicate, reader)
    if on_duplicate == "new":
        index.add(draft)


def slug(text: str, fallback: str) -> str:
    """A record id from a name: lower case, no accents, words joined by ``-``."""
    return ascii_words(text).replace(" ", "-")[:60].strip("-") or fallback


@collections_paused()
def write_plan(
    book: Book, plan: ImportPlan, lang: str = "fr", shown: str = "", *, stage: bool = False
) -> None:
    """Name the new files, fill the change set, and validate what would be written;
    the problems found are added to the plan, located in the imported file.

    With ``stage`` (an import that will write), the new files are also written while
    they are validated, into hidden staging folders the change set swaps in only when
    written (:meth:`~generator.files.edits.ChangeSet.write`); the caller discards them
    (:meth:`~generator.files.edits.ChangeSet.discard`) if it does not write. Without it
    (a dry run), the change set holds the updated files and only those new ones that had
    to be parsed (see :func:`~generator.importers.workers.new_records`). The plan's
    workers are stopped."""
    changes = plan.changes
    sources: dict[str, Draft] = {}
    taken = _taken(changes)
    created: list[Draft] = []
    for draft in plan.drafts:
        if draft.kind != "company":
            continue
        if draft.action == "create":
            _create(draft, "societe", taken)
            created.append(draft)
            sources[draft.path] = draft  # type: ignore[index]
        elif draft.action == "update":
            _update(changes, draft)
            sources[draft.path] = draft  # type: ignore[index]
    for draft in plan.drafts:
        if draft.kind != "contact" or draft.action in ("skip", "merged"):
            continue
        company = draft.company
        company_id = draft.company_id or (company.id if company is not None else None)
        if company_id and "company" not in draft.data:
            draft.columns.setdefault("company", (company.column("name") if company else 1))
        else:
            company_id = None
        draft.data = _contact_order(draft.data, company_id)
        if draft.action == "create":
            _create(draft, "contact", taken)
            created.append(draft)
        else:
            _update(changes, draft)
        sources[draft.path] = draft  # type: ignore[index]
    staged = _staging(changes, created) if stage else [None] * len(created)
    files = [(d.kind, d.path, d.data, at) for d, at in zip(created, staged, strict=True)]
    parsed: dict[str, ParsedRecord] = {}
    try:
        tz = book.settings.timezone
        made = new_records(files, tz, lang, plan.workers, write=stage)  # type: ignore[arg-type]
        for draft, at, (payload, record) in zip(created, staged, made, strict=True):
            if at is not None:
                changes.create_staged(draft.path, payload, Path(at))  # type: ignore[arg-type]
            elif payload is not None:
                changes.create_bytes(draft.path, payload)  # type: ignore[arg-type]
            parsed[draft.path] = record  # type: ignore[index]
    finally:
        plan.close()
    plan.problems += validate_drafts(book, changes, sources, parsed, shown or "", lang)


def _staging(changes: ChangeSet, created: list[Draft]) -> list[str | None]:
    """Where each new file is written beforehand: a staging folder of its folder per
    chunk of the workers (two processes never create files in the same folder at once:
    the file system would make them wait for each other)."""
    boxes: dict[tuple[str, int], str] = {}
    staged: list[str | None] = []
    for n, draft in enumerate(created):
        folder, _, name = draft.path.rpartition("/")  # type: ignore[union-attr]
        key = (folder, n // CHUNK)
        if key not in boxes:
            boxes[key] = str(changes.staging_folder(folder))
        staged.append(f"{boxes[key]}/{name}.tmp")
    return staged


def _contact_order(data: dict[str, Any], company_id: str | None) -> dict[str, Any]:
    """The contact's keys in FORMAT.md's order: names, then the company (when linked to
    one), then the others as the file's columns gave them."""
    ordered: dict[str, Any] = {}
    for key in ("civility", "first_name", "last_name"):
        if key in data:
            ordered[key] = data[key]
    if company_id is not None:
        ordered["company"] = company_id
    ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return ordered


def _taken(changes: ChangeSet) -> set[str]:
    """The paths of the record folders' files (in lower case: on a file system that
    ignores case, ``Durand.yaml`` takes ``durand.yaml``), listed once."""
    taken: set[str] = set()
    for folder in FOLDERS.values():
        try:
            names = os.listdir(changes.repo / folder)
        except OSError:
            continue
        taken.update(f"{folder}/{name.lower()}" for name in names)
    return taken


def _create(draft: Draft, fallback: str, taken: set[str]) -> None:
    """Name the draft's new file (slug of its name, ``-2``… when taken)."""
    stem = slug(draft.name, fallback)
    path, n = f"{FOLDERS[draft.kind]}/{stem}.yaml", 1
    while path in taken:
        n += 1
        path = f"{FOLDERS[draft.kind]}/{stem}-{n}.yaml"
    taken.add(path)
    draft.path, draft.id = path, path.rpartition("/")[2].removesuffix(".yaml")


def _update(changes: ChangeSet, draft: Draft) -> None:
    """Fill the existing record's empty fields and replace the differing ones; each
    change is kept on the draft (to print)."""
    doc = changes.edit(draft.path)  # type: ignore[arg-type]
    for key, value in draft.data.items():
        if _defaulted(draft, key):
            continue
        old = doc.get(key)
        if key == "interests":
            added = [v for v in value if v not in (old or [])]
            if added:
                doc[key] = to_yaml_data([*(old or []), *added])
                draft.changed.append((key, list(old or []), [*(old or []), *added]))
        elif key == "address" and isinstance(old, dict):
            for part, part_value in value.items():
                if old.get(part) != part_value:
                    draft.changed.append((f"address.{part}", old.get(part), part_value))
                    old[part] = part_value
        elif old != value:
            draft.changed.append((key, old, value))
            doc[key] = to_yaml_data(value)
    if not draft.changed:
        draft.action = "unchanged"
