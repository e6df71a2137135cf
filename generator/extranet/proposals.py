"""Proposals: a person of an extranet proposes changes to a deal; the firm reviews them.

No server: the extranet page builds a **proposal file** (``carnet-extranet.js``) and the
person sends it. The file names the build's salt and iterations, the identifier typed
and the slot that identifier opened (:mod:`generator.extranet.keyring`), and holds,
sealed with the site key (AES-256-GCM, associated data :func:`proposal_aad`), the
proposal's JSON text and its HMAC-SHA256 under a key derived (HKDF-SHA256) from the
person's **own** key: only that person (or the firm, who knows their password) can make
one. :func:`open_proposal` finds the person from the identifier, derives their own key
from their password, opens the slot, the seal and checks the HMAC; :func:`plan_proposal`
checks the change against the data of today (record in scope, only editable fields,
base digest equal to the record's, values valid) and returns the edit to write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from generator.book.book import Book
from generator.book.records import Entry
from generator.extranet.crypto import KEY_BYTES, SiteKey, b64
from generator.extranet.keyring import identifier_form, person_key, wrap_aad
from generator.extranet.passwords import password_for
from generator.extranet.people import identifiers_of, secret_name
from generator.problems import Refused

FORMAT = "carnet-proposal/1"
MAX_ITERATIONS = 10_000_000
"""A file asking for more PBKDF2 rounds is refused (it would only make us wait)."""


def proposal_aad(build: str) -> bytes:
    """Associated data of a sealed proposal: the build whose page made it."""
    return f"carnet-extranet/proposal/{build}".encode()


def signing_key(own: bytes) -> bytes:
    """The HMAC key of a person's proposals: HKDF-SHA256 of their own key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"carnet-proposal").derive(
        own
    )


