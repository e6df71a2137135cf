"""The extranet's cryptography: PBKDF2-HMAC-SHA256 → AES-256-GCM, as WebCrypto reads it.

Each build draws a new random 16-byte salt and a build id; each encrypted item gets its
own random 96-bit nonce and associated data naming what it is and which build it
belongs to (:func:`page_aad`, :func:`search_aad`, :func:`file_aad`): a page's payload
pasted into another page, an attachment served in place of another, or a file of
another build fails authentication like any altered byte. The browser derives the same
key from the password (WebCrypto ``deriveKey`` with the same salt and iterations) and
decrypts with ``AES-GCM`` and the same ``additionalData``.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

ITERATIONS = 600_000
"""PBKDF2 rounds (OWASP's 2023 figure for PBKDF2-HMAC-SHA256)."""
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class SiteKey:
    """The key of one extranet build, with what the browser needs to derive it again."""

    key: bytes
    salt: bytes
    iterations: int = ITERATIONS

    def encrypt(self, plaintext: bytes, aad: bytes, *, nonce: bytes | None = None) -> bytes:
        """``nonce || ciphertext+tag``, authenticated with the associated data ``aad``
        (a fresh random nonce unless one is given)."""
        nonce = nonce or os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        """Inverse of :meth:`encrypt`; raises ``InvalidTag`` on a wrong key, other
        associated data, or tampering."""
        return AESGCM(self.key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)


def new_build_id() -> str:
    """A random id for one build (16 hex digits), named in every page's head."""
    return os.urandom(8).hex()


def page_aad(build: str, page: str) -> bytes:
    """Associated data of a page's body: the build and the page's path (``index.html``)."""
    return f"carnet-extranet/page/{build}/{page}".encode()


def search_aad(build: str) -> bytes:
    """Associated data of the search index."""
    return f"carnet-extranet/search/{build}".encode()


def file_aad(build: str, blob: str) -> bytes:
    """Associated data of a sealed file: the build and its path (``c/<hex>``)."""
    return f"carnet-extranet/file/{build}/{blob}".encode()


def derive(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> SiteKey:
    """The AES-256 key for ``password`` (a new random salt unless one is given)."""
    salt = salt or os.urandom(SALT_BYTES)
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return SiteKey(kdf.derive(password.encode("utf-8")), salt, iterations)


def b64(data: bytes) -> str:
    """Standard base64 text (what ``atob`` reads)."""
    return base64.b64encode(data).decode("ascii")
