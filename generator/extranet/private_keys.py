"""The keys of the private projects' sealed areas, the same from one build to the next
while their members and passwords are, and never written anywhere.

- One **salt** for the whole internal site, drawn once and kept in the builder's
  staging folder (:func:`site_salt`; a salt is public: every sealed page names it).
- Each member's **own key**: PBKDF2-HMAC-SHA256 of their password, salted with the salt,
  a zero byte and the identifier they type (:func:`generator.extranet.keyring.person_key`),
  derived once per build for all the areas they belong to (:func:`own_keys`).
- Each project's **key**: HKDF-SHA256 of its members' own keys (:func:`project_key`),
  so that unchanged members and passwords give the same key, and removing a member or
  changing a password gives another one (the removed member's password opens nothing
  sealed afterwards).
- The project key wraps itself once for each member and identifier (:func:`keyring_of`)
  and decides, by an HMAC of the area's inputs (:func:`inputs_digest`), whether the
  area must be sealed again.

What is encrypted with these keys uses a nonce derived from the key and the plaintext
(:func:`seal_stable`): the same plaintext under the same key gives the same bytes (an
unchanged page stays byte-identical), which tells an observer only that it did not change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from generator.extranet.crypto import KEY_BYTES, NONCE_BYTES, SALT_BYTES, SiteKey, b64
from generator.extranet.keyring import Holder, Keyring, person_key, wrap_aad
from generator.files.yamlio import atomic_write

OwnKeys = dict[tuple[str, str], bytes]
"""Each member's own key, by (user, identifier)."""
SITE_WRAP = "private"
"""What the site-wide slots of :func:`site_slots` are bound to (``wrap/private``)."""


def site_salt(state: Path) -> bytes:
    """The salt of the site's private areas, read from ``state`` (a file of the staging
    folder, never published), drawn and written there the first time."""
    try:
        salt = base64.b64decode(json.loads(state.read_text(encoding="utf-8"))["salt"])
    except (OSError, ValueError, KeyError, TypeError):
        salt = b""
    if len(salt) != SALT_BYTES:
        salt = os.urandom(SALT_BYTES)
        atomic_write(state, json.dumps({"salt": b64(salt)}))
    return salt


def own_keys(holders: Iterable[Holder], salt: bytes, iterations: int) -> OwnKeys:
    """The own key of each holder and identifier, each derived once (in threads: PBKDF2
    frees the GIL), however many areas a member belongs to."""
    jobs = {(h.person, i): h.password for h in holders for i in h.identifiers}
    if not jobs:
        return {}
    with ThreadPoolExecutor(max_workers=min(4, len(jobs))) as pool:
        keys = pool.map(lambda job: person_key(jobs[job], salt, job[1], iterations), jobs)
        return dict(zip(jobs, keys, strict=True))


def _slots_of(holders: Sequence[Holder], owns: OwnKeys) -> list[tuple[str, bytes]]:
    return sorted((h.person, owns[(h.person, i)]) for h in holders for i in h.identifiers)


def project_key(project_id: str, holders: Sequence[Holder], owns: OwnKeys, salt: bytes) -> bytes:
    """The project's key: HKDF-SHA256 of its holders' own keys (every identifier's, in a
    fixed order), salted with the site's salt and bound to the project; a random key
    when no member can open the area (nothing to derive it from)."""
    material = _slots_of(holders, owns)
    if not material:
        return os.urandom(KEY_BYTES)
    ikm = b"".join(len(u).to_bytes(2, "big") + u.encode() + key for u, key in material)
    info = f"carnet-private/project/{project_id}".encode()
    return HKDF(hashes.SHA256(), KEY_BYTES, salt, info).derive(ikm)


def subkey(key: bytes, purpose: str) -> bytes:
    """A key for one ``purpose`` (names, build ids, digests), derived from ``key``."""
    return hmac.new(key, f"carnet-private/{purpose}".encode(), hashlib.sha256).digest()


def seal_stable(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """``nonce || AES-256-GCM(plaintext)`` with a nonce derived from the key, the
    associated data and the plaintext (the same input gives the same bytes)."""
    nonce = hmac.new(key, aad + b"\0" + plaintext, hashlib.sha256).digest()[:NONCE_BYTES]
    return SiteKey(key, b"").encrypt(plaintext, aad, nonce=nonce)


def keyring_of(
    key: bytes, holders: Sequence[Holder], owns: OwnKeys, salt: bytes, build: str, iterations: int
) -> Keyring:
    """The area's keyring: ``key`` wrapped for each holder and identifier, as
    :func:`generator.extranet.keyring.new_keyring` does, but stable (sorted slots)."""
    aad = wrap_aad(build)
    slots = sorted(
        b64(seal_stable(owns[(h.person, i)], key + h.person.encode("utf-8"), aad))
        for h in holders
        for i in h.identifiers
    )
    return Keyring(SiteKey(key, salt, iterations), tuple(slots))


def site_slots(
    areas: dict[str, tuple[bytes, Sequence[Holder], dict[str, str]]], owns: OwnKeys
) -> list[str]:
    """The slots that the plain pages' unlock opens: for each area and each of its
    holders' identifiers, the project key and what the browser needs of the area
    (``areas``: project → (key, holders, {"f": folder, "b": build id, "s": search index}))
    wrapped with the holder's own key; sorted, without any name."""
    aad = wrap_aad(SITE_WRAP)
    slots = []
    for key, holders, facts in areas.values():
        plain = key + json.dumps(facts, sort_keys=True).encode("utf-8")
        for h in holders:
            for i in h.identifiers:
                slots.append(b64(seal_stable(owns[(h.person, i)], plain, aad)))
    return sorted(slots)


def inputs_digest(key: bytes, parts: Iterable[bytes]) -> str:
    """HMAC-SHA256 under the project key of everything an area is made of: equal digests,
    equal areas (and without the key, the digest says nothing of the inputs)."""
    mac = hmac.new(subkey(key, "inputs"), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()