def record_digest(entry: Entry) -> str:
    """The digest of a record's content (its validated fields, as JSON): the base a
    proposal is made on, compared with the record of the day it is applied."""
    data = entry.record.model_dump(mode="json", exclude_none=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def editable_values(entry: Entry, fields: list[str], hidden_budget: bool) -> dict[str, str]:
    """The current values of the editable ``fields`` of ``entry``, as the page's form
    shows them (a budget the client must not see is left out)."""
    r = entry.record
    values: dict[str, str] = {}
    for name in fields:
        if name == "budget" and hidden_budget:
            continue
        value = getattr(r, name, None)
        values[name] = "" if value is None else str(value)
    return values


@dataclass(frozen=True, slots=True)
class Proposal:
    """An opened, authenticated proposal."""

    project: str
    person: str
    record: str | None
    """The interaction changed, or None for a new deal."""
    kind: str | None
    base: str | None
    changes: dict[str, str]
    created: str
    nonce: str


def seal_proposal(
    site: SiteKey, own: bytes, build: str, identifier: str, slot: bytes, proposal: dict[str, Any]
) -> bytes:
    """A proposal file, as ``carnet-extranet.js`` makes it (tests and tools)."""
    text = json.dumps(proposal, ensure_ascii=False)
    mac = hmac.new(signing_key(own), text.encode("utf-8"), hashlib.sha256).digest()
    body = json.dumps({"p": text, "mac": b64(mac)}).encode("utf-8")
    sealed = site.encrypt(body, proposal_aad(build))
    return json.dumps(
        {
            "carnet": FORMAT,
            "build": build,
            "salt": b64(site.salt),
            "iterations": site.iterations,
            "identifier": identifier,
            "slot": b64(slot),
            "sealed": b64(sealed),
        },
        indent=1,
    ).encode("utf-8")


def _outer(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("carnet") != FORMAT:
            raise ValueError
        outer = {
            "build": str(data["build"]),
            "salt": base64.b64decode(data["salt"], validate=True),
            "iterations": int(data["iterations"]),
            "identifier": str(data["identifier"]),
            "slot": base64.b64decode(data["slot"], validate=True),
            "sealed": base64.b64decode(data["sealed"], validate=True),
        }
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Refused("proposal-unreadable") from None
    if not 1 <= outer["iterations"] <= MAX_ITERATIONS:
        raise Refused("proposal-unreadable")
    return outer


def open_proposal(raw: bytes, book: Book, repo: Path) -> Proposal:
    """The proposal of the file ``raw``, authenticated; refused when unreadable, from
    nobody of an extranet with proposals today (unknown or removed), or not
    authentic (altered, or sealed by someone else)."""
    from generator.extranet.passwords import read_secrets

    outer = _outer(raw)
    wanted = identifier_form(outer["identifier"])
    candidates = [
        (project_id, person)
        for project_id, entry in sorted(book.projects.items())
        if (extranet := entry.record.extranet) and extranet.proposals
        for person in extranet.people
        if wanted in {identifier_form(i) for i in identifiers_of(book, person)}
    ]
    if not candidates:
        raise Refused("proposal-person-unknown", identifier=outer["identifier"][:60])
    secrets, _ = read_secrets(repo)
    for project_id, person in candidates:
        password = password_for(secret_name(project_id, person), person.password_env, secrets)
        if password.password is None:
            continue
        opened = _open(outer, password.password)
        if opened is None:
            continue
        who, proposal = opened
        if who != person.key or proposal.person != who or proposal.project != project_id:
            continue
        return proposal
    raise Refused("proposal-not-authentic")


def _open(outer: dict[str, Any], password: str) -> tuple[str, Proposal] | None:
    salt, iterations, build = outer["salt"], outer["iterations"], outer["build"]
    own = person_key(password, salt, outer["identifier"], iterations)
    try:
        plain = SiteKey(own, salt, iterations).decrypt(outer["slot"], wrap_aad(build))
        site = SiteKey(plain[:KEY_BYTES], salt, iterations)
        body = json.loads(site.decrypt(outer["sealed"], proposal_aad(build)))
        text = str(body["p"])
        mac = base64.b64decode(body["mac"], validate=True)
    except (InvalidTag, ValueError, KeyError, TypeError, binascii.Error):
        return None
    expected = hmac.new(signing_key(own), text.encode("utf-8"), hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        data = json.loads(text)
        changes = {str(k): str(v) for k, v in dict(data["changes"]).items()}
        proposal = Proposal(
            str(data["project"]),
            str(data["person"]),
            None if data.get("record") is None else str(data["record"]),
            None if data.get("kind") is None else str(data["kind"]),
            None if data.get("base") is None else str(data["base"]),
            changes,
            str(data["created"]),
            str(data["nonce"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return plain[KEY_BYTES:].decode("utf-8", "replace"), proposal


def new_nonce() -> str:
    """A proposal's random id (what a replay is recognised by)."""
    return os.urandom(12).hex()


def now_iso() -> str:
    """The current time, as a proposal's ``created`` (UTC, ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def typed_value(field: str, text: str) -> Any:
    """A proposed value as the YAML file holds it (a date, an amount, a text); refused
    when it is not one."""
    from datetime import date

    text = text.strip()
    if field == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise Refused("proposal-value-invalid", field=field, value=text[:40]) from None
    if field == "budget":
        try:
            amount = Decimal(text.replace(" ", "").replace("\u202f", "").replace(",", "."))
        except InvalidOperation:
            raise Refused("proposal-value-invalid", field=field, value=text[:40]) from None
        if not amount.is_finite():
            raise Refused("proposal-value-invalid", field=field, value=text[:40])
        return amount
    return text or None


def proposal_form(book: Book, scoped: Book, project_id: str) -> dict[str, Any] | None:
    """What the pages of an extranet with ``proposals: true`` need to build proposals:
    for each interaction it shows (not a document), its id, digest and editable values;
    the editable fields, the kinds and their stages, the firm's e-mail. None otherwise."""
    from generator.checks.extranet import HIDDEN_BUDGETS

    extranet = book.projects[project_id].record.extranet
    if extranet is None or not extranet.proposals or not extranet.people:
        return None
    fields = list(extranet.editable)
    records = {
        key: {
            "base": record_digest(book.interactions[key]),
            "values": editable_values(
                book.interactions[key], fields, entry.record.kind in HIDDEN_BUDGETS
            ),
        }
        for key, entry in scoped.interactions.items()
        if entry.record.document is None and entry.record.kind in extranet.kinds
    }
    pipelines = book.settings.pipelines
    config = {
        "project": project_id,
        "editable": fields,
        "hidden_budgets": sorted(HIDDEN_BUDGETS),
        "kinds": {
            k: {"label": pipelines[k].label, "stages": pipelines[k].stages}
            for k in extranet.kinds
            if k in pipelines
        },
        "email": book.settings.firm.email or "",
    }
    return {"records": records, "config": config}
