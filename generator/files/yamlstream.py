"""The common case in one pass: a plain record file's values straight from libyaml's events.

Almost every file is an ordinary mapping with no trap in it. For those, the values are
built directly from libyaml's event stream (:class:`yaml._yaml.CParser`, positions and
values in one pass, no node tree and no second walk), with the same conversions as
:mod:`generator.files.yamlio` (``Decimal`` from the text, dates, the same tag
resolution). The first sign of anything a problem could be reported on (an anchor, an
alias, a tag, a duplicate or non-text key, an impossible date, a number too long,
nesting deeper than records need, a second document, a syntax error, a conflict marker,
a byte order mark, a file that is not a mapping) gives up and returns ``None``: the
caller then takes the full path (:func:`generator.files.yamlio.parse_bytes`), which
reports every trap with its position exactly as before. An alias is one event, never
expanded, so a billion-laughs file is given up at its first anchor.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.events import (
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from generator.files.yamlio import (
    _CONSTRUCTOR,
    _DATE,
    BOOL,
    FLOAT,
    INT,
    MAX_NUMBER_LENGTH,
    NULL,
    STR,
    TIMESTAMP,
)

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - libyaml absent: every file takes the full path
    _Parser = None

FAST_DEPTH = 32
"""Deepest nesting the one pass builds (records need fewer than ten); deeper files take
the full path, which enforces :data:`generator.files.yamlio.MAX_DEPTH` with its problem."""

_RESOLVER = Resolver()
"""libyaml's loaders resolve tags with this (Python) resolver: used the same way here."""
_MAY_RESOLVE = frozenset(_RESOLVER.yaml_implicit_resolvers)
"""The first characters of plain scalars that may be something else than text."""


class _GiveUp(Exception):
    """Something here deserves a problem: the full path will report it."""


_TAGS: dict[str, str] = {}
"""Tags of plain scalars already resolved, as the constants of
:mod:`generator.files.yamlio` (compared by identity): keys and values repeat across files."""
_CANONICAL = {tag: tag for tag in (STR, INT, FLOAT, BOOL, NULL, TIMESTAMP)}


def _tag(value: str) -> str:
    """The tag of a plain scalar (remembered unless it is plainly text)."""
    if value and value[0] not in _MAY_RESOLVE:
        return STR
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
    tag = _CANONICAL.get(tag, tag)
    if len(_TAGS) < 200_000:
        _TAGS[value] = tag
    return tag


def _scalar(value: str, tag: str) -> Any:
    """A plain scalar's value, as :meth:`generator.files.yamlio._Converter.scalar` makes it
    (without its problems: those give up)."""
    if tag == INT:
        if len(value) > MAX_NUMBER_LENGTH:
            raise _GiveUp
        if value.isdigit() and (value[0] != "0" or len(value) == 1):
            return int(value)
        return _CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, value))
    if tag == NULL:
        return None
    if tag == BOOL:
        return _CONSTRUCTOR.construct_yaml_bool(ScalarNode(tag, value))
    if tag == FLOAT:
        if len(value) > MAX_NUMBER_LENGTH:
            raise _GiveUp
        try:
            return Decimal(value.replace("_", ""))
        except InvalidOperation:
            return Decimal(repr(_CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, value))))
    if tag == TIMESTAMP:
        try:
            if _DATE.match(value):
                return date.fromisoformat(value)
            return _CONSTRUCTOR.construct_yaml_timestamp(ScalarNode(tag, value))
        except (ValueError, OverflowError):
            raise _GiveUp from None
    return value  # ``=`` or ``<<`` as a value: text (as a key, given up above)


def plain_mapping(raw: bytes) -> dict[str, Any] | None:
    """The values of ``raw`` when it is one ordinary mapping, else ``None`` (see above)."""
    if _Parser is None or raw[:3] == b"\xef\xbb\xbf" or raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    if b"<<<<<<<" in raw or b">>>>>>>" in raw:
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        return _build(_Parser(raw))
    except (_GiveUp, yaml.YAMLError, ValueError, TypeError, OverflowError):
        return None


_NO_KEY = object()


def _build(parser: Any) -> dict[str, Any] | None:
    """Build the document from the events of ``parser`` (stack of open containers)."""
    get = parser.get_event
    resolved = _TAGS.get
    get()  # the stream's start
    if type(get()) is not DocumentStartEvent:
        return None  # an empty file
    event = get()
    if type(event) is not MappingStartEvent or event.anchor is not None or event.tag is not None:
        return None
    root: dict[str, Any] = {}
    container: Any = root
    is_map = True
    key: Any = _NO_KEY
    stack: list[tuple[Any, bool, Any]] = []
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                return None
            value = text = event.value
            tag = STR
            if event.implicit[0]:
                tag = resolved(text) or _tag(text)
                if tag is not STR:
                    value = _scalar(text, tag)
            if not is_map:
                container.append(value)
            elif key is _NO_KEY:
                if tag is not STR or text in container:
                    return None  # a key that is not text, or a second time
                key = text
            else:
                container[key] = value
                key = _NO_KEY
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(stack) >= FAST_DEPTH:
                return None
            new: Any = {} if kind is MappingStartEvent else []
            if not is_map:
                container.append(new)
            elif key is _NO_KEY:
                return None  # a mapping or a list as a key
            else:
                container[key] = new
            stack.append((container, is_map, key))
            container, is_map, key = new, kind is MappingStartEvent, _NO_KEY
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            container, is_map, key = stack.pop()
            key = _NO_KEY
        else:  # an alias, or anything unexpected
            return None
    get()  # the document's end
    if type(get()) is not StreamEndEvent:
        return None  # a second document
    return root
