"""Changing records from a command: round-trip YAML edits written all together or not at all.

A :class:`ChangeSet` collects the files a command creates or edits. Existing files are
edited with ruamel.yaml in round-trip mode, so the user's comments, key order and quoting
survive; new files are written in the layout of FORMAT.md. Nothing touches the disk until
:meth:`ChangeSet.write`, which stages every file next to its target and then swaps them
in; if any swap fails, the files already swapped are put back (all or nothing). A command
that creates thousands of files (``carnet import``) may write them beforehand into hidden
staging folders (:meth:`ChangeSet.staging_folder`, :meth:`ChangeSet.create_staged`):
still invisible to Carnet until swapped in, and removed by :meth:`ChangeSet.discard`.

Usage::

    changes = ChangeSet(repo)
    doc = changes.edit("data/interactions/2026/facture-sapins.yaml")
    doc["document"]["number"] = "F2026-0001"
    changes.create("data/interactions/2026/acompte-sapins.yaml", {...})
    for rel in changes.write():
        print(rel)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml as yaml11
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.files.output import read_output
from generator.files.staging import new_box
from generator.problems import Refused


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


_RESOLVER = yaml11.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def reads_as_text(text: str) -> bool:
    """Would Carnet's YAML 1.1 reader take ``text``, written plain, for a string?

    ruamel.yaml writes YAML 1.2, where ``on``, ``yes``, ``1:30`` or ``0o17`` are plain
    strings; Carnet reads files with YAML 1.1 rules, where they are booleans and numbers.
    """
    return _RESOLVER.resolve(yaml11.ScalarNode, text, (True, False)) == _STR


def _represent_str(representer: RoundTripRepresenter, value: str) -> Any:
    if not reads_as_text(value):
        return representer.represent_scalar(_STR, value, style="'")
    return representer.represent_str(value)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    yaml.representer.add_representer(str, _represent_str)
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
    if isinstance(value, str):
        return "\n" not in value  # a multi-line text is a block, never inside a flow mapping
    return isinstance(value, int | float | Decimal | date | datetime | bool)


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
        self._layout: dict[str, tuple[bool, bool]] = {}  # rel -> (BOM, CRLF) of an edited file
        self._replaced: list[tuple[Path, bytes | None]] = []
        self._prestaged: dict[str, Path] = {}  # rel -> its file, already written whole
        self._boxes: list[Path] = []  # staging folders made by staging_folder()
        self._made: list[Path] = []  # the folders they needed, deepest first
        self._swept: set[Path] = set()  # the folders cleared of stale staging folders

    def edit(self, rel: str) -> CommentedMap:
        """The round-trip mapping of the existing file ``rel``, to change in place.

        The file's byte-order mark and CRLF line endings, if any, are kept when written.
        """
        if rel in self._created:
            return self._created[rel]
        if rel not in self._edited:
            path = self.repo / rel
            try:
                raw = path.read_bytes()
                text = raw.decode("utf-8-sig")
            except OSError as exc:
                raise Refused("file-edit-unreadable", file=rel, detail=exc.strerror) from exc
            except UnicodeDecodeError as exc:
                raise Refused("file-edit-not-utf8", file=rel) from exc
            try:
                data = _yaml().load(text.replace("\r\n", "\n"))
            except Exception as exc:  # ruamel's errors share no base class worth naming
                raise Refused(
                    "file-edit-yaml-unreadable", file=rel, detail=exc.__class__.__name__
                ) from exc
            if not isinstance(data, CommentedMap):
                raise Refused("file-edit-not-mapping", file=rel)
            self._layout[rel] = (raw.startswith(b"\xef\xbb\xbf"), b"\r\n" in raw)
            self._edited[rel] = data
        return self._edited[rel]

    def create(self, rel: str, data: Mapping[str, Any], *, comment: str | None = None) -> None:
        """A new record file ``rel`` holding ``data``; refused if the file exists."""
        if (self.repo / rel).exists() or rel in self._created or rel in self._texts:
            raise Refused("file-exists", file=rel)
        node = to_yaml_data(data)
        if comment:
            node.yaml_set_start_comment(comment)
        self._created[rel] = node

    def create_bytes(self, rel: str, payload: bytes) -> None:
        """A new non-YAML file (a PDF, a report) written with the others."""
        self._texts[rel] = payload

    def staging_folder(self, folder: str) -> Path:
        """A new hidden folder in ``folder`` (made if missing) where new files of that
        folder may be written beforehand, whole (:meth:`create_staged`); the change set
        removes it, and them, when written or discarded."""
        self._made[:0] = _make_folders(self.repo / folder)
        box = new_box(self.repo / folder, self._swept)
        self._boxes.append(box)
        return box

    def create_staged(self, rel: str, payload: bytes, staged: Path) -> None:
        """A new file ``rel`` holding ``payload``, already written as ``staged`` in a
        :meth:`staging_folder` of its folder: :meth:`write` only swaps it in."""
        self._texts[rel] = payload
        self._prestaged[rel] = staged

    def discard(self) -> None:
        """Remove what was written beforehand (:meth:`create_staged`), when the change set
        will not be written after all: the repository is as it was."""
        for box in self._boxes:  # Carnet's own fresh folders: whatever was written there
            shutil.rmtree(box, ignore_errors=True)
        _discard([], [], self._made)
        self._prestaged, self._boxes, self._made = {}, [], []

    def paths(self) -> list[str]:
        """Every path this change set writes, in order."""
        return [*self._created, *self._edited, *self._texts]

    def contents(self) -> dict[str, bytes]:
        """What :meth:`write` would write, by repository path (nothing is written)."""
        return dict(self._payloads())

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
            text = dump(data)
            bom, crlf = self._layout.get(rel, (False, False))
            if crlf:
                text = text.replace("\n", "\r\n")
            yield rel, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
        yield from self._texts.items()

    def write(self) -> list[str]:
        """Write every file (all or nothing) and return their repository paths.

        Each file is first written whole beside its target, then every one is swapped in.
        A file that replaces another is staged as ``.NAME.XXXX.tmp`` in its folder and
        keeps the permissions of the file it replaces; new files (thousands for an import)
        are staged together in one ``.carnet-new-XXXX`` folder per target folder, created
        with the usual permissions (no temporary name to draw nor mode to set per file).

        Raises :class:`~generator.problems.Refused` when a file cannot be written; nothing
        is changed then (not even a folder).
        """
        staged: list[tuple[Path, Path]] = []
        boxes: dict[Path, Path] = {}  # target folder -> its staging folder for new files
        made: list[Path] = []
        rel = ""
        try:
            for rel, payload in self._payloads():
                target = self.repo / rel
                if rel in self._prestaged:
                    staged.append((self._prestaged[rel], target))
                    continue
                if _is_new(target):
                    box = boxes.get(target.parent)
                    if box is None:
                        made += _make_folders(target.parent)
                        box = new_box(target.parent, self._swept)
                        boxes[target.parent] = box
                    tmp = box / f"{target.name}.tmp"
                    staged.append((tmp, target))
                    write_new(tmp, payload)
                    continue
                if target.exists() and not os.access(target, os.W_OK):
                    raise Refused("file-read-only", file=rel)
                made += _make_folders(target.parent)
                fd, name = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
                staged.append((Path(name), target))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.chmod(name, mode_for(target))
            rel = ""
            self._replaced = _swap_in(staged)
        except OSError as exc:
            _discard(staged, [*boxes.values(), *self._boxes], [*made, *self._made])
            shown = rel or (exc.filename and str(exc.filename)) or "?"
            raise Refused("file-write-failed", file=shown, detail=exc.strerror) from exc
        except BaseException:
            _discard(staged, [*boxes.values(), *self._boxes], [*made, *self._made])
            raise
        _discard([], [*boxes.values(), *self._boxes], [])  # empty now
        self._prestaged, self._boxes, self._made = {}, [], []
        return self.paths()

    def undo(self) -> None:
        """Put back what :meth:`write` replaced (a later step failed: all or nothing)."""
        for target, previous in reversed(self._replaced):
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(previous)  # the file written had the same permissions
        self._replaced = []


def mode_for(target: Path) -> int:
    """The permissions a written file gets: the file's own when it exists, else the usual
    ones for a new file (``tempfile`` makes its files private)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones created, deepest first."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return missing


def _is_new(target: Path) -> bool:
    """Is there nothing at all at ``target`` (not even a link)? A missing folder on the way
    counts as nothing; a file in the way of a folder is left for the writing to refuse."""
    try:
        os.lstat(target)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def write_new(tmp: Path | str, payload: bytes) -> None:
    """Write ``payload`` into the new file ``tmp``: the usual permissions (the umask's)."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _discard(staged: list[tuple[Path, Path]], boxes: list[Path], made: list[Path]) -> None:
    for tmp, _ in staged:
        with contextlib.suppress(OSError):  # one never made may not even be named (too long)
            tmp.unlink()
    for box in boxes:
        with contextlib.suppress(OSError):
            box.rmdir()
    for folder in sorted(made, key=lambda f: len(f.parts), reverse=True):  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


def _swap_in(staged: list[tuple[Path, Path]]) -> list[tuple[Path, bytes | None]]:
    """Replace each target by its staged file; on failure restore what was replaced.

    Returns each target with what it held before (``None``: it did not exist).
    """
    done: list[tuple[Path, bytes | None]] = []
    try:
        for tmp, target in staged:
            previous = read_output(target)  # a link (to /dev/zero…) is replaced, never read
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
    return done
