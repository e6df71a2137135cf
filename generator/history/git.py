"""Reading git in bulk (DESIGN.md rule 9): a handful of processes, whatever the history.

* :func:`probe` — one ``git rev-parse``: is this a work tree, where is it inside it;
* :func:`read_status` — one ``git status --porcelain=v2 -z``: HEAD and uncommitted files;
* :class:`LogStream` — one ``git log --raw -z`` over ``data/``, read by a thread while the
  caller works, so that git and Python run side by side;
* :class:`BlobReader` — one long-lived ``git cat-file --batch``, asked in batches.

Every path is ``-z`` (NUL-separated), so spaces and non-ASCII names need no unquoting.
Paths are returned relative to the Carnet directory (git's prefix is removed).
"""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

NULL_SHA = "0" * 40
_CONFIG = (
    "-c",
    "log.showSignature=false",
    "-c",
    "log.follow=false",
    "-c",
    "core.quotePath=false",
    "-c",
    "color.ui=false",
    "-c",
    "log.showRoot=true",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
)
"""Settings a user's configuration must not change for us."""
_HEADER = "%x01%H%x00%aN%x00%aE%x00%aI%x00%s"
_REGULAR = ("100644", "100755")
_BATCH = 500
"""Blob requests written at once: well under a pipe buffer, so writing never blocks."""


class Git:
    """Runs git in one directory and counts the processes it starts."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.calls = 0

    def popen(self, args: list[str], *, stdin: bool = False) -> subprocess.Popen[bytes]:
        """Start ``git ARGS`` with piped output (and input when asked)."""
        self.calls += 1
        return subprocess.Popen(
            ["git", *_CONFIG, *args],
            cwd=self.repo,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def run(self, args: list[str]) -> bytes | None:
        """Output of ``git ARGS``, or ``None`` when it fails (or git is missing)."""
        try:
            proc = self.popen(args)
        except OSError:
            return None
        out, _ = proc.communicate()
        return out if proc.returncode == 0 else None


@dataclass(frozen=True, slots=True)
class Probe:
    """Where the Carnet directory sits in its git work tree."""

    prefix: str
    shallow: bool
    shallow_file: Path


def probe(git: Git) -> Probe | None:
    """The work tree facts, or ``None`` when ``git.repo`` is not in a work tree."""
    out = git.run(
        [
            "rev-parse",
            "--is-inside-work-tree",
            "--show-prefix",
            "--is-shallow-repository",
            "--git-path",
            "shallow",
        ]
    )
    if out is None:
        return None
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 4 or lines[0] != "true":
        return None
    return Probe(lines[1], lines[2] == "true", git.repo / lines[3])


@dataclass(frozen=True, slots=True)
class FileChange:
    """One line of ``git log --raw``: status letter, blob ids, paths (old, new)."""

    status: str
    old_sha: str
    new_sha: str
    old_path: str
    new_path: str
    old_regular: bool = True
    new_regular: bool = True


@dataclass(slots=True)
class RawCommit:
    """A commit as ``git log`` lists it, with the files it changed under ``data/``."""

    id: str
    author: str
    email: str
    when: datetime
    subject: str
    files: list[FileChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """An uncommitted file: HEAD blob (``None`` when new), paths, and its state."""

    path: str
    head_sha: str | None
    orig_path: str | None
    deleted: bool
    conflict: bool = False


def read_status(git: Git, prefix: str) -> tuple[str | None, list[StatusEntry]] | None:
    """HEAD's commit id (``None`` before the first commit) and uncommitted ``data/`` files."""
    out = git.run(
        [
            "--no-optional-locks",
            "status",
            "--porcelain=v2",
            "-z",
            "--branch",
            "--untracked-files=all",
            "--",
            "data",
        ]
    )
    if out is None:
        return None
    head: str | None = None
    entries: list[StatusEntry] = []
    tokens = iter(out.decode("utf-8", "surrogateescape").split("\0"))
    for token in tokens:
        if token.startswith("# branch.oid "):
            oid = token[13:]
            head = None if oid == "(initial)" else oid
        elif token.startswith(("1 ", "2 ")):
            parts = token.split(" ", 9 if token[0] == "2" else 8)
            path = _strip(parts[-1], prefix)
            orig = _strip(next(tokens, ""), prefix) if token[0] == "2" else None
            head_sha = parts[6] if parts[6] != NULL_SHA else None
            entries.append(StatusEntry(path, head_sha, orig, parts[5] == "000000"))
        elif token.startswith("u "):
            path = _strip(token.split(" ", 10)[-1], prefix)
            entries.append(StatusEntry(path, None, None, False, conflict=True))
        elif token.startswith("? "):
            entries.append(StatusEntry(_strip(token[2:], prefix), None, None, False))
    return head, entries


