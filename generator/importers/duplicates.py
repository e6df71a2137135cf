"""Duplicates, against the records already there and inside the file.

Two companies are the same with the same SIREN (a SIRET's first nine digits); two
contacts with the same e-mail address (case ignored) or the same phone number in E.164;
two of either with close names (rapidfuzz, the mapping's threshold) at the same postcode.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz, process

from generator.book.book import Book
from generator.importers.drafts import Draft
from generator.importers.fields import normalise
from generator.importers.transforms import compact_identifier, phone_e164


@dataclass(frozen=True, slots=True)
class Known:
    """A record a draft may duplicate: one already in the repository (``path``) or one
    an earlier row of the file makes (``draft``)."""

    kind: str
    id: str | None = None
    path: str | None = None
    draft: Draft | None = None
    company: object = None
    """A contact's company (its id, or the draft that makes it): colleagues share the
    switchboard's number, so a phone shared inside one company is no duplicate."""


@dataclass(frozen=True, slots=True)
class Duplicate:
    """What a draft duplicates, and why (``siren``, ``email``, ``phone``, ``name`` or
    ``same_name``)."""

    known: Known
    why: str


def siren_of(data: dict[str, object]) -> str | None:
    """The SIREN a company's data names (its own, or its SIRET's first nine digits)."""
    siret = compact_identifier(str(data.get("siret") or ""))
    if len(siret) >= 9:
        return siret[:9]
    siren = compact_identifier(str(data.get("siren") or ""))
    return siren or None


def words_sorted(name: str) -> str:
    """A normalised name's words in order (what ``token_sort_ratio`` compares)."""
    return " ".join(sorted(name.split()))


def _company_key(draft: Draft) -> object:
    """A contact draft's company: the existing company's id, or the draft making it."""
    if draft.company_id:
        return draft.company_id
    if draft.company is None:
        return None
    return draft.company.id or id(draft.company)


class _Keys(NamedTuple):
    """What a draft is looked up by: its SIREN, normalised name (and its words in
    order), postcode."""

    siren: str | None
    name: str
    words: str
    postcode: str


