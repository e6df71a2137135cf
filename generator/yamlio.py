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

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.problems import Loc, Problem, make_problem

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
_MAYBE_NODE_PROPERTY = re.compile(r"(?:^[ \t]*|[:\-\[{,?][ \t]*)[&*!][^\s,\]}]", re.MULTILINE)
"""Where an anchor, alias or tag may start; confirmed on the event stream."""
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")
_WESTERN = {
    "cp1252",
    "latin_1",
    "iso8859_15",
    "mac_roman",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
    "cp850",
}


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


def guess_encoding(raw: bytes) -> str:
    """The most likely encoding of ``raw`` according to charset-normalizer."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    guess = best.encoding if best is not None else None
    if guess not in _WESTERN:
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            return guess or "inconnu"
        return "cp1252"  # Windows/Excel exports: by far the likeliest for French text
    return guess


def parse_text(text: str, path: str, lang: str = "fr") -> ParsedFile:
    """Compose ``text`` and convert it, collecting every YAML trap as a problem."""
    problems: list[Problem] = []
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return ParsedFile(path, None, None, [_syntax_problem(exc, text, path, lang)])
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked reader errors
        return ParsedFile(
            path, None, None, [make_problem("yaml-syntax", path, lang=lang, detail=str(exc))]
        )
    documents = [d for d in documents if d is not None]
    if not documents:
        return ParsedFile(path, None, None, [make_problem("file-empty", path, lang=lang)])
    if len(documents) > 1:
        mark = _second_document_start(text) or documents[1].start_mark
        problems.append(
            make_problem(
                "yaml-multiple-documents",
                path,
                line=mark.line + 1,
                column=mark.column + 1,
                lang=lang,
            )
        )
    if _MAYBE_NODE_PROPERTY.search(text):
        problems.extend(_anchor_and_tag_problems(text, path, lang))
    root = documents[0]
    if not isinstance(root, MappingNode):
        found = "une liste" if isinstance(root, SequenceNode) else f"« {root.value} »"
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
    converter = _Converter(path, lang)
    value = converter.convert(root)
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


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, lang: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = exc.problem or str(exc)
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in detail or "\t" in current[: max(column, 1)] or "'\\t'" in detail:
        tab_col = current.find("\t")
        return make_problem(
            "yaml-tab", path, line=line, column=tab_col + 1 if tab_col >= 0 else column, lang=lang
        )
    hint = ""
    if "could not find expected ':'" in detail or "mapping values are not allowed" in detail:
        hint = (
            "il manque sans doute « : » après une clé, ou une valeur contenant « : » doit être entre guillemets"
            if not lang.startswith("en")
            else "a ':' is probably missing after a key, or a value holding ': ' must be quoted"
        )
    elif "found character" in detail:
        hint = (
            "mettez la valeur entre guillemets" if not lang.startswith("en") else "quote the value"
        )
    return make_problem(
        "yaml-syntax", path, line=line, column=column, lang=lang, detail=detail, hint=hint
    )


def _second_document_start(text: str) -> yaml.Mark | None:
    """Where the second document starts: its ``---`` line when there is one."""
    starts = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
            starts += 1
            if starts == 2:
                return event.start_mark
    return None


def show_tag(tag: str) -> str:
    """A tag as the user typed it: ``!!str`` rather than ``tag:yaml.org,2002:str``."""
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag


def _anchor_and_tag_problems(text: str, path: str, lang: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError:  # pragma: no cover - compose already succeeded
        return problems
    for event in events:
        mark = event.start_mark
        where = {"line": mark.line + 1, "column": mark.column + 1, "lang": lang}
        if isinstance(event, yaml.AliasEvent):
            problems.append(make_problem("yaml-alias", path, name=event.anchor, **where))
            continue
        anchor = getattr(event, "anchor", None)
        if anchor:
            problems.append(make_problem("yaml-anchor", path, name=anchor, **where))
        tag = getattr(event, "tag", None)
        if tag and isinstance(event, yaml.NodeEvent):
            problems.append(make_problem("yaml-tag", path, tag=show_tag(tag), **where))
    return problems


class _Converter:
    """Turns composed nodes into Python values, reporting traps on the way."""

    def __init__(self, path: str, lang: str) -> None:
        self.path = path
        self.lang = lang
        self.problems: list[Problem] = []

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

    def convert(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, MappingNode):
            return self.mapping(node)
        return [self.convert(item) for item in node.value]

    def mapping(self, node: MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                if isinstance(key_node, ScalarNode) and key_node.tag == MERGE:
                    self._problem("yaml-merge", key_node)
                    continue
                shown = key_node.value if isinstance(key_node, ScalarNode) else "…"
                found = _describe_tag(key_node)
                self._problem("yaml-key-not-string", key_node, key=shown, found=found)
                continue
            key = key_node.value
            if key in first_lines:
                self._problem("yaml-duplicate-key", key_node, key=key, first_line=first_lines[key])
                continue
            first_lines[key] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == STR:
            return text
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
                return _CONSTRUCTOR.construct_yaml_timestamp(node)
            except ValueError:
                self._problem("date-invalid", node, text=text)
                return InvalidDate(text)
        return text


class InvalidDate(str):
    """An impossible date already reported; schema errors on it are not repeated."""


def _describe_tag(node: Node) -> str:
    tag = node.tag.rsplit(":", 1)[-1]
    return {"int": "un nombre", "float": "un nombre", "bool": "un booléen", "null": "nul"}.get(
        tag, tag
    )


def node_at(root: Node | None, loc: Loc) -> tuple[Node | None, Node | None]:
    """The (key node, value node) at ``loc`` inside ``root``, as deep as it exists.

    When the full path does not exist (a missing field), the deepest existing
    ancestor is returned so the problem points at the enclosing mapping's key.
    """
    key_node: Node | None = None
    node = root
    for part in loc:
        if isinstance(node, MappingNode) and isinstance(part, str):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == part:
                    key_node, node = k, v
                    break
            else:
                return key_node, node
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
