"""The state shared by the generators: random source, dates, ids and written files."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

BASE_COUNTS = {
    "companies": 2000,
    "contacts": 6000,
    "projects": 200,
    "interactions": 50000,
    "products": 300,
    "movements": 5000,
}


@dataclass
class Company:
    """What other records need to know about a generated company."""

    id: str
    name: str
    kind: str
    zone: str
    domain: str
    contacts: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)


@dataclass
class World:
    """Everything generated so far; `files` maps a POSIX path to its text."""

    rng: random.Random
    scale: float
    today: dt.date
    first_day: dt.date
    files: dict[str, str] = field(default_factory=dict)
    companies: list[Company] = field(default_factory=list)
    contact_company: dict[str, str | None] = field(default_factory=dict)
    projects: dict[str, list[str]] = field(default_factory=dict)
    products: dict[str, dict[str, object]] = field(default_factory=dict)
    purchases: list[str] = field(default_factory=list)
    editable: list[str] = field(default_factory=list)
    seeded: list[tuple[str, str]] = field(default_factory=list)
    used_ids: dict[str, set[str]] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        """How many records of `kind` the current scale asks for."""
        return max(1, round(BASE_COUNTS[kind] * self.scale))

    def unique_id(self, kind: str, base: str) -> str:
        """`base`, or `base-2`, `base-3`… so that ids stay unique within `kind`."""
        used = self.used_ids.setdefault(kind, set())
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        return candidate

    def random_day(self, start: dt.date | None = None, end: dt.date | None = None) -> dt.date:
        """A uniformly drawn day between `start` and `end` (inclusive)."""
        start = start or self.first_day
        end = end or self.today
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))