def _strip(path: str, prefix: str) -> str:
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


class LogStream:
    """One ``git log --first-parent -m --raw -z -M`` over ``data/``, newest commit first.

    Merges are diffed against their first parent: the history is the main line's, a
    chain of states where each change's "before" is the previous change's "after".
    """

    def __init__(self, git: Git, prefix: str, start: str = "HEAD") -> None:
        if start.startswith("-"):
            raise ValueError(f"not a revision: {start!r}")
        self.prefix = prefix
        self.proc = git.popen(
            [
                "log",
                "--first-parent",
                "-m",
                "--raw",
                "-z",
                "-M",
                "--no-abbrev",
                "--no-color",
                "--no-ext-diff",
                f"--format={_HEADER}",
                start,
                "--",
                "data",
            ]
        )
        self._chunks: queue.Queue[bytes] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while chunk := stdout.read1(1 << 20):
            self._chunks.put(chunk)
        self._chunks.put(b"")

    def batches(self, size: int = 256) -> Iterator[list[RawCommit]]:
        """Complete commits in batches of about ``size`` (fewer blob round trips)."""
        pending: list[RawCommit] = []
        for commits in self._commits():
            pending += commits
            if len(pending) >= size:
                yield pending
                pending = []
        if pending:
            yield pending

    def _chunk(self) -> tuple[bytes, bool]:
        """What git has written since the last call (waits for some), and whether it ended."""
        parts = [self._chunks.get()]
        while parts[-1] and not self._chunks.empty():
            parts.append(self._chunks.get_nowait())
        return b"".join(parts), not parts[-1]

    def _commits(self) -> Iterator[list[RawCommit]]:
        rest = b""
        current: RawCommit | None = None
        done = False
        while not done:
            chunk, done = self._chunk()
            tokens = (rest + chunk).split(b"\0")
            rest = b"" if done else tokens.pop()
            found: list[RawCommit] = []
            i, count = 0, len(tokens)
            while i < count:
                token = tokens[i].lstrip(b"\n")
                if token.startswith(b"\x01"):
                    if i + 4 >= count:  # a header cut by the chunk: wait for the rest
                        break
                    if current is not None:
                        found.append(current)
                    name, email, when, subject = (
                        t.decode("utf-8", "replace") for t in tokens[i + 1 : i + 5]
                    )
                    current = RawCommit(
                        token[1:].decode(), name, email, datetime.fromisoformat(when), subject
                    )
                    i += 5
                elif token.startswith(b":"):
                    fields = token[1:].decode().split(" ")
                    status = fields[4][:1]
                    paths = 2 if status in "RC" else 1
                    if i + paths >= count:
                        break
                    old, new = tokens[i + 1], tokens[i + paths]
                    if current is not None:
                        current.files.append(
                            FileChange(
                                status,
                                fields[2],
                                fields[3],
                                self._path(old),
                                self._path(new),
                                fields[0] in _REGULAR,
                                fields[1] in _REGULAR,
                            )
                        )
                    i += 1 + paths
                else:
                    i += 1
            if i < count and not done:
                rest = b"\0".join([*tokens[i:], rest])
            if done and current is not None:
                found.append(current)
            yield found

    def _path(self, token: bytes) -> str:
        return _strip(token.decode("utf-8", "surrogateescape"), self.prefix)

    def close(self) -> None:
        """Stop git (when the rest of the history is known already) and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._thread.join(timeout=5)


class BlobReader:
    """One ``git cat-file --batch``, started on first use, asked many objects at a time."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self.proc: subprocess.Popen[bytes] | None = None

    def fetch(self, names: list[str]) -> dict[str, bytes | None]:
        """Content of each object (a blob id or ``rev:path``); ``None`` when missing."""
        found: dict[str, bytes | None] = {}
        if not names:
            return found
        if self.proc is None:
            self.proc = self.git.popen(["cat-file", "--batch"], stdin=True)
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        for start in range(0, len(names), _BATCH):
            chunk = names[start : start + _BATCH]
            stdin.write(b"".join(n.encode("utf-8", "surrogateescape") + b"\n" for n in chunk))
            stdin.flush()
            for name in chunk:
                header = stdout.readline().split()
                if len(header) == 3 and header[1] == b"blob":
                    found[name] = stdout.read(int(header[2]) + 1)[:-1]
                elif len(header) == 3:  # not a blob (a tree named by rev:path): skip it
                    stdout.read(int(header[2]) + 1)
                    found[name] = None
                else:
                    found[name] = None
        return found

    def close(self) -> None:
        """End the process."""
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait()
            self.proc = None
