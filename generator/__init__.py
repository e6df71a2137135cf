"""Carnet: a CRM and light ERP whose data is a git repository of YAML files."""

__version__ = "0.2.0"

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

Progress = Callable[[str, int, "int | None"], None]
"""How long work says where it is: ``(step, done, total)``. The step is a key (``parse``,
``pages``, ``documents``…) that the command line puts into words, ``total`` is ``None``
when unknown. Targets never print: the command line gives them this callback (DESIGN.md
"Command-line conventions": a progress bar on a terminal, nothing when piped)."""


def packaged_data(
    source: Path, parse: Callable[[bytes], Any], *, kept_in: Path | None = None
) -> Any:
    """The data ``parse`` makes of the file ``source`` (a catalogue of texts, Babel's
    grammar), parsed once per content: kept as JSON in ``kept_in`` (``__pycache__``
    beside ``source`` by default), named by its digest as Python keeps its bytecode.
    JSON is read ten times faster than YAML or Babel's locale data, and never runs
    anything. A folder that cannot be written only means parsing each time."""
    raw = source.read_bytes()
    key = hashlib.blake2b(raw, digest_size=12).hexdigest()
    folder = kept_in or source.parent / "__pycache__"
    kept = folder / f"{source.parent.name}.{source.name}.{key}.json"
    try:
        return json.loads(kept.read_bytes())
    except (OSError, ValueError):
        pass
    data = parse(raw)
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob(f"{source.parent.name}.{source.name}.*.json"):
            old.unlink(missing_ok=True)
        temporary = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, kept)
    except OSError:
        pass
    return data
