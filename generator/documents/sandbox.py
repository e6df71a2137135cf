"""The bounds of the sandbox user templates run in (``carnet merge``).

Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment` keeps a template from reaching
Python's internals, not from exhausting the machine: ``{{ "x" * 4000000000 }}`` asks for
4 GB, two nested ``range(100000)`` loops never end, a macro calling itself recurses
until Python gives up. So a template is compiled and rendered in a child process
(:func:`run_bounded`) under limits the kernel enforces — processor time
(:data:`CPU_SECONDS`, then killed), address space (:data:`MEMORY` more than the parent
uses) — and in an environment (:class:`BoundedSandbox`) that refuses early, at the
template's line, what is sure to be too big: a repeated text or list longer than
:data:`MAX_LENGTH`, a power with an exponent above :data:`MAX_EXPONENT`, an output longer
than :data:`MAX_OUTPUT`. Intercepting ``*`` and ``**`` also stops Jinja2 from computing
such constants while it compiles. What a template may read is bounded too: only
``data/templates/``, by the one rule for paths records name (:class:`ConfinedLoader`).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from jinja2 import BaseLoader, Environment, Template, TemplateNotFound
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from generator.files.sources import resolve_in_folder

TEMPLATES = "data/templates"
"""The folder of the user's templates (and of everything they include)."""
MAX_LENGTH = 1_000_000
"""Longest text or list a template may build by repetition (``*``)."""
MAX_EXPONENT = 10_000
"""Largest exponent of ``**`` (``10 ** 10 ** 10`` would take the processor for hours)."""
MAX_OUTPUT = 2_000_000
"""Most characters a template may render (a letter or a certificate is a few thousand)."""
CPU_SECONDS = 2.0
"""Processor time a template may take to compile and render."""
MEMORY = 1 << 30
"""Address space a render may take on top of what the process had (1 GiB)."""

T = TypeVar("T")


class SandboxLimit(SecurityError):
    """A template went past one of the sandbox's bounds (raised at its line)."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr = fr
        self.en = en

    def detail(self, lang: str) -> str:
        """What was refused, in ``lang``."""
        return self.en if lang.startswith("en") else self.fr


def too_long() -> SandboxLimit:
    """The refusal of a text, list or output longer than the bounds."""
    return SandboxLimit(
        f"résultat de plus de {MAX_LENGTH:,} éléments ou sortie de plus de "
        f"{MAX_OUTPUT:,} caractères".replace(",", " "),
        f"a result of more than {MAX_LENGTH:,} items or an output of more than "
        f"{MAX_OUTPUT:,} characters",
    )


def out_of_time() -> SandboxLimit:
    """The refusal of a template that takes too long."""
    return SandboxLimit(
        f"le modèle a pris plus de {CPU_SECONDS:g} s de calcul (boucle sans fin ?)",
        f"the template took more than {CPU_SECONDS:g} s of processor time (endless loop?)",
    )


def out_of_memory() -> SandboxLimit:
    """The refusal of a template that asks for too much memory."""
    return SandboxLimit(
        "le modèle demande trop de mémoire", "the template asks for too much memory"
    )


def too_deep() -> SandboxLimit:
    """The refusal of a template whose macros or includes recurse without end."""
    return SandboxLimit(
        "récursion trop profonde (une macro ou un include qui s'appelle lui-même ?)",
        "recursion too deep (a macro or an include calling itself?)",
    )


def as_limit(exc: BaseException) -> SandboxLimit | None:
    """The sandbox refusal an exception of a render stands for, if any."""
    if isinstance(exc, SandboxLimit):
        return exc
    if isinstance(exc, MemoryError):
        return out_of_memory()
    if isinstance(exc, RecursionError):
        return too_deep()
    return None


class BoundedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox where ``*`` and ``**`` are checked before they run (and never
    computed at compile time)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``left <operator> right``, refused (:class:`SandboxLimit`) when too big."""
        if operator == "*" and any(
            isinstance(sequence, str | list | tuple)
            and isinstance(times, int)
            and len(sequence) * max(times, 0) > MAX_LENGTH
            for sequence, times in ((left, right), (right, left))
        ):
            raise too_long()
        trivial = isinstance(left, int | float) and abs(left) <= 1  # 1 ** n stays 1
        if operator == "**" and isinstance(right, int) and right > MAX_EXPONENT and not trivial:
            raise too_long()
        return super().call_binop(context, operator, left, right)


