"""Progress of long commands: a rich progress bar on stderr when it is a terminal.

The library reports ``(step, done, total)`` through the :data:`generator.Progress`
callback a command gives it; this module words the step (catalogue texts
``progress-<step>``), draws the bar with a count, and ends it with one summary line.
Nothing is drawn when stderr is piped, when ``CI`` is set (build logs) or with
``--quiet``; a command given ``delay`` draws only once it has run that long (``validate``
is usually instant).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from generator import Progress
from generator.cli.common import Env
from generator.problems import CATALOGUE, text


def wanted(env: Env) -> bool:
    """Should progress be drawn: a terminal, not ``CI``, not ``--quiet``?"""
    return not env.quiet and not os.environ.get("CI") and sys.stderr.isatty()


def _silent(step: str, done: int, total: int | None) -> None:
    """The callback of a run that shows no progress."""


def step_words(step: str, lang: str | None) -> str:
    """« Lecture des fiches », « Pages »… for a step key (the key itself when unknown)."""
    code = f"progress-{step}"
    return text(code, lang) if code in CATALOGUE else step


@contextmanager
def progress(env: Env, *, delay: float = 0.0) -> Iterator[Progress]:
    """A :data:`~generator.Progress` callback for one command: a bar with the step and a
    count on a terminal, then one summary line (the last step, its count, the time)."""
    if not wanted(env):
        yield _silent
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    console = Console(stderr=True, highlight=False)
    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    started = time.monotonic()
    last: list[tuple[str, int, int | None]] = []
    tasks: list[TaskID] = []

    def report(step: str, done: int, total: int | None) -> None:
        changed = not last or last[0][0] != step or last[0][2] != total
        last[:] = [(step, done, total)]
        if not bar.live.is_started:
            if time.monotonic() - started < delay:
                return
            bar.start()
            changed = True
        if changed:  # a new step: its own count (rich keeps a task's total once set)
            for task in tasks:
                bar.remove_task(task)
            tasks[:] = [bar.add_task(step_words(step, env.lang), total=total)]
        bar.update(tasks[0], completed=done)

    try:
        yield report
    finally:
        if bar.live.is_started:
            bar.stop()
            step, done, total = last[0]
            seconds = f"{time.monotonic() - started:.1f}"
            if not env.en:
                seconds = seconds.replace(".", ",")
            console.print(
                text(
                    "progress-done",
                    env.lang,
                    step=step_words(step, env.lang),
                    done=done,
                    total=total,
                    counted="yes" if total else "no",
                    seconds=seconds,
                ),
                markup=False,
            )
