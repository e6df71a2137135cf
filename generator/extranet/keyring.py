"""One key per person: a random site key, wrapped once for each person who may open it.

With ``extranet.people:`` the site key is not derived from a password: it is 32 random
bytes, drawn anew at every build (a rebuild after removing someone is a rotation: new
salt, new key, every page sealed again). Each person's own key is derived from their
password with PBKDF2-HMAC-SHA256 (:data:`~generator.extranet.crypto.ITERATIONS`
rounds), salted with the build's salt **and** the identifier they type (their contact
id, or their e-mail: one slot for each), and wraps the site key with AES-256-GCM.

The slots are listed in every page's head in a shuffled order, without any name: the
browser derives one key from what was typed and tries each slot (one AES-GCM
decryption each, instant). A slot opens to the site key followed by the person's id
(``jeanne-sapin``), which the page keeps to sign proposals.
"""

from __future__ import annotations

import os
import random
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from generator.extranet.crypto import (
    ITERATIONS,
    KEY_BYTES,
    SALT_BYTES,
    SiteKey,
    b64,
)


@dataclass(frozen=True, slots=True)
class Holder:
    """A person who may open an extranet: their id, the identifiers they may type, and
    their password."""

    person: str
    identifiers: tuple[str, ...]
    password: str


def identifier_form(text: str) -> str:
    """What an identifier is compared as: trimmed, Unicode NFC, in lower case
    (``Jeanne.Sapin@Example.fr `` → ``jeanne.sapin@example.fr``), as the browser
    does it (``toLowerCase``)."""
    return unicodedata.normalize("NFC", text.strip()).lower()


def wrap_aad(build: str) -> bytes:
    """Associated data of a wrapped site key: the build it belongs to."""
    return f"carnet-extranet/wrap/{build}".encode()


def person_key(password: str, salt: bytes, identifier: str, iterations: int = ITERATIONS) -> bytes:
    """A person's own AES-256 key: PBKDF2 of their password, salted with the build's salt,
    a zero byte and their identifier (:func:`identifier_form`)."""
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=salt + b"\0" + identifier_form(identifier).encode("utf-8"),
        iterations=iterations,
    )
    return kdf.derive(password.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Keyring:
    """A build's site key and its slots (base64), one per person and identifier."""

    site: SiteKey
    slots: tuple[str, ...]


def new_keyring(
    holders: Sequence[Holder],
    build: str,
    iterations: int = ITERATIONS,
    salt: bytes | None = None,
) -> Keyring:
    """A new random site key, wrapped for each of ``holders`` (their keys are derived in
    threads: PBKDF2 frees the GIL), with a new salt unless one is given (the sealed areas
    of one internal site share theirs, so one unlock opens every area of a member)."""
    salt = salt or os.urandom(SALT_BYTES)
    site = SiteKey(os.urandom(KEY_BYTES), salt, iterations)
    jobs = [(h, i) for h in holders for i in h.identifiers]
    with ThreadPoolExecutor(max_workers=min(4, len(jobs) or 1)) as pool:
        keys = list(
            pool.map(lambda job: person_key(job[0].password, salt, job[1], iterations), jobs)
        )
    aad = wrap_aad(build)
    slots = [
        b64(SiteKey(key, salt, iterations).encrypt(site.key + holder.person.encode("utf-8"), aad))
        for (holder, _identifier), key in zip(jobs, keys, strict=True)
    ]
    random.SystemRandom().shuffle(slots)
    return Keyring(site, tuple(slots))


def open_slot(
    slots: Sequence[bytes], password: str, identifier: str, salt: bytes, build: str, iterations: int
) -> tuple[SiteKey, str] | None:
    """The site key and the person's id that ``identifier`` and ``password`` open among
    ``slots`` (as the browser does), or None."""
    from cryptography.exceptions import InvalidTag

    own = SiteKey(person_key(password, salt, identifier, iterations), salt, iterations)
    for slot in slots:
        try:
            plain = own.decrypt(slot, wrap_aad(build))
        except InvalidTag:
            continue
        return SiteKey(plain[:KEY_BYTES], salt, iterations), plain[KEY_BYTES:].decode("utf-8")
    return None
