"""Carnet: a CRM and light ERP whose data is a git repository of YAML files."""

__version__ = "0.2.0"

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
"""How long work says where it is: ``(step, done, total)``. The step is a key (``parse``,
``pages``, ``documents``…) that the command line puts into words, ``total`` is ``None``
when unknown. Targets never print: the command line gives them this callback (DESIGN.md
"Command-line conventions": a progress bar on a terminal, nothing when piped)."""
