"""Field-level differences between two versions of a YAML record (for the git history).

A record is flattened into dotted fields: nested mappings give ``address.city``, lists
of mappings give ``document.lines[2].unit_price``; a list of plain values (``interests``)
and an empty mapping or list stay one field. Values are read with
:mod:`generator.files.yamlio`, so amounts are ``Decimal`` and dates are ``date`` as everywhere
else in Carnet, and ``45.0`` → ``45.00`` is no change.

Speed matters (a 20,000-commit history diffs 20,000 pairs of files), so a version is
first cut into its top-level blocks — a key at column 0 and the lines under it — and
only the blocks whose text differs are read — the commonest (``key: "text"``, a number,
a date, a plain ``|`` note) without a YAML parser at all, see :func:`simple_value`. A
file that does not cut cleanly (document markers, quoted or complex keys, CRLF,
duplicate keys…) or a block that does not read alone is parsed whole, which is always
right; the cut is only a shortcut (``tests/test_history.py`` checks both agree). One
difference is deliberate: a file broken outside the edited blocks still gets its
field-level changes, where a whole parse could only say "unreadable".
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

ADDED, MODIFIED, DELETED, RENAMED = "added", "modified", "deleted", "renamed"
INVALID_OLD, INVALID_NEW, INVALID_BOTH = "invalid-old", "invalid-new", "invalid-both"
"""Notes of a whole-record change whose YAML could not be read on one side or both."""

Change = tuple[str, Any, Any, str, str]
"""``(field, old, new, kind, note)``; ``field`` is ``""`` for the whole record."""

_BLOCK_START = re.compile(r"\n(?=[^ \n#-]|-[^ \n])")
"""A line break before a line at column 0 that is no comment and no ``- item``."""
_BLANK_OR_COMMENTS = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\n|\Z))*\Z")
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: |$)", re.MULTILINE)
_MISSING: Any = object()
_TEXT = r"[^\x00-\x1f\x7f-\x9f\ufffe\uffff"
_SIMPLE = re.compile(
    rf'(?:"({_TEXT}"\\]*)"|\'({_TEXT}\']*)\'|(-?[0-9]+\.[0-9]+)|(0|[1-9][0-9]*)'
    rf"|([0-9]{{4}}-[0-9][0-9]-[0-9][0-9])|([^\W\d_]{_TEXT}:#]*?))[ ]*"
)
_UNUSUAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_RESERVED = frozenset(
    w
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for w in (word, word.capitalize(), word.upper())
)
"""Plain words YAML 1.1 reads as booleans or null."""
_BLOCK_VALUES: dict[str, Any] = {}
"""Parsed values by block text: ``state: done`` is read once per run, not per version.
Values are shared between changes, so nobody may mutate them."""
_BLOCK_VALUES_MAX = 100_000


class Version:
    """One version of a record file: its bytes, cut into blocks, parsed on demand."""

    __slots__ = ("_blocks", "_cut", "_full", "_parsed", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._cut = False
        self._blocks: dict[str, str] | None = None
        self._parsed: dict[str, Any] = {}
        self._full: Any = _MISSING

    def blocks(self) -> dict[str, str] | None:
        """Top-level key → its text, or ``None`` when the file does not cut cleanly."""
        if not self._cut:
            self._cut = True
            from generator.files.yamlio import decode  # with the YAML parser: when first needed

            text, _ = decode(self.raw, "")
            if text is not None and "\r" not in text:
                self._blocks = cut_blocks(text)
        return self._blocks

    def block_value(self, key: str) -> Any:
        """The value of top-level ``key`` parsed from its block alone (``_MISSING`` if absent
        or when the block does not parse by itself)."""
        if key in self._parsed:
            return self._parsed[key]
        text = (self._blocks or {}).get(key)
        value = _MISSING if text is None else _BLOCK_VALUES.get(text, _MISSING)
        if value is _MISSING and text is not None:
            value = simple_value(text, key)
        if value is _MISSING and text is not None:
            from generator.files.yamlio import parse_text

            parsed = parse_text(text, "").value
            if isinstance(parsed, dict) and len(parsed) == 1 and key in parsed:
                value = parsed[key]
            if len(_BLOCK_VALUES) >= _BLOCK_VALUES_MAX:
                _BLOCK_VALUES.clear()
            _BLOCK_VALUES[text] = value
        self._parsed[key] = value
        return value

    def value(self) -> dict[str, Any] | None:
        """The whole record, or ``None`` when the file is not a readable YAML mapping."""
        if self._full is _MISSING:
            from generator.files.yamlio import parse_bytes

            value = parse_bytes(self.raw, "").value
            self._full = value if isinstance(value, dict) else None
        return self._full


def simple_value(block: str, key: str) -> Any:
    """The value of a one-line ``key: value`` block whose reading is beyond doubt.

    Quoted strings without escapes, plain text starting with a letter (not a YAML 1.1
    boolean or null), whole numbers, decimals and dates: the commonest edits, read here
    exactly as :mod:`generator.files.yamlio` would, without a YAML parser. ``_MISSING`` otherwise.
    """
    body = block[len(key) + 2 :].rstrip("\n")
    if not block.startswith(": ", len(key)):
        return _MISSING
    if body.startswith("|\n"):
        return _literal(body[2:]) if block.endswith("\n") else _MISSING
    if "\n" in body:
        return _MISSING
    match = _SIMPLE.fullmatch(body)
    if match is None:
        return _MISSING
    quoted, single, decimal, whole, day, plain = match.groups()
    if decimal or whole:
        from generator.files.yamlio import MAX_NUMBER_LENGTH

        if len(body) > MAX_NUMBER_LENGTH:
            return _MISSING  # the parser reports it (and Python refuses 4,300-digit integers)
    if plain is not None:
        return _MISSING if plain in _RESERVED else plain
    if day is not None:
        try:
            return date.fromisoformat(day)
        except ValueError:
            return _MISSING  # the parser reports impossible dates
    if decimal is not None:
        return Decimal(decimal)
    if whole is not None:
        return int(whole)
    return quoted if quoted is not None else single


def _literal(content: str) -> Any:
    """A ``|`` block scalar whose lines share one indentation, no blank line, no tab."""
    lines = content.split("\n")
    indent = len(lines[0]) - len(lines[0].lstrip(" "))
    prefix = " " * indent
    if not indent or _UNUSUAL.search(content):
        return _MISSING
    for line in lines:
        if not line.startswith(prefix) or not line.strip():
            return _MISSING
    return "\n".join(line[indent:] for line in lines) + "\n"


def cut_blocks(text: str) -> dict[str, str] | None:
    """Cut a YAML mapping into top-level blocks, or ``None`` when unsure."""
    pieces = _BLOCK_START.split(text)
    if _KEY.match(pieces[0]) is None:
        if not _BLANK_OR_COMMENTS.match(pieces[0]):
            return None  # content before the first key: not a plain block mapping
        del pieces[0]
    blocks: dict[str, str] = {}
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        match = _KEY.match(piece)
        if match is None or match.group(1) in blocks:
            return None
        blocks[match.group(1)] = piece + "\n" if i < last else piece  # the break it ends with
    return blocks or None


def diff_versions(old: Version, new: Version) -> list[Change]:
    """Every field that differs from ``old`` to ``new`` (empty when none does)."""
    old_blocks, new_blocks = old.blocks(), new.blocks()
    if old_blocks is not None and new_blocks is not None:
        changes: list[Change] = []
        keys = list(new_blocks) + [k for k in old_blocks if k not in new_blocks]
        for key in keys:
            before, after = old_blocks.get(key), new_blocks.get(key)
            if before == after:
                continue
            old_value = old.block_value(key) if before is not None else None
            new_value = new.block_value(key) if after is not None else None
            if old_value is _MISSING or new_value is _MISSING:
                break  # a block that does not parse alone: parse both files whole
            changes += diff_values(
                {key: old_value} if before is not None else {},
                {key: new_value} if after is not None else {},
            )
        else:
            return changes
    old_value, new_value = old.value(), new.value()
    if old_value is None or new_value is None:
        if old_value is None and new_value is None:
            if old.raw == new.raw:
                return []
            note = INVALID_BOTH
        else:
            note = INVALID_OLD if old_value is None else INVALID_NEW
        return [("", None, None, MODIFIED, note)]
    return diff_values(old_value, new_value)


def diff_values(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Field changes between two parsed records, in the new record's field order."""
    flat_old, flat_new = flatten(old), flatten(new)
    changes: list[Change] = []
    for field, after in flat_new.items():
        before = flat_old.get(field, _MISSING)
        if before is _MISSING:
            changes.append((field, None, after, ADDED, ""))
        elif not same(before, after):
            changes.append((field, before, after, MODIFIED, ""))
    for field, before in flat_old.items():
        if field not in flat_new:
            changes.append((field, before, None, DELETED, ""))
    return changes


def flatten(value: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"address": {"city": "Lyon"}}`` → ``{"address.city": "Lyon"}``; see the module doc."""
    if out is None:
        out = {}
    if isinstance(value, dict) and (value or not prefix):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(i, dict | list) for i in value):
        for index, item in enumerate(value):
            flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value
    return out


def same(a: Any, b: Any) -> bool:
    """Equal as values of a record: ``45.0`` is ``45.00``, but ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a is b or a == b