def render_text(template: Template, context: dict[str, Any]) -> str:
    """The text of ``template`` with ``context``, refused (at the line being rendered)
    once it grows past :data:`MAX_OUTPUT` characters."""
    parts: list[str] = []
    size = 0
    stream = template.generate(context)
    for part in stream:
        parts.append(part)
        size += len(part)
        if size > MAX_OUTPUT:
            stream.throw(too_long())  # raised inside the template: its line is known
    return "".join(parts)


def run_bounded(work: Callable[[], T], *, on_limit: Callable[[SandboxLimit], T]) -> T:
    """``work()`` run in a child process under :data:`CPU_SECONDS` of processor time and
    :data:`MEMORY` more address space; its result (plain JSON data: nothing the child
    sends back can build an object) comes back through a pipe.

    Inside ``work``, going past the time raises :func:`out_of_time` where the child is
    (``work`` turns it into its own result); a bound passed elsewhere, or a child the
    kernel had to kill (or that never answered), gives ``on_limit(…)``. Any other
    exception ``work`` lets through is raised here as a ``RuntimeError`` naming it. Where
    processes cannot be forked, ``work()`` runs here, with the sandbox's own bounds only.
    """
    if not hasattr(os, "fork"):
        return work()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        _child(work, write)
    os.close(write)
    try:
        data, finished = _collect(read, time.monotonic() + CPU_SECONDS * 3 + 10)
    finally:
        os.close(read)
    if not finished:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if not finished:
        return on_limit(out_of_time())
    if not data:  # killed by the kernel: past its processor time, or out of memory
        timed_out = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
        return on_limit(out_of_time() if timed_out else out_of_memory())
    answer = json.loads(data)
    if "limit" in answer:
        return on_limit(SandboxLimit(*answer["limit"]))
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer["result"]  # type: ignore[no-any-return]


def _collect(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything written to ``fd`` until it closes, and whether it closed in time."""
    chunks = []
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
    return b"".join(chunks), False


def _child(work: Callable[[], Any], write: int) -> None:
    """Run ``work`` under the limits, send its result through ``write``, exit."""
    code = 0
    try:
        _limit()
        try:
            answer: dict[str, Any] = {"result": work()}
        except Exception as exc:  # handed over to the parent, as plain text
            limit = as_limit(exc)
            if limit is not None:
                answer = {"limit": [limit.fr, limit.en]}
            else:
                answer = {"error": f"{type(exc).__name__}: {exc}"}
        signal.setitimer(signal.ITIMER_PROF, 0)
        payload = json.dumps(answer).encode("utf-8")
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


def _limit() -> None:
    """Processor time and address space of this (child) process, bounded."""
    import resource

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise out_of_time()

    signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, CPU_SECONDS)
    hard = int(CPU_SECONDS) + 3  # the kernel's own stop, should the signal go unheard
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    with contextlib.suppress(ValueError, OSError):
        size = _address_space()
        if size:
            resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY, size + MEMORY))


def _address_space() -> int:
    """This process's address space in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class TemplateOutside(SecurityError):
    """A template, include, import or parent that leads outside ``data/templates/``."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} leads outside {TEMPLATES}/")
        self.name = name

    def detail(self, lang: str) -> str:
        """What was refused, in ``lang``."""
        if lang.startswith("en"):
            return f"'{self.name}' leads outside {TEMPLATES}/"
        return f"« {self.name} » mène hors de {TEMPLATES}/"


class ConfinedLoader(BaseLoader):
    """Templates of the repository folder ``folder`` (``data/templates`` or one of its
    folders) only, each found by :func:`generator.files.sources.resolve_in_folder` before
    it is read: a link in ``data/templates/`` to ``/etc``, to ``.git`` or to the
    repository leads nowhere, and no hidden file is ever read."""

    def __init__(self, repo: Path, folder: str) -> None:
        self.repo = repo
        self.folder = folder

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The text of ``template``; :class:`TemplateOutside` if it leads out."""
        pieces = split_template_path(template)  # refuses ".."
        rel = "/".join((self.folder, *pieces))
        real = resolve_in_folder(self.repo, TEMPLATES, rel)
        if real is None or any(piece.startswith(".") for piece in pieces):
            raise TemplateOutside(template)
        if not real.is_file():
            raise TemplateNotFound(template)
        return real.read_text(encoding="utf-8"), str(self.repo / rel), lambda: True
