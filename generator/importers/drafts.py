"""One row of the file → the would-be company and contact it describes.

Each draft keeps the line of its row and, for each of its fields, the column that filled
it: every later problem (a duplicate, a value the checks refuse) points at the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from generator.importers.fields import ADDRESS_PARTS, normalise
from generator.importers.mapping import Column
from generator.importers.reading import Row
from generator.importers.transforms import (
    clean_email,
    clean_identifier,
    clean_phone,
    clean_postcode,
    company_kind,
    phone_e164,
    read_date,
    read_number,
    split_interests,
    split_name,
    translate,
    unprotect,
)
from generator.problems import Problem, make_problem
from generator.schema.imports import ImportMapping

IDENTIFIERS = ("siret", "siren", "vat_number")
PHONES = ("phone", "mobile")


@dataclass(slots=True)
class Draft:
    """A record the import would create or update."""

    kind: str
    """``company`` or ``contact``."""
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    """Top-level key → the file's column (1-based) that filled it."""
    phones: set[str] = field(default_factory=set)
    """The draft's numbers in E.164, for duplicates."""
    company: Draft | None = None
    """A contact's company, made by the same row (or an earlier one naming it)."""
    company_id: str | None = None
    """A contact's company when it already exists."""
    action: str = "create"
    """``create``, ``update``, ``skip`` or ``link`` (a company named again)."""
    reason: str = ""
    path: str | None = None
    id: str | None = None
    changed: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """How the record is named in messages."""
        if self.kind == "company":
            return str(self.data.get("name", ""))
        first, last = self.data.get("first_name"), self.data.get("last_name")
        if first and last:
            return f"{first} {last}"
        return str(first or last or "")

    @property
    def postcode(self) -> str:
        """The draft's postcode (a contact's own, else its company's)."""
        own = (self.data.get("address") or {}).get("postcode")
        if own or self.company is None:
            return str(own or "")
        return self.company.postcode

    def column(self, key: str) -> int:
        """The column of ``key`` (the row's first filled column when it has none)."""
        if key in self.columns:
            return self.columns[key]
        return min(self.columns.values(), default=1)


