"""The one place Carnet starts git (DESIGN.md rule 9: read in bulk, a few processes).

* :func:`find_work_tree` — where the Carnet folder sits in its git work tree, found by
  reading ``.git`` as git does, without starting a process;
* :func:`read_status` — one ``git status --porcelain=v2 -z``: HEAD, uncommitted files,
  and which files of the cache folder git does not track;
* :meth:`Git.popen` — for :class:`generator.history.log.LogStream`, one ``git log --raw -z``
  over ``data/`` read by a thread while the caller works;
* :class:`BlobReader` — one long-lived ``git cat-file --batch``, asked in batches;
* :meth:`Git.call` — a command fed on its input, for :mod:`generator.history.committing`
  (the commits of the commands);
* :func:`resolve_revision` and :func:`archive` — ``--at``'s revision and its ``data/``.

A cold ``carnet validate`` of a repository with issued documents thus starts three git
processes (status, log, cat-file), and a warm one a single ``git status``.

Why raw processes rather than GitPython (which only ``carnet init`` uses): importing it
runs ``git version`` twice (seen with ``strace -f -e execve``), which alone would double the
processes of a warm ``validate``; and its persistent ``cat-file`` reader asks one object
per round trip: 8,732 blobs of a 2,000-commit history take 0.47 s through
``Repo.git.get_object_data``, 0.08 s written to one ``cat-file --batch`` 500 at a time
(``bench/generate.py --scale 0.1 --git-commits 2000``, same run).

Every path is ``-z`` (NUL-separated), so spaces and non-ASCII names need no unquoting.
Paths are returned relative to the Carnet directory (git's prefix is removed).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass
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
_BATCH = 500
"""Blob requests written at once: well under a pipe buffer, so writing never blocks."""


class Git:
    """Runs git in one directory and counts the processes it starts."""

    started = 0
    """Processes started by every runner of this process (tests hold Carnet to its word)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.calls = 0

    def popen(self, args: list[str], *, stdin: bool = False) -> subprocess.Popen[bytes]:
        """Start ``git ARGS`` with piped output (and input when asked)."""
        self.calls += 1
        Git.started += 1
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

    def call(
        self, args: list[str], data: bytes = b"", env: dict[str, str] | None = None
    ) -> tuple[int, bytes, str]:
        """Exit status, output and error text of ``git ARGS`` fed ``data`` on its input,
        in ``env`` (the process's environment when ``None``)."""
        self.calls += 1
        Git.started += 1
        done = subprocess.run(
            ["git", *_CONFIG, *args], cwd=self.repo, input=data, capture_output=True, env=env
        )
        return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class WorkTree:
    """Where the Carnet directory sits in its git work tree."""

    top: Path
    git_dir: Path
    """The work tree's own git directory (HEAD, index, a rebase in progress)."""
    common_dir: Path
    """The directory every worktree of the repository shares (objects, refs, shallow)."""
    prefix: str
    """The Carnet directory relative to ``top`` (``""`` or ``"sub/dir/"``)."""

    @property
    def shallow_file(self) -> Path:
        """The file listing a shallow clone's cut-off commits."""
        return self.common_dir / "shallow"

    @property
    def shallow(self) -> bool:
        """Is this a shallow clone?"""
        return self.shallow_file.is_file()

    @property
    def detached(self) -> bool:
        """Is HEAD on no branch?"""
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return not head.startswith("ref:")


_ENVIRONMENT = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES")


def find_work_tree(folder: Path) -> WorkTree | None:
    """The git work tree holding ``folder``, or ``None`` (no git program, not in a work
    tree, or inside a git directory).

    Read from the files as git finds them (the nearest ``.git`` folder, or ``.git`` file
    naming one, and its ``commondir``): no process. When the environment tells git where
    to look (``GIT_DIR``…), git itself is asked (one ``git rev-parse``).
    """
    if shutil.which("git") is None:
        return None
    if any(name in os.environ for name in _ENVIRONMENT):
        return _asked(folder)
    start = Path(os.path.realpath(folder))
    for top in (start, *start.parents):
        git_dir = _git_dir(top / ".git")
        if git_dir is None:
            continue
        if start == git_dir or git_dir in start.parents:
            return None  # inside .git: not a work tree
        common = git_dir
        with contextlib.suppress(OSError):
            named = (git_dir / "commondir").read_text(encoding="utf-8").strip()
            common = Path(os.path.realpath(git_dir / named))
        prefix = start.relative_to(top).as_posix()
        return WorkTree(top, git_dir, common, "" if prefix == "." else prefix + "/")
    return None


def _git_dir(dot_git: Path) -> Path | None:
    """The git directory ``.git`` is or names (``gitdir: …``), when it looks like one."""
    if dot_git.is_dir():
        found = dot_git
    elif dot_git.is_file():
        try:
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return None
        if not text.startswith("gitdir:"):
            return None
        found = dot_git.parent / text[len("gitdir:") :].strip()
    else:
        return None
    found = Path(os.path.realpath(found))
    return found if (found / "HEAD").is_file() else None