class Index:
    """Companies and contacts by SIREN, e-mail, phone and postcode, growing with the
    drafts of the file."""

    def __init__(self, threshold: int, region: str) -> None:
        self.threshold = threshold
        self.region = region
        self.sirens: dict[str, Known] = {}
        self.file_sirens: dict[str, Known] = {}
        """The companies of the file by SIREN (one created with ``--on-duplicate new`` has
        the SIREN of a known one, which :attr:`sirens` keeps)."""
        self.emails: dict[str, Known] = {}
        self.phones: dict[str, Known] = {}
        self.names: dict[tuple[str, str], list[tuple[str, Known]]] = defaultdict(list)
        self.name_texts: dict[tuple[str, str], list[str]] = defaultdict(list)
        """The names of :attr:`names` alone, in the same order, their words sorted: rapidfuzz
        then compares each with the draft's in its own loop (``fuzz.ratio`` of sorted words
        is ``fuzz.token_sort_ratio``, without sorting every known name again each time)."""
        self.places: dict[tuple[str, str], list[Known]] = defaultdict(list)
        """Companies by postcode and exact (normalised) name, in the order they came."""
        self.unplaced: dict[str, list[Known]] = defaultdict(list)
        """Companies of the file with neither SIREN nor postcode, by exact (normalised)
        name (named again by name)."""
        self.company_names: dict[str, Known] = {}
        """Companies by exact (normalised) name: a draft without postcode nor SIREN (a
        vCard's ORG) is the company of the same name."""
        self._last: tuple[Draft, _Keys] | None = None

    def _keys(self, draft: Draft) -> _Keys:
        """``draft``'s keys, made once for the lookups of one draft in a row."""
        if self._last is not None and self._last[0] is draft:
            return self._last[1]
        name = normalise(draft.name)
        siren = siren_of(draft.data) if draft.kind == "company" else None
        keys = _Keys(siren, name, words_sorted(name), draft.postcode)
        self._last = (draft, keys)
        return keys

    def fill(self, book: Book) -> None:
        """Index the repository's companies and contacts."""
        for entry in book.of("company"):
            r = entry.record
            known = Known("company", entry.id, entry.path)
            postcode = r.address.postcode if r.address else None
            siren = siren_of({"siret": r.siret, "siren": r.siren})
            self._add_company(known, siren, normalise(r.name), postcode)
        for entry in book.of("contact"):
            r = entry.record
            known = Known("contact", entry.id, entry.path, company=r.company)
            postcode = r.address.postcode if r.address else None
            if postcode is None and r.company:
                company = book.get("company", r.company)
                postcode = company.address.postcode if company and company.address else None
            phones = {phone_e164(n, self.region) for n in (r.phone, r.mobile) if n}
            self._add_contact(known, r.email, phones - {None}, normalise(r.full_name), postcode)  # type: ignore[arg-type]

    def add(self, draft: Draft) -> None:
        """Index a draft of the file (later rows may duplicate it)."""
        known = Known(draft.kind, draft.id, draft.path, draft, company=_company_key(draft))
        siren, name, words, postcode = self._keys(draft)
        if draft.kind == "company":
            if siren:
                self.file_sirens.setdefault(siren, known)
            self._add_company(known, siren, name, postcode, words)
        else:
            self._add_contact(known, draft.data.get("email"), draft.phones, name, postcode, words)

    def _add_company(
        self,
        known: Known,
        siren: str | None,
        name: str,
        postcode: str | None,
        words: str | None = None,
    ) -> None:
        """Index a company by SIREN and ``name`` (normalised) at ``postcode``."""
        if siren:
            self.sirens.setdefault(siren, known)
        if not name:  # a name without a letter (« - ») names nothing
            return
        self.company_names.setdefault(name, known)
        if postcode:
            self._add_name(("company", postcode), name, known, words)
            self.places[(postcode, name)].append(known)
        elif not siren and known.draft is not None:
            self.unplaced[name].append(known)

    def _add_contact(
        self,
        known: Known,
        email: object,
        phones: set[str],
        name: str,
        postcode: str | None,
        words: str | None = None,
    ) -> None:
        """Index a contact by e-mail, phones and ``name`` (normalised) at ``postcode``."""
        if email:
            self.emails.setdefault(str(email).lower(), known)
        for phone in phones:
            self.phones.setdefault(phone, known)
        if postcode and name:
            self._add_name(("contact", postcode), name, known, words)

    def _add_name(
        self, key: tuple[str, str], name: str, known: Known, words: str | None = None
    ) -> None:
        self.names[key].append((name, known))
        self.name_texts[key].append(words_sorted(name) if words is None else words)

    def find(self, draft: Draft) -> Duplicate | None:
        """What ``draft`` duplicates, if anything."""
        siren, name, words, postcode = self._keys(draft)
        if draft.kind == "company":
            if siren and siren in self.sirens:
                return Duplicate(self.sirens[siren], "siren")
        else:
            email = str(draft.data.get("email") or "").lower()
            if email and email in self.emails:
                return Duplicate(self.emails[email], "email")
            for phone in sorted(draft.phones):
                known = self.phones.get(phone)
                if known is not None and (
                    known.company is None or known.company != _company_key(draft)
                ):
                    return Duplicate(known, "phone")
        if not name:
            return None
        if not postcode:
            if draft.kind == "company" and not siren and name in self.company_names:
                return Duplicate(self.company_names[name], "same_name")
            return None
        key = (draft.kind, postcode)
        if key not in self.names:
            return None
        close = process.extract_iter(  # the first close name, in the order they came
            words, self.name_texts[key], scorer=fuzz.ratio, score_cutoff=self.threshold
        )
        found = next(close, None)
        return None if found is None else Duplicate(self.names[key][found[2]][1], "name")

    def same_company(self, draft: Draft) -> Known | None:
        """The company an earlier row of the file makes and ``draft`` names again (same
        SIREN, else same name and postcode): not a duplicate, the same company."""
        siren, name, _, postcode = self._keys(draft)
        if siren:
            return self.file_sirens.get(siren)
        if not name:
            return None
        for known in self.places.get((postcode, name), ()):  # looked up, never scanned:
            if known.draft is not None and not siren_of(known.draft.data):  # 100,000 rows
                return known
        if not postcode:
            for known in self.unplaced.get(name, ()):
                if known.draft is not None and normalise(known.draft.name) == name:
                    return known
        return None
