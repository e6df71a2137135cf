"""The README's ``console`` blocks as a tour: read them, run them, compare, rewrite.

A block is a fenced ```` ```console ```` code block (indented or not). Its lines that
start with ``$ `` are commands (a line ending with ``\\`` continues on the next); the
lines up to the next command are the output the README shows. An HTML comment on the
line before the fence (blank lines allowed) changes how the block runs:

- ``<!-- readme-test: skip (why) -->``: not run (``carnet serve`` runs until stopped);
- ``<!-- readme-test: fixture DIR (why) -->``: run in a fresh git repository holding a
  copy of ``DIR`` (relative to the Carnet checkout), e.g. the broken data of the
  ``carnet validate`` example; the tour's own repository is left as it is.

Every other block runs, in the order of the README, in one shell session that starts in
the Carnet checkout (see :class:`Shell`). In the outputs, two placeholders stand for what
differs from one run to the next: ``<commit>`` for a commit id of the repository, and
``<dépôt>`` for the absolute path of the repository. Trailing spaces are not compared.

A command that exits with a non-zero status fails the tour unless the next command of
its block is ``echo $?``, which shows the status.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import chdir
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from generator.cli.main import main

FENCE_OPEN = re.compile(r"^(?P<indent>\s*)```console\s*$")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")
MARKER = re.compile(r"^\s*<!--\s*readme-test:\s*(?P<kind>[a-z]+)\s*(?P<rest>.*?)\s*-->\s*$")
COMMIT = "<commit>"
REPO = "<dépôt>"
CRASHES = ("erreur inattendue", "unexpected error", "Traceback (most recent call last)")


@dataclass
class Command:
    """One ``$ …`` command of a block: its README lines, its text, the output shown."""

    source: list[str]
    """The README lines of the command (``$ `` line and continuations), verbatim."""
    expected: list[str] = field(default_factory=list)
    """The output lines the README shows (without the block's indentation)."""

    @property
    def text(self) -> str:
        """The command as the shell reads it (continuations joined)."""
        first, *rest = self.source
        lines = [first.strip()[2:], *(line.strip() for line in rest)]
        return " ".join(line.removesuffix("\\").rstrip() for line in lines)


@dataclass
class Block:
    """A ``console`` block: where it is in the README, its marker, its commands."""

    start: int
    """Index of the opening fence line."""
    end: int
    """Index of the closing fence line."""
    indent: str
    marker: str | None
    argument: str
    commands: list[Command]

    @property
    def line(self) -> int:
        """1-based line of the opening fence (for messages)."""
        return self.start + 1


def parse(text: str) -> list[Block]:
    """The ``console`` blocks of a Markdown text, in order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opened = FENCE_OPEN.match(lines[i])
        if not opened:
            i += 1
            continue
        indent = opened["indent"]
        end = i + 1
        while not FENCE_CLOSE.match(lines[end]):
            end += 1
        marker, argument = _marker_before(lines, i)
        blocks.append(
            Block(i, end, indent, marker, argument, _commands(lines[i + 1 : end], indent))
        )
        i = end + 1
    return blocks


def _marker_before(lines: list[str], fence: int) -> tuple[str | None, str]:
    j = fence - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    found = MARKER.match(lines[j]) if j >= 0 else None
    if found is None:
        return None, ""
    rest = found["rest"]
    argument = "" if rest.startswith("(") else rest.split()[0]
    return found["kind"], argument


def _commands(body: list[str], indent: str) -> list[Command]:
    commands: list[Command] = []
    k = 0
    while k < len(body):
        line = body[k].removeprefix(indent)
        if line.startswith("$ "):
            source = [body[k]]
            while body[k].rstrip().endswith("\\") and k + 1 < len(body):
                k += 1
                source.append(body[k])
            commands.append(Command(source))
        elif commands:
            commands[-1].expected.append(line.rstrip())
        else:
            raise ValueError(f"output before any command: {line!r}")
        k += 1
    for command in commands:
        while command.expected and not command.expected[-1]:
            command.expected.pop()
    return commands


def rewrite(text: str, outputs: dict[tuple[int, int], list[str]]) -> str:
    """``text`` with the output of each command replaced: ``outputs`` maps (index of the
    block's opening fence, index of the command in its block) to the new output lines."""
    lines = text.split("\n")
    result: list[str] = []
    position = 0
    for block in parse(text):
        result.extend(lines[position : block.start + 1])
        for index, command in enumerate(block.commands):
            result.extend(command.source)
            shown = outputs.get((block.start, index), command.expected)
            result.extend((block.indent + line).rstrip() if line else "" for line in shown)
        position = block.end
    result.extend(lines[position:])
    return "\n".join(result)


@dataclass
class Outcome:
    """What a command printed (normalised) and its exit status."""

    output: list[str]
    status: int


class Shell:
    """A small shell session for the README's commands.

    ``carnet …`` runs in-process through click's :class:`CliRunner` (fast), with its
    optional ``VAR=value`` prefixes, ``2>/dev/null`` (stdout only) and ``| head -N``.
    ``cd DIR``, ``export VAR=value`` and ``echo $?`` are built in; ``&&`` chains; any
    other command runs in ``bash`` (with the virtual environment's ``carnet`` first on
    the ``PATH``) in the session's folder and environment.
    """

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd = cwd
        self.env = dict(env)
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        self.status = 0
        self.runner = CliRunner()

    def run(self, text: str) -> Outcome:
        """Run one README command; its output (stdout and stderr as a terminal shows
        them) normalised, and its status."""
        output: list[str] = []
        for source, words in _and_list(text):
            lines, self.status = self._segment(source, words)
            output.extend(lines)
            if self.status != 0:
                break
        return Outcome(self._normalise(output), self.status)

    def _segment(self, source: str, tokens: list[str]) -> tuple[list[str], int]:
        if not tokens:
            return [], 0
        if tokens == ["echo", "$?"]:
            return [str(self.status)], 0
        if tokens[0] == "cd" and len(tokens) == 2:
            self.cwd = (self.cwd / _home(tokens[1], self.env)).resolve()
            return [], 0
        if tokens[0] == "export" and all("=" in t for t in tokens[1:]):
            self.env.update(t.split("=", 1) for t in tokens[1:])
            return [], 0
        inline = _inline_carnet(tokens)
        if inline is not None:
            return self._carnet(*inline)
        done = subprocess.run(
            ["bash", "-c", source],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        return (done.stdout + done.stderr).splitlines(), done.returncode

    def _carnet(
        self, assigned: dict[str, str], args: list[str], quiet_stderr: bool, head: int | None
    ) -> tuple[list[str], int]:
        env: dict[str, str | None] = {k: None for k in os.environ if k not in self.env}
        env.update(self.env)
        env.update(assigned)
        with chdir(self.cwd):
            result = self.runner.invoke(main, args, env=env, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        lines = (result.stdout if quiet_stderr else result.output).splitlines()
        if head is not None:  # the status of a pipeline is its last command's
            return lines[:head], 0
        return lines, result.exit_code

    def _normalise(self, lines: list[str]) -> list[str]:
        commits = _commits(self.cwd)
        places = {str(self.cwd), str(self.cwd.resolve())}

        def commit(match: re.Match[str]) -> str:
            word = match[0]
            if not any(full.startswith(word) for full in commits):
                return word
            return COMMIT.ljust(len(word))

        out = []
        for line in lines:
            for place in sorted(places, key=len, reverse=True):
                line = line.replace(place, REPO)
            out.append(re.sub(r"\b[0-9a-f]{7,40}\b", commit, line).rstrip())
        while out and not out[-1]:
            out.pop()
        return out


def _and_list(text: str) -> Iterator[tuple[str, list[str]]]:
    """The commands of an ``&&`` list: each one's text and its words (``#`` comments and
    quotes removed; ``|``, ``>``, ``<`` and ``&`` are words of their own)."""
    quote = ""
    start = 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif text.startswith("&&", i) and not text.startswith("&&", i - 1):
            yield text[start:i], _words(text[start:i])
            start = i + 2
    yield text[start:], _words(text[start:])


def _words(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars="&|<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def _inline_carnet(
    tokens: list[str],
) -> tuple[dict[str, str], list[str], bool, int | None] | None:
    """(``VAR=value`` prefixes, carnet's arguments, stderr dropped, ``head`` count) when
    the segment is a carnet command this module runs in-process; else None."""
    assigned: dict[str, str] = {}
    rest = list(tokens)
    while rest and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", rest[0]):
        name, value = rest.pop(0).split("=", 1)
        assigned[name] = value
    if not rest or rest[0] != "carnet":
        return None
    head = None
    if len(rest) >= 3 and rest[-3] == "|" and rest[-2] == "head" and rest[-1].startswith("-"):
        head = int(rest[-1][1:])
        rest = rest[:-3]
    quiet = rest[-3:] == ["2", ">", "/dev/null"]
    if quiet:
        rest = rest[:-3]
    if any(t in {"|", ">", "<", ">>", "&", "||", ";"} for t in rest):
        return None
    return assigned, rest[1:], quiet, head


def _home(path: str, env: dict[str, str]) -> str:
    return env["HOME"] + path[1:] if path.startswith("~") else path


def _commits(cwd: Path) -> list[str]:
    if shutil.which("git") is None:
        return []
    done = subprocess.run(
        ["git", "rev-list", "--all"], cwd=cwd, capture_output=True, text=True, check=False
    )
    return done.stdout.split() if done.returncode == 0 else []