def _asked(folder: Path) -> WorkTree | None:
    out = Git(folder).run(
        [
            "rev-parse",
            "--is-inside-work-tree",
            "--show-toplevel",
            "--absolute-git-dir",
            "--git-common-dir",
            "--show-prefix",
        ]
    )
    lines = out.decode("utf-8", "surrogateescape").split("\n") if out else []
    if len(lines) < 5 or lines[0] != "true":
        return None
    git_dir = Path(lines[2])
    common = Path(os.path.realpath(Path(folder) / lines[3]))
    return WorkTree(Path(lines[1]), git_dir, common, lines[4])


def tracked_under(folder: Path, pathspecs: tuple[str, ...]) -> set[str]:
    """The files git tracks under ``pathspecs`` (relative to ``folder``), as paths
    relative to ``folder``; empty outside git. One ``git ls-files``: what a repository
    brought under ``build/`` or as ``.carnet-secrets.yaml`` is never trusted as Carnet's."""
    if find_work_tree(folder) is None:
        return set()
    out = Git(folder).run(["ls-files", "-z", "--", *pathspecs])  # paths relative to folder
    return {p for p in (out or b"").decode("utf-8", "surrogateescape").split("\0") if p}


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """An uncommitted file: HEAD blob (``None`` when new), paths, and its state."""

    path: str
    head_sha: str | None
    orig_path: str | None
    deleted: bool
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class Status:
    """What one ``git status`` says: HEAD, the uncommitted record files, and the files of
    the extra folders it was asked about that git does not track (untracked or ignored)."""

    head: str | None
    """HEAD's commit id (``None`` before the first commit)."""
    entries: list[StatusEntry]
    untracked: frozenset[str]


def read_status(git: Git, prefix: str, also: tuple[str, ...] = ()) -> Status | None:
    """HEAD's commit id and the uncommitted ``data/`` files; for the folders ``also``
    (``.carnet-cache``), which of their files git does not track."""
    out = git.run(
        [
            "--no-optional-locks",
            "status",
            "--porcelain=v2",
            "-z",
            "--branch",
            "--untracked-files=all",
            *(["--ignored=traditional"] if also else []),
            "--",
            "data",
            *also,
        ]
    )
    if out is None:
        return None
    head: str | None = None
    entries: list[StatusEntry] = []
    loose: set[str] = set()
    tokens = iter(out.decode("utf-8", "surrogateescape").split("\0"))
    for token in tokens:
        if token.startswith("# branch.oid "):
            oid = token[13:]
            head = None if oid == "(initial)" else oid
        elif token.startswith(("1 ", "2 ")):
            parts = token.split(" ", 9 if token[0] == "2" else 8)
            path = strip_prefix(parts[-1], prefix)
            orig = strip_prefix(next(tokens, ""), prefix) if token[0] == "2" else None
            head_sha = parts[6] if parts[6] != NULL_SHA else None
            if path.startswith("data/"):
                entries.append(StatusEntry(path, head_sha, orig, parts[5] == "000000"))
        elif token.startswith("u "):
            path = strip_prefix(token.split(" ", 10)[-1], prefix)
            entries.append(StatusEntry(path, None, None, False, conflict=True))
        elif token.startswith(("? ", "! ")):
            path = strip_prefix(token[2:], prefix)
            if path.startswith("data/") and token[0] == "?":
                entries.append(StatusEntry(path, None, None, False))
            elif not path.startswith("data/"):
                loose.add(path.rstrip("/"))
    return Status(head, entries, frozenset(loose))


def strip_prefix(path: str, prefix: str) -> str:
    """``path`` (relative to the work tree's top) relative to the Carnet folder."""
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


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
        """End the process: its input closed, it ends; if it does not within
        :data:`CLOSING_S` (a process forked since it started, a worker of a pool, holds
        its input open: git never sees the end of it), it is killed. It only reads."""
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=CLOSING_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


CLOSING_S = 5.0
"""How long a closed ``git cat-file --batch`` may take to end before it is killed."""


# --- time travel --------------------------------------------------------------------------


def resolve_revision(folder: Path, rev: str, *, day: bool) -> str | None:
    """The commit id of ``rev``, or ``None``; with ``day``, ``rev`` is a ``YYYY-MM-DD``
    and the commit is the last one of that day."""
    if rev.startswith("-"):
        return None  # never an option
    if day:
        args = ["rev-list", "-1", f"--before={rev} 23:59:59", "HEAD"]
    else:
        args = ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"]
    out = Git(folder).run(args)
    commit = (out or b"").decode("ascii", "replace").strip()
    return commit or None


def archive(folder: Path, commit: str, path: str) -> bytes | None:
    """A tar archive of ``path`` (``data``) as of ``commit``, or ``None``."""
    return Git(folder).run(["archive", "--format=tar", commit, "--", path])
