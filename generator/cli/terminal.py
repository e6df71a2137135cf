"""Data shown in a terminal table: never markup, never an escape sequence.

Rich reads ``[bold]``, ``[link=…]`` as markup in plain strings, and a terminal obeys the
control characters a record, a git author or a commit may hold; a :func:`cell` is inert
text with those characters escaped (:func:`generator.problems.printable`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.problems import printable

if TYPE_CHECKING:
    from rich.text import Text


def cell(value: object, style: str = "") -> Text:
    """``value`` as inert rich text: no markup read, control characters escaped (rich is
    imported by the first table, not by every command that may print one)."""
    from rich.text import Text

    return Text(printable(str(value)), style=style)
