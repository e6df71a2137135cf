"""Serial numbers typed on the command line: lists, ranges, ``PRODUCT=…`` assignments.

``SN-0001..SN-0050`` expands to fifty serials keeping the zero padding of the first one;
items are separated by commas (``SN-1,SN-7,SN-20..SN-22``). Ranges count on the last run
of digits; both ends share what comes before and after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.problems import Refused

MAX_RANGE = 100_000
"""More serials than this in one range is a typing mistake, not a delivery."""

_END = re.compile(r"\A(?P<head>.*?)(?P<digits>\d+)(?P<tail>\D*)\Z")
_NUMBERS = re.compile(r"(\d+)")


def natural_key(serial: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting ``SN-2`` before ``SN-10``."""
    return tuple(
        (1, int(part)) if part.isdigit() else (0, part) for part in _NUMBERS.split(serial) if part
    )


def natural_sorted(serials: Iterable[str]) -> list[str]:
    """``serials`` in natural order."""
    return sorted(serials, key=natural_key)


def expand_range(first: str, last: str) -> list[str]:
    """Every serial from ``first`` to ``last`` included (``SN-0001..SN-0003``)."""
    start, end = _END.match(first), _END.match(last)
    if start is None or end is None:
        raise Refused("serials-range-no-number", quoted=f"{first}..{last}")
    if (start["head"], start["tail"]) != (end["head"], end["tail"]):
        raise Refused("serials-range-prefix", quoted=f"{first}..{last}")
    low, high = int(start["digits"]), int(end["digits"])
    if low > high:
        raise Refused("serials-range-reversed", quoted=f"{first}..{last}")
    if high - low + 1 > MAX_RANGE:
        raise Refused("serials-range-too-long", quoted=f"{first}..{last}", limit=MAX_RANGE)
    digits = start["digits"]
    width = len(digits) if digits.startswith("0") or len(digits) == len(end["digits"]) else 0
    head, tail = start["head"], start["tail"]
    return [f"{head}{n:0{width}d}{tail}" for n in range(low, high + 1)]


def expand(spec: str) -> list[str]:
    """The serials of ``spec``: comma-separated serials and ``A..B`` ranges, in order."""
    serials: list[str] = []
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            raise Refused("serials-empty-item", quoted=spec)
        if ".." in item:
            first, _, last = item.partition("..")
            serials += expand_range(first.strip(), last.strip())
        elif any(c.isspace() for c in item):
            raise Refused("serials-space", quoted=item)
        else:
            serials.append(item)
    seen: set[str] = set()
    for serial in serials:
        if serial in seen:
            raise Refused("serials-twice", quoted=serial)
        seen.add(serial)
    return serials


def parse_assignments(values: Iterable[str]) -> dict[str, list[str]]:
    """``PRODUCT=SPEC`` options → serials per product (one option per product)."""
    result: dict[str, list[str]] = {}
    for value in values:
        product, sep, spec = value.partition("=")
        product = product.strip()
        if not sep or not product or not spec.strip():
            raise Refused("serials-option-unreadable", quoted=value)
        if product in result:
            raise Refused("serials-option-twice", product=product)
        result[product] = expand(spec)
    return result
