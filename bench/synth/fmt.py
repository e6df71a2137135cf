"""Text helpers: ids, YAML scalars, French identifiers with valid checksums."""

from __future__ import annotations

import functools
import json
import random
import re
import unicodedata

_PLAIN = re.compile(r"^[A-Za-zÀ-ÿŒœ][\w À-ÿŒœ'.,/()&+@-]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


@functools.lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Lowercase ASCII id made of letters, digits and single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def scalar(text: str) -> str:
    """A YAML scalar for `text`: plain when unambiguous, double-quoted otherwise."""
    if _PLAIN.match(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def quoted(text: str) -> str:
    """A double-quoted YAML scalar (postcodes, phones, SIRETs, stage names)."""
    return json.dumps(text, ensure_ascii=False)


def block(key: str, lines: list[str], indent: str = "") -> str:
    """A literal block scalar `key: |` holding `lines`."""
    body = "".join(f"{indent}  {line}\n" for line in lines)
    return f"{indent}{key}: |\n{body}"


def luhn_ok(digits: str) -> bool:
    """True when `digits` passes the Luhn checksum."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(payload: str) -> str:
    """`payload` followed by the digit that makes it Luhn-valid."""
    for d in "0123456789":
        if luhn_ok(payload + d):
            return payload + d
    raise AssertionError("unreachable")


def random_siret(rng: random.Random) -> str:
    """A 14-digit SIRET whose SIREN and SIRET both pass Luhn."""
    siren = luhn_complete(f"{rng.randrange(10_000_000, 100_000_000)}")
    return luhn_complete(siren + f"{rng.randrange(1, 10_000):04d}")


def vat_number(siren: str) -> str:
    """The French intra-community VAT number of a SIREN."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def phone(rng: random.Random, zone: str, mobile: bool = False) -> str:
    """A French phone number in the usual spaced format."""
    head = rng.choice("67") if mobile else zone
    pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(4))
    return f"0{head} {pairs}"


def money(value: float) -> str:
    """A decimal amount with two digits, e.g. `1500.00` or `-320.50`."""
    return f"{value:.2f}"
