"""New record files written fast: PyYAML's C emitter, in the layout of FORMAT.md.

:class:`generator.files.edits.ChangeSet` writes edits through ruamel.yaml, which keeps a
file's comments and order but costs milliseconds a file; a command that creates
thousands of records at once (``carnet import``) writes them with this instead. Carnet
reads YAML 1.1 with PyYAML, and this writes YAML 1.1 with PyYAML: a text that would read
as a number, a date or a boolean (``"01000"``, ``"on"``) is quoted. Collections of
scalars go in flow style (``address: {street: …, postcode: '69002'}``), a text over
several lines in a literal block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc,valid-type]
    pass


_NUMBER_LIKE = re.compile(r"[0-9][0-9 +.\-]*")


def _text(dumper: Any, value: str) -> Any:
    if "\n" in value:  # a block ends with its newline, as ChangeSet writes it
        text = value.rstrip("\n") + "\n"
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    if _NUMBER_LIKE.fullmatch(value):  # phones, postcodes, SIRET: quoted as FORMAT.md asks
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _text)


def record_bytes(data: Mapping[str, Any], comment: str | None = None) -> bytes:
    """The YAML file of a new record holding ``data`` (``None`` values left out)."""
    plain = {key: value for key, value in data.items() if value is not None}
    text = yaml.dump(
        plain,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )
    if comment:
        text = f"# {comment}\n{text}"
    return text.encode("utf-8")
