"""Reading a vCard file (2.1, 3.0, 4.0) with vobject: one row per card.

Each card becomes the cells of :data:`VCARD_COLUMNS` (civility, names, company, e-mail,
phones, address, categories, note), on the line its ``BEGIN:VCARD`` is; the lines
vobject cannot read are left out and told (:attr:`~.reading.Table.skipped`). The
file itself is opened by :func:`~generator.importers.reading.open_table`.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from typing import Any

from generator.problems import Refused

VCARD_COLUMNS = (
    "Civilité",
    "Prénom",
    "Nom",
    "Nom complet",
    "Société",
    "Fonction",
    "E-mail",
    "Téléphone",
    "Mobile",
    "Rue",
    "Code postal",
    "Ville",
    "Pays",
    "Centres d'intérêt",
    "Note",
)


class _Skipped(logging.Handler):
    """The line numbers vobject logs as it skips lines it cannot read."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = re.match(r"Skipped line (\d+)", record.getMessage())
        if found:
            self.lines.append(int(found[1]))


def read_cards(text: str, shown: str) -> tuple[list[Any], list[int]]:
    """The cards of a vCard file, and the lines left out (vobject logs them on stderr,
    in its words, when left to itself). Quoted-printable lines (vCard 2.1, Android)
    continue on the next line after a final ``=``."""
    import vobject

    logger = logging.getLogger("vobject.base")
    handlers, propagate = logger.handlers[:], logger.propagate
    skipped = _Skipped()
    logger.handlers, logger.propagate = [skipped], False
    try:
        cards = list(vobject.readComponents(io.StringIO(text), ignoreUnreadable=True, allowQP=True))
    except Exception as exc:  # vobject raises its own ParseError and plain ValueErrors
        raise Refused("import-file-unreadable", file=shown, detail=str(exc)[:80]) from exc
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    return cards, skipped.lines


def _value(card: object, name: str) -> str:
    """The first filled value of the property ``name`` (``EMAIL:`` may come empty)."""
    for item in getattr(card, "contents", {}).get(name, []):
        if isinstance(item.value, str) and item.value.strip():
            return item.value.strip()
    return ""


def _part(value: object, separator: str = " ") -> str:
    """A component of N or ADR: a text, or a list of them (« Jean,Pierre »: two given
    names) joined by ``separator``."""
    if isinstance(value, list | tuple):
        return separator.join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


def _phones(card: object) -> tuple[str, str]:
    phone = mobile = ""
    for tel in getattr(card, "contents", {}).get("tel", []):
        types = {t.lower() for t in tel.params.get("TYPE", [])}
        types |= {t.lower() for v in tel.params.get("TYPE", []) for t in v.split(",")}
        number = str(tel.value).removeprefix("tel:").strip()
        if "cell" in types and not mobile:
            mobile = number
        elif not phone:
            phone = number
    return phone, mobile


EXTENSION = "x-carnet-"
"""The prefix of the properties ``carnet export`` gives the firm's own fields."""


def extension_columns(cards: list[Any]) -> list[str]:
    """The firm's own fields the cards carry (``X-CARNET-SITUATION`` → ``situation``),
    in the order they first appear: more columns after :data:`VCARD_COLUMNS`."""
    found: dict[str, None] = {}
    for card in cards:
        for name in getattr(card, "contents", {}):
            if name.startswith(EXTENSION) and len(name) > len(EXTENSION):
                found.setdefault(name[len(EXTENSION) :].replace("-", "_"), None)
    return list(found)


def card_cells(card: object, extensions: Sequence[str] = ()) -> list[str]:
    """The cells of one vCard, in the order of :data:`VCARD_COLUMNS`, then of
    ``extensions`` (:func:`extension_columns`)."""
    contents = getattr(card, "contents", {})
    extra = [_value(card, EXTENSION + key.replace("_", "-")) for key in extensions]
    civility = first = last = ""
    if "n" in contents:
        name = contents["n"][0].value
        first, last, civility = _part(name.given), _part(name.family), _part(name.prefix)
    org = ""
    if "org" in contents:
        value = contents["org"][0].value
        org = (value[0] if isinstance(value, list) and value else str(value)).strip()
    street = postcode = city = country = ""
    if "adr" in contents:
        adr = contents["adr"][0].value
        street, postcode = _part(adr.street, ", "), _part(adr.code)
        city, country = _part(adr.city), _part(adr.country)
    email = _value(card, "email")
    phone, mobile = _phones(card)
    return [
        civility,
        first,
        last,
        _value(card, "fn"),
        org,
        _value(card, "title"),
        email,
        phone,
        mobile,
        street,
        postcode,
        city,
        country,
        ", ".join(_categories(card)),
        _value(card, "note"),
        *extra,
    ]


def _categories(card: object) -> list[str]:
    """The card's CATEGORIES (a list in vobject; a comma-separated text otherwise)."""
    found: list[str] = []
    for item in getattr(card, "contents", {}).get("categories", []):
        value = item.value
        found += [
            str(v).strip() for v in (value if isinstance(value, list) else str(value).split(","))
        ]
    return [v for v in found if v]
