"""YAML traps found before a document is built: each becomes a located problem.

Cheap checks on the text pick out the rare files that need a closer look (conflict
markers, a possible anchor, alias or tag); only those pay for a scan of libyaml's event
stream, which never expands an alias, so that a billion-laughs file is refused in
microseconds instead of being built. Also here: the guess of a file's encoding when it is
not UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from generator.problems import Problem, make_problem

try:
    _EventLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml absent
    _EventLoader = yaml.SafeLoader

_T = "tag:yaml.org,2002:"
MAYBE_NODE_PROPERTY = re.compile(
    r"(?:^|[\r\x85\u2028\u2029:\-\[{,?])[ \t]*[&*!][^\s,\]}]", re.MULTILINE
)
"""Where an anchor, alias or tag may start (after any line break libyaml knows);
confirmed on the event stream."""
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
_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7})(?:[ \t]|\r?$)", re.MULTILINE)


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


def conflict_problem(text: str, path: str, lang: str) -> Problem | None:
    """An unresolved git conflict (``<<<<<<<``, ``=======``, ``>>>>>>>`` lines), if any."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    marker = _CONFLICT.search(text)
    if marker is None:
        return None
    line = text.count("\n", 0, marker.start()) + 1
    return make_problem(
        "git-conflict", path, line=line, lang=lang, line_number=line, marker=marker.group().strip()
    )


def describe_character(char: str) -> str:
    """``U+001B (ESCAPE)``: a character that cannot be shown, named."""
    name = unicodedata.name(char, "") or _C0_NAMES.get(ord(char), "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


_C0_NAMES = {
    0x00: "NUL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "VERTICAL TAB",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
}


def reader_problem(exc: yaml.reader.ReaderError, text: str, path: str, lang: str) -> Problem:
    """libyaml refused a raw character (NUL, BEL…): one located line, not its report."""
    encoded = text.encode("utf-8")
    before = encoded[: max(exc.position, 0)].decode("utf-8", errors="ignore")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    return make_problem(
        "yaml-control-character",
        path,
        line=line,
        column=column,
        lang=lang,
        char=describe_character(char),
    )


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, lang: str) -> Problem:
    """A YAML syntax error, with a hint for the usual mistakes (tabs, a missing ``:``)."""
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


def second_document_start(text: str) -> yaml.Mark | None:
    """Where the second document starts: its ``---`` line when there is one."""
    starts = 0
    for event in yaml.parse(text, Loader=_EventLoader):
        if isinstance(event, yaml.DocumentStartEvent):
            starts += 1
            if starts == 2:
                return event.start_mark
    return None


def show_tag(tag: str) -> str:
    """A tag as the user typed it: ``!!str`` rather than ``tag:yaml.org,2002:str``."""
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag


@dataclass(slots=True)
class NodeProperties:
    """Anchors, aliases and tags of a file, read from its event stream."""

    problems: list[Problem] = field(default_factory=list)
    aliases: int = 0


def node_property_problems(text: str, path: str, lang: str) -> NodeProperties:
    """Every anchor, alias and tag of ``text``, located, from libyaml's event stream.

    Events are read one by one (an alias is one event, never expanded); a syntax error
    ends the scan, and is reported by the parse that follows.
    """
    found = NodeProperties()
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            mark = event.start_mark
            where = {"line": mark.line + 1, "column": mark.column + 1, "lang": lang}
            if isinstance(event, yaml.AliasEvent):
                found.aliases += 1
                found.problems.append(make_problem("yaml-alias", path, name=event.anchor, **where))
                continue
            anchor = getattr(event, "anchor", None)
            if anchor:
                found.problems.append(make_problem("yaml-anchor", path, name=anchor, **where))
            tag = getattr(event, "tag", None)
            if tag and isinstance(event, yaml.NodeEvent):
                found.problems.append(make_problem("yaml-tag", path, tag=show_tag(tag), **where))
    except yaml.YAMLError:
        pass
    return found
