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
from datetime import date
from decimal import Decimal
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


def _decimal(dumper: Any, value: Decimal) -> Any:
    """A number with decimals (a custom ``number`` field: « 12,5 »), written as YAML
    reads it back: ``12.5``."""
    if not value.is_finite() or value == value.to_integral_value():
        raise yaml.representer.RepresenterError("a whole or non-finite number", value)
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


class _Record(dict):  # type: ignore[type-arg]
    """A record's top-level mapping: one key per line, always (PyYAML would write a
    mapping of texts alone in flow style, ``{last_name: Durand, first_name: Zoé}``)."""


def _record(dumper: Any, value: _Record) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(_Record, _record)
_Dumper.add_representer(Decimal, _decimal)


def record_bytes(data: Mapping[str, Any], comment: str | None = None) -> bytes:
    """The YAML file of a new record holding ``data`` (``None`` values left out)."""
    plain = _Record((key, value) for key, value in data.items() if value is not None)
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


def reads_back(value: Any) -> bool:
    """Does :func:`record_bytes` of a record holding ``value`` read back
    (:func:`~generator.files.yamlstream.plain_mapping`) as ``value`` itself? Yes for text
    on one line, whole numbers, dates, and lists and mappings of them (``None`` values of
    a mapping are left out, as :func:`record_bytes` does); not for a number with
    decimals (read back as a ``Decimal``), a text on several lines (a literal block ends
    with a line break) or holding a conflict marker (such a file is read the long way)."""
    kind = type(value)
    if kind is str:
        return (
            "\n" not in value
            and "\r" not in value
            and "<<<<<<<" not in value
            and ">>>>>>>" not in value
        )
    if kind is int or kind is date:
        return True
    if kind is list:
        return all(reads_back(item) for item in value)
    if kind is dict:
        for key, item in value.items():
            if item is not None and not (type(key) is str and reads_back(key) and reads_back(item)):
                return False
        return True
    return False
