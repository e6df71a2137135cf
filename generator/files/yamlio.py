"""YAML in and out: fast safe parsing that keeps positions, traps turned into problems.

Reading composes the document with libyaml (``CSafeLoader``) into nodes, which carry
their line and column, then converts the nodes to Python values ourselves, so that:

* numbers with a fractional part become ``Decimal`` straight from their text (never a
  float), and impossible dates are reported instead of raised;
* duplicate keys, anchors, aliases, tags and non-string keys are reported with their
  position (PyYAML would silently keep the last duplicate);
* the node tree can answer "where is ``document.lines[2].unit_price``?" for any problem.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.files.yamltraps import (
    MAYBE_NODE_PROPERTY,
    conflict_problem,
    guess_encoding,
    node_property_problems,
    reader_problem,
    second_document_start,
    syntax_problem,
)
from generator.problems import Loc, Problem, clip, make_problem

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml absent
    _BaseLoader = yaml.SafeLoader

_RESOLVED: dict[str, str] = {}
"""Tags of plain scalars already resolved: keys and values repeat across files."""


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's safe loader with a memo in front of PyYAML's (Python) tag resolver."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_RESOLVED) < 200_000:
                    _RESOLVED[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
TIMESTAMP, MERGE = _T + "timestamp", _T + "merge"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")


@dataclass(slots=True)
class ParsedFile:
    """A parsed YAML file: its value (``None`` when unusable), root node and problems."""

    path: str
    value: Any
    root: Node | None
    problems: list[Problem]


def decode(raw: bytes, path: str, lang: str = "fr") -> tuple[str | None, list[Problem]]:
    """UTF-8 text of ``raw`` (a BOM is dropped); otherwise an encoding problem."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            make_problem(
                "encoding-invalid",
                path,
                line=line,
                column=column,
                lang=lang,
                encoding=guess_encoding(raw),
            )
        ]


def parse_text(text: str, path: str, lang: str = "fr") -> ParsedFile:
    """Compose ``text`` and convert it, collecting every YAML trap as a problem.

    Anchors, aliases and tags are looked for on the event stream before anything is
    built, and a file with an alias is never composed: aliases are refused, not expanded.
    """
    conflict = conflict_problem(text, path, lang)
    if conflict is not None:
        return ParsedFile(path, None, None, [conflict])
    problems: list[Problem] = []
    if MAYBE_NODE_PROPERTY.search(text):
        properties = node_property_problems(text, path, lang)
        if properties.aliases:
            return ParsedFile(path, None, None, properties.problems)
        problems.extend(properties.problems)
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return ParsedFile(path, None, None, [*problems, syntax_problem(exc, text, path, lang)])
    except yaml.reader.ReaderError as exc:
        return ParsedFile(path, None, None, [reader_problem(exc, text, path, lang)])
    documents = [d for d in documents if d is not None]
    if not documents:
        return ParsedFile(path, None, None, [make_problem("file-empty", path, lang=lang)])
    if len(documents) > 1:
        mark = second_document_start(text) or documents[1].start_mark
        problems.append(
            make_problem(
                "yaml-multiple-documents",
                path,
                line=mark.line + 1,
                column=mark.column + 1,
                lang=lang,
            )
        )
    root = documents[0]
    if not isinstance(root, MappingNode):
        if isinstance(root, SequenceNode):
            found = "a list" if lang.startswith("en") else "une liste"
        else:
            found = f"« {clip(root.value)} »"
        problems.append(
            make_problem(
                "file-not-mapping",
                path,
                line=root.start_mark.line + 1,
                column=root.start_mark.column + 1,
                lang=lang,
                found=found,
            )
        )
        return ParsedFile(path, None, root, problems)
    converter = _Converter(path, lang, budget=len(text))
    try:
        value = converter.convert(root)
    except _TooDeep as exc:
        return ParsedFile(path, None, None, [*problems, _too_deep(exc, text, path, lang)])
    problems.extend(converter.problems)
    return ParsedFile(path, value, root, problems)


def parse_bytes(raw: bytes, path: str, lang: str = "fr") -> ParsedFile:
    """Decode then parse a file's bytes."""
    text, problems = decode(raw, path, lang)
    if text is None:
        return ParsedFile(path, None, None, problems)
    if not text.strip():
        return ParsedFile(path, None, None, [make_problem("file-empty", path, lang=lang)])
    return parse_text(text, path, lang)


MAX_DEPTH = 50
"""Deepest nesting of mappings and lists accepted (records need fewer than ten)."""


class _TooDeep(Exception):
    """Conversion stopped: nesting beyond :data:`MAX_DEPTH`, or more containers than the
    text could hold without aliases (libyaml's aliases were missed by the pre-check)."""

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node


def _too_deep(exc: _TooDeep, text: str, path: str, lang: str) -> Problem:
    properties = node_property_problems(text, path, lang)
    if properties.aliases:  # a trap the text pre-check did not see
        return properties.problems[0]
    mark = exc.node.start_mark
    return make_problem(
        "yaml-too-deep",
        path,
        line=mark.line + 1,
        column=mark.column + 1,
        lang=lang,
        limit=MAX_DEPTH,
    )


