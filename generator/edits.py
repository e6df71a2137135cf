"""Changing records from a command: round-trip YAML edits written all together or not at all.

A :class:`ChangeSet` collects the files a command creates or edits. Existing files are
edited with ruamel.yaml in round-trip mode, so the user's comments, key order and quoting
survive; new files are written in the layout of FORMAT.md. Nothing touches the disk until
:meth:`ChangeSet.write`, which stages every file next to its target and then swaps them
in; if any swap fails, the files already swapped are put back (all or nothing).

Usage::

    changes = ChangeSet(repo)
    doc = changes.edit("data/interactions/2026/facture-sapins.yaml")
    doc["document"]["number"] = "F2026-0001"
    changes.create("data/interactions/2026/acompte-sapins.yaml", {...})
    for rel in changes.write():
        print(rel)
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString


class EditError(Exception):
    """A change that cannot be made (file missing, already exists, unreadable)."""


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    yaml.representer.ignore_aliases = lambda _data: True  # Carnet refuses anchors and aliases
    return yaml


def to_yaml_data(value: Any) -> Any:
    """Plain Python data (dicts, lists, Decimals, dates) as ruamel round-trip nodes.

    Short mappings of scalars (a payment, a part) are written in flow style, the way
    FORMAT.md shows them; ``None`` values are dropped.
    """
    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            if item is not None:
                node[key] = to_yaml_data(item)
        if 0 < len(node) <= 4 and all(_is_scalar(v) for v in node.values()) and _short(node):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(to_yaml_data(item) for item in value)
        if not seq:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value.rstrip("\n") + "\n")
    return value


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | Decimal | date | datetime | bool)


def _short(node: Mapping[str, Any]) -> bool:
    return sum(len(str(k)) + len(str(v)) + 4 for k, v in node.items()) < 70


def dump(data: Any) -> str:
    """YAML text of round-trip ``data``."""
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


class ChangeSet:
    """Files to create or edit under ``repo``, written all together or not at all."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._edited: dict[str, Any] = {}
        self._created: dict[str, Any] = {}
        self._texts: dict[str, bytes] = {}

    def edit(self, rel: str) -> CommentedMap:
        """The round-trip mapping of the existing file ``rel``, to change in place."""
        if rel in self._created:
            return self._created[rel]
        if rel not in self._edited:
            path = self.repo / rel
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise EditError(f"{rel} : illisible ({exc.strerror})") from exc
            data = _yaml().load(text)
            if not isinstance(data, CommentedMap):
                raise EditError(f"{rel} : la fiche n'est pas un dictionnaire YAML")
            self._edited[rel] = data
        return self._edited[rel]

    def create(self, rel: str, data: Mapping[str, Any], *, comment: str | None = None) -> None:
        """A new record file ``rel`` holding ``data``; refused if the file exists."""
        if (self.repo / rel).exists() or rel in self._created or rel in self._texts:
            raise EditError(f"{rel} existe déjà")
        node = to_yaml_data(data)
        if comment:
            node.yaml_set_start_comment(comment)
        self._created[rel] = node

    def create_bytes(self, rel: str, payload: bytes) -> None:
        """A new non-YAML file (a PDF, a report) written with the others."""
        self._texts[rel] = payload

    def paths(self) -> list[str]:
        """Every path this change set writes, in order."""
        return [*self._created, *self._edited, *self._texts]

    def unused_path(self, rel: str) -> str:
        """``rel``, or ``rel`` with ``-2``, ``-3``… before ``.yaml`` if it is taken."""
        stem, dot, ext = rel.rpartition(".")
        candidate, n = rel, 1
        while (self.repo / candidate).exists() or candidate in self._created:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}"
        return candidate

    def _payloads(self) -> Iterator[tuple[str, bytes]]:
        for rel, data in {**self._created, **self._edited}.items():
            yield rel, dump(data).encode("utf-8")
        yield from self._texts.items()

    def write(self) -> list[str]:
        """Write every file (all or nothing) and return their repository paths."""
        staged: list[tuple[Path, Path]] = []
        try:
            for rel, payload in self._payloads():
                target = self.repo / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                staged.append((Path(tmp), target))
        except BaseException:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise
        _swap_in(staged)
        return self.paths()


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    """Replace each target by its staged file; on failure restore what was replaced."""
    done: list[tuple[Path, bytes | None]] = []
    try:
        for tmp, target in staged:
            previous = target.read_bytes() if target.exists() else None
            os.replace(tmp, target)
            done.append((target, previous))
    except BaseException:
        for target, previous in reversed(done):
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(previous)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
