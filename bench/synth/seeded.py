"""A dozen deliberate errors, each of a different kind, recorded with their file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from synth.world import World

INTER = "data/interactions/"
UNQUOTED_ADDRESS = (
    "address: {street: 4 rue Bourgmayer, postcode: 01000, city: Bourg-en-Bresse, country: FR}"
)


class _NoCandidate(LookupError):
    """No generated record fits this error (tiny scales)."""


def _pick(world: World, prefix: str, test: Callable[[str], bool] = lambda _t: True) -> str:
    """A random editable file under `prefix` whose text passes `test`; no longer editable."""
    candidates = [p for p in world.editable if p.startswith(prefix) and test(world.files[p])]
    if not candidates:
        raise _NoCandidate(prefix)
    path = world.rng.choice(candidates)
    world.editable.remove(path)
    return path


def _sub(world: World, path: str, pattern: str, repl: str, what: str) -> None:
    text, count = re.subn(pattern, repl, world.files[path], count=1, flags=re.M)
    assert count == 1, (path, pattern)
    world.files[path] = text
    world.seeded.append((path, what))


def _typo(world: World, cid: str) -> str:
    known = {c.id for c in world.companies}
    for i in range(len(cid) // 2, len(cid)):
        candidate = cid[:i] + cid[i + 1 :]
        if cid[i] != "-" and candidate not in known and not candidate.endswith("-"):
            return candidate
    return cid + "x"


def _unknown_company(world: World) -> None:
    path = _pick(world, INTER, lambda t: "\ncompany: " in t and not t.startswith("kind: project"))
    cid = re.search(r"^company: (\S+)$", world.files[path], re.M)[1]  # type: ignore[index]
    world.files[path] = re.sub(r"^(contact|project): .*\n", "", world.files[path], flags=re.M)
    typo = _typo(world, cid)
    _sub(world, path, r"^company: .*$", f"company: {typo}", f"unknown company {typo!r} ({cid})")


def _wrong_stage(world: World) -> None:
    path = _pick(world, INTER, lambda t: t.startswith("kind: sale"))
    stage = "Achat - 3 - Devis reçu"
    _sub(world, path, r"^type: .*$", f'type: "{stage}"', f"sale with purchase stage {stage!r}")


def _positive_purchase(world: World) -> None:
    path = _pick(world, INTER, lambda t: t.startswith("kind: purchase") and "budget: -" in t)
    _sub(world, path, r"^budget: -", "budget: ", "purchase with a positive budget")


def _unknown_user(world: World) -> None:
    path = _pick(world, INTER, lambda t: "\nuser: benoit\n" in t)
    _sub(world, path, r"^user: benoit$", "user: bnoit", "unknown user 'bnoit'")


def _bad_state(world: World) -> None:
    path = _pick(world, INTER)
    _sub(world, path, r"^state: .*$", "state: fini", "state 'fini' is not open/in_progress/done")


def _impossible_date(world: World) -> None:
    path = _pick(world, f"{INTER}2026/", lambda t: not t.startswith("kind: purchase"))
    _sub(world, path, r"^date: .*$", "date: 2026-02-30", "impossible date 2026-02-30")


def _unknown_key(world: World) -> None:
    path = _pick(world, INTER, lambda t: "\nbudget: " in t)
    _sub(world, path, r"^budget:", "budjet:", "unknown key 'budjet' (typo of budget)")


def _duplicate_id(world: World) -> None:
    path = _pick(world, INTER)
    folder, name = path.rsplit("/", 2)[1:]
    copy = f"{INTER}{'2019' if folder != '2019' else '2020'}/{name}"
    world.files[copy] = world.files[path]
    world.seeded.append((copy, f"duplicate interaction id {name[:-5]!r} (also {path})"))


def _bad_siret(world: World) -> None:
    path = _pick(world, "data/companies/", lambda t: "\nsiret: " in t)
    siret = re.search(r'^siret: "(\d+)"$', world.files[path], re.M)[1]  # type: ignore[index]
    bad = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    _sub(world, path, r"^siret: .*$", f'siret: "{bad}"', f"SIRET {bad} fails Luhn")


def _unquoted_postcode(world: World) -> None:
    path = _pick(world, "data/companies/")
    what = "unquoted postcode 01000 (read as a number)"
    _sub(world, path, r"^address: .*$", UNQUOTED_ADDRESS, what)


def _syntax_error(world: World) -> None:
    # A private person: no other record refers to it, so nothing cascades.
    path = _pick(
        world, "data/contacts/", lambda t: "\ninterests:" not in t and "\ncompany:" not in t
    )
    what = "YAML syntax error: unclosed flow sequence"
    _sub(world, path, r"^(last_name: .*)$", r"\1\ninterests: [client auto, prospect auto", what)


def seed_errors(world: World) -> None:
    """Alter a few generated records (and add two movements) so `validate` must complain.

    Each error sits in a record nothing else depends on, so none cascades; an error
    with no fitting record (tiny scales) is skipped.
    """
    for seed in SEEDS:
        try:
            seed(world)
        except _NoCandidate:
            continue


def _seed_stock(world: World) -> None:
    day = world.today - dt.timedelta(days=5)
    folder = f"data/stock/movements/{day.year}"
    plain = [p for p, v in world.products.items() if v["goods"] and not v["serial"]]
    if plain:
        pid = world.rng.choice(plain)
        qty = int(world.products[pid]["level"]) + 3
        path = f"{folder}/sortie-urgente-0001.yaml"
        world.files[path] = (
            f"direction: out\ndate: {day}\nstatus: validated\n"
            f"lines: [{{product: {pid}, quantity: {qty}}}]\n"
        )
        world.seeded.append((path, f"stock of {pid} goes to -3"))
    serial = [p for p, v in world.products.items() if v["serial"]]
    if serial:
        pid = max(serial, key=lambda p: (int(world.products[p]["level"]) > 0, p))
        path = f"{folder}/sortie-urgente-0002.yaml"
        world.files[path] = (
            f"direction: out\ndate: {day}\nstatus: validated\n"
            f"lines: [{{product: {pid}, quantity: 1, serials: [SN-999999]}}]\n"
        )
        world.seeded.append((path, f"serial SN-999999 of {pid} is not in stock"))


SEEDS: list[Callable[[World], None]] = [
    _unknown_company,
    _wrong_stage,
    _positive_purchase,
    _unknown_user,
    _bad_state,
    _impossible_date,
    _unknown_key,
    _duplicate_id,
    _bad_siret,
    _unquoted_postcode,
    _syntax_error,
    _seed_stock,
]