class _Converter:
    """Turns composed nodes into Python values, reporting traps on the way.

    ``budget`` bounds the number of mappings and lists built: a text of n characters
    holds fewer than n of them unless aliases share nodes, which are refused earlier.
    """

    def __init__(self, path: str, lang: str, budget: int) -> None:
        self.path = path
        self.lang = lang
        self.problems: list[Problem] = []
        self.budget = budget

    def _problem(self, code: str, node: Node, **params: Any) -> None:
        mark = node.start_mark
        self.problems.append(
            make_problem(
                code,
                self.path,
                line=mark.line + 1,
                column=mark.column + 1,
                lang=self.lang,
                **params,
            )
        )

    def convert(self, node: Node, depth: int = 0) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.budget -= 1
        if depth >= MAX_DEPTH or self.budget < 0:
            raise _TooDeep(node)
        if isinstance(node, MappingNode):
            return self.mapping(node, depth + 1)
        return [self.convert(item, depth + 1) for item in node.value]

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                if isinstance(key_node, ScalarNode) and key_node.tag == MERGE:
                    self._problem("yaml-merge", key_node)
                    continue
                shown = key_node.value if isinstance(key_node, ScalarNode) else "…"
                found = _describe_tag(key_node, self.lang)
                self._problem("yaml-key-not-string", key_node, key=shown, found=found)
                continue
            key = key_node.value
            if key in first_lines:
                self._problem("yaml-duplicate-key", key_node, key=key, first_line=first_lines[key])
                continue
            first_lines[key] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node, depth)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == STR:
            return text
        if tag in (INT, FLOAT) and len(text) > MAX_NUMBER_LENGTH:
            self._problem("number-too-long", node, text=text, limit=MAX_NUMBER_LENGTH)
            return TooLongNumber(text)
        if tag == INT:
            if text.isdigit() and (text[0] != "0" or len(text) == 1):
                return int(text)
            return _CONSTRUCTOR.construct_yaml_int(node)
        if tag == FLOAT:
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:
                return Decimal(repr(_CONSTRUCTOR.construct_yaml_float(node)))
        if tag == BOOL:
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == NULL:
            return None
        if tag == TIMESTAMP:
            try:
                if _DATE.match(text):
                    return date.fromisoformat(text)
                if _CONSTRUCTOR.timestamp_regexp.match(text):  # else a tag forced it
                    return _CONSTRUCTOR.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                pass
            self._problem("date-invalid", node, text=text)
            return InvalidDate(text)
        return text


MAX_NUMBER_LENGTH = 40
"""Longest number accepted, in characters: amounts need 20 at most, and Python refuses
to turn integers of more than 4,300 digits into text."""


class Reported:
    """A value whose problem was already reported; schema errors on it are not repeated."""


class InvalidDate(str, Reported):
    """An impossible date already reported."""


class TooLongNumber(Reported):
    """A number too long to be read, already reported: no field type accepts it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return clip(self.text)

    def __repr__(self) -> str:
        return f"TooLongNumber({clip(self.text)!r})"


def _describe_tag(node: Node, lang: str) -> str:
    tag = node.tag.rsplit(":", 1)[-1]
    if lang.startswith("en"):
        return {"int": "a number", "float": "a number", "bool": "a boolean", "null": "null"}.get(
            tag, tag
        )
    return {"int": "un nombre", "float": "un nombre", "bool": "un booléen", "null": "nul"}.get(
        tag, tag
    )


_KEY_INDEX: WeakKeyDictionary[MappingNode, dict[str, tuple[Node, Node]]] = WeakKeyDictionary()
"""Key nodes of the large mappings already searched by :func:`node_at`."""
_INDEXED_FROM = 16


def _entry(node: MappingNode, key: str) -> tuple[Node, Node] | None:
    """The (key node, value node) of ``key`` in ``node`` (its first occurrence)."""
    if len(node.value) < _INDEXED_FROM:
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return k, v
        return None
    index = _KEY_INDEX.get(node)
    if index is None:
        index = {}
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                index.setdefault(k.value, (k, v))
        _KEY_INDEX[node] = index
    return index.get(key)


def node_at(root: Node | None, loc: Loc) -> tuple[Node | None, Node | None]:
    """The (key node, value node) at ``loc`` inside ``root``, as deep as it exists.

    When the full path does not exist (a missing field), the deepest existing
    ancestor is returned so the problem points at the enclosing mapping's key. Large
    mappings are indexed once, so locating every key of a file stays linear.
    """
    key_node: Node | None = None
    node = root
    for part in loc:
        if isinstance(node, MappingNode) and isinstance(part, str):
            entry = _entry(node, part)
            if entry is None:
                return key_node, node
            key_node, node = entry
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                key_node, node = node.value[part], node.value[part]
            else:
                return key_node, node
        else:
            return key_node, node
    return key_node, node


def position_of(root: Node | None, loc: Loc, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value (or of its key) at ``loc``."""
    key_node, value_node = node_at(root, loc)
    node = key_node if (key and key_node is not None) else value_node
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