@cache
def _countries() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for lang in ("en", "fr"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[normalise(name)] = code
    return names


def country_code(value: str) -> str:
    """« France », « FRANCE », « fr » → ``FR``; an unknown name is kept (and refused by
    the schema, located)."""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _countries().get(normalise(text), text)


@dataclass(slots=True)
class RowReader:
    """Turns rows into drafts for one mapping; collects the problems of the values."""

    mapping: ImportMapping
    columns: list[Column]
    header: list[str]
    shown: str
    lang: str
    custom: dict[str, Any] = field(default_factory=dict)
    """``contact.<key>`` → the custom field declared for it (its type)."""
    problems: list[Problem] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._index = {
            c.header: self.header.index(c.header) for c in self.columns if c.header in self.header
        }

    def problem(self, code: str, line: int, column: int, **params: Any) -> None:
        """A problem located in the file being imported."""
        self.problems.append(
            make_problem(code, self.shown, line=line, column=column, lang=self.lang, **params)
        )

    def read(self, row: Row) -> tuple[Draft | None, Draft | None]:
        """The (company, contact) a row describes; ``None`` for a part it does not name."""
        width = len(self.header)
        extra = [i for i, c in enumerate(row.cells[width:], start=width) if c.strip()]
        if extra:
            self.problem(
                "import-row-ragged", row.line, extra[0] + 1, cells=len(row.cells), expected=width
            )
        company = Draft("company", row.line)
        contact = Draft("contact", row.line)
        filled = False
        for column in self.columns:
            index = self._index.get(column.header)
            if index is None or index >= len(row.cells):
                continue
            value = unprotect(row.cells[index].strip()).replace("\r\n", "\n").replace("\r", "\n")
            if not value:
                continue
            filled = True
            value = translate(value, column.values) if column.values else value
            kind, _, key = column.field.partition(".")
            draft = company if kind == "company" else contact
            self._set(draft, key, value, index + 1, column.split)
        if not filled:
            return None, None
        told, self.problems = self.problems, []  # a constant's, told once: constant_problems
        for target, value in self.mapping.constants.items():
            kind, _, key = target.partition(".")
            draft = company if kind == "company" else contact
            if key in draft.data or (
                key in ADDRESS_PARTS and key in (draft.data.get("address") or {})
            ):
                continue
            if isinstance(value, list) and key == "interests":
                draft.data.setdefault("interests", []).extend(value)
            elif isinstance(value, list):  # a custom field of several values
                draft.data[key] = list(value)
                draft.columns.setdefault(key, 1)
            else:
                self._set(draft, key, value, 1, None)
        self.problems = told
        if not company.data.get("name"):
            company_part = None
        else:
            company_part = company
            company.data.setdefault("kind", "prospect")
        if self.mapping.kind == "company":
            if company_part is None:
                self.problem("import-name-missing", row.line, 1, kind="company")
            return company_part, None
        contact.company = company_part
        if company_part is not None and "address" in contact.data and "address" not in company.data:
            # a B2B row's address is the company's (the contact works there)
            company.data["address"] = contact.data.pop("address")
            company.columns["address"] = contact.columns.pop("address")
        if not contact.data.get("last_name"):
            if not contact.data:
                return company_part, None
            self.problem(
                "import-name-missing", row.line, contact.column("first_name"), kind="contact"
            )
            return company_part, None
        return company_part, contact

    def constant_problems(self) -> dict[str, list[Problem]]:
        """The problems of each constant of the mapping (a value its field refuses), by
        its field: found once, not on every row."""
        found: dict[str, list[Problem]] = {}
        told, self.problems = self.problems, []
        try:
            for target, value in self.mapping.constants.items():
                if isinstance(value, list):
                    continue
                kind, _, key = target.partition(".")
                self._set(Draft(kind, 1), key, value, 1, None)
                if self.problems:
                    found[target], self.problems = self.problems, []
        finally:
            self.problems = told
        return found

    @staticmethod
    def _custom(spec: Any, value: str, separator: str | None) -> Any:
        """A custom field's value typed as settings.custom_fields declares it."""
        kind = str(spec.type)
        if kind == "number":
            return read_number(value)
        if kind == "date":
            return read_date(value)
        if kind == "multiple":
            return split_interests(value, separator)
        return value

    def _set(self, draft: Draft, key: str, value: str, column: int, separator: str | None) -> None:
        data = draft.data
        line = draft.line
        if key == "interests":
            data.setdefault("interests", []).extend(
                i for i in split_interests(value, separator) if i not in data.get("interests", [])
            )
        elif key == "full_name":
            first, last = split_name(value)
            if "last_name" not in data:
                data["last_name"] = last
                draft.columns["last_name"] = column
            if first and "first_name" not in data:
                data["first_name"] = first
                draft.columns["first_name"] = column
            return
        elif key in ADDRESS_PARTS:
            address = data.setdefault("address", {})
            if key == "postcode":
                value = clean_postcode(value, address.get("country") or self.mapping.region)
            elif key == "country":
                value = country_code(value)
            if key == "street" and "\n" in value:
                value, _, rest = value.partition("\n")
                address["street"] = value
                address["street2"] = " ".join(rest.split())
            else:
                address[key] = value
            draft.columns.setdefault("address", column)
            return
        elif key == "email":
            address, valid = clean_email(value)
            if not valid:
                self.problem("email-invalid", line, column, value=value)
                return
            data["email"] = address
        elif key in PHONES:
            value = clean_phone(value, self.mapping.region)
            e164 = phone_e164(value, self.mapping.region)
            if e164 is None:
                self.problem(
                    "import-phone-invalid", line, column, value=value, region=self.mapping.region
                )
            else:
                draft.phones.add(e164)
            data[key] = value
        elif key in IDENTIFIERS:
            data[key] = clean_identifier(key, value)
        elif key == "kind":
            data["kind"] = company_kind(value)
        elif key == "optin_date":
            day = read_date(value)
            if day is None:
                self.problem("import-date-invalid", line, column, value=value)
                return
            optin = data.setdefault("optin", {})
            optin["date"] = day
            optin.setdefault("source", self.mapping.title or "import")
            key = "optin"
        elif f"{draft.kind}.{key}" in self.custom:
            typed = self._custom(self.custom[f"{draft.kind}.{key}"], value, separator)
            if typed is None:
                self.problem("import-value-invalid", line, column, value=value, field=key)
                return
            data[key] = typed
        elif key == "optin_source":
            data.setdefault("optin", {})["source"] = value
            key = "optin"
        else:
            data[key] = value
        draft.columns.setdefault(key, column)
