"""Import benchmark: `carnet import run` of N contacts with their companies against a cold
`carnet validate` of the resulting repository, in the same run.

Example::

    .venv/bin/python bench/import_bench.py                    # 10,000 contacts (reference)
    .venv/bin/python bench/import_bench.py --contacts 500     # a quick run
    .venv/bin/python bench/import_bench.py --contacts 2000 --keep --json

A deterministic French Excel CSV (cp1252, `;`) of N contacts working for N/4 companies
(valid SIRET, four contacts per company, 100 postcodes) is imported into a small
committed repository: first `--dry-run` (everything read, checked and validated, nothing
written), then for real (files written and committed). Each is a fresh process of the
same Python, timed from start to exit; the reference is a cold `carnet validate` (cache
deleted) of the repository the import produced. Target: each ≤ 2× the cold validate.
Processor seconds (user + system, worker processes and git included) and the load
average are printed too: on a shared machine they say what the wall-clock times cannot.
So is the file system's own floor for what the import must write: creating the same
files, with the same names and bytes, in a sibling folder, in this process (no parsing,
no checks, no git), right after the import. On a file system without a journal that has
just seen many files deleted, ext4 skips each recently freed inode one by one when it
allocates a new one (``recently_deleted``, seen with ``perf``): creating the files alone
may then take seconds, and the import waits for it like any program would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-25"
ROOT = Path(__file__).resolve().parent.parent
FIRST = [
    "Jeanne",
    "Paul",
    "Élodie",
    "Rémi",
    "François",
    "Hélène",
    "Thomas",
    "Lucie",
    "Marc",
    "Nadia",
    "Hugo",
    "Léa",
    "Inès",
    "Romain",
]
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "du",
    "da",
    "fa",
    "fe",
    "ga",
    "go",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "ta",
    "te",
    "vi",
    "vo",
]
STREETS = ["rue de la République", "quai Saint-Vincent", "cours Lafayette", "place Bellecour"]
MAP = [
    "Raison sociale=company.name",
    "SIRET=company.siret",
    "Prénom=contact.first_name",
    "Nom=contact.last_name",
    "E-mail=contact.email",
    "Tél.=contact.phone",
    "Adresse=contact.street",
    "CP=contact.postcode",
    "Ville=contact.city",
    "Type=company.kind",
]


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def _siret(rng: random.Random) -> str:
    from stdnum import luhn

    siren = "".join(rng.choice("123456789") for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randrange(10000):04d}"
    return body + luhn.calc_check_digit(body)


def write_csv(path: Path, contacts: int, seed: int = 42) -> None:
    """The file to import: a French Excel CSV of ``contacts`` rows."""
    rng = random.Random(seed)
    companies = []
    for index in range(max(1, contacts // 4)):
        postcode = f"69{rng.randrange(100):03d}"
        companies.append((f"{_word(rng, 3)} {_word(rng, 2)} {index}", _siret(rng), postcode))
    lines = ["Raison sociale;SIRET;Prénom;Nom;E-mail;Tél.;Adresse;CP;Ville;Type"]
    for index in range(contacts):
        name, siret, postcode = companies[index // 4]
        first, last = rng.choice(FIRST), f"{_word(rng, 3)}{_word(rng, 2).lower()}"
        email = f"{first.lower()}.{last.lower()}.{index}@exemple-{index // 4}.fr"
        phone = f"04 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
        street = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
        lines.append(
            f"{name};{siret};{first};{last};{email};{phone};{street};{postcode};Lyon;Prospect"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace"))


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def make_repo(repo: Path) -> None:
    """A small committed business (Carnet's minimal test settings)."""
    sys.path.insert(0, str(ROOT))
    from generator.testing import write_repo

    write_repo(repo, {})
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Bench")
    _git(repo, "config", "user.email", "bench@example.fr")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Entreprise")


def _cpu() -> float:
    """Processor seconds (user + system) of the children reaped so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(args: list[str], *, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Wall-clock seconds of one fresh ``python -m generator`` process, its processor
    seconds (its worker processes and git included), and its standard error."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr[-2000:]}")
    return seconds, _cpu() - cpu, done.stderr


def create_floor(repo: Path, scratch: Path) -> float:
    """Seconds to create every imported record file again, same names and bytes, in a
    sibling folder (what writing the import costs the file system, nothing else)."""
    files = [
        (path.relative_to(repo), path.read_bytes())
        for folder in ("companies", "contacts")
        for path in sorted((repo / "data" / folder).glob("*.yaml"))
    ]
    floor = scratch / "floor"
    for folder in {rel.parent for rel, _ in files}:
        (floor / folder).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for rel, payload in files:
        fd = os.open(floor / rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.write(fd, payload)
        os.close(fd)
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print the figures (``--json`` for machines)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="carnet-import-bench-"))
    try:
        repo = scratch / "repo"
        make_repo(repo)
        source = scratch / "prospects.csv"
        write_csv(source, options.contacts)
        base = ["--repo", str(repo), "--today", TODAY]
        run = [*base, "import", "run", str(source), *(a for m in MAP for a in ("--map", m))]
        dry, dry_cpu, summary = timed([*run, "--dry-run"])
        real, real_cpu, _ = timed(run)
        creating = create_floor(repo, scratch)
        shutil.rmtree(repo / ".carnet-cache", ignore_errors=True)
        cold, cold_cpu, _ = timed([*base, "validate", "--format", "json"])
        files = sum(1 for _ in (repo / "data").rglob("*.yaml"))
        figures = {
            "contacts": options.contacts,
            "files": files,
            "summary": summary.strip().splitlines()[-1] if summary.strip() else "",
            "dry_run_s": round(dry, 3),
            "import_s": round(real, 3),
            "validate_cold_s": round(cold, 3),
            "dry_run_ratio": round(dry / cold, 2),
            "import_ratio": round(real / cold, 2),
            "target_ratio": 2.0,
            # processor time, for a shared machine (the target is on wall-clock time)
            "dry_run_cpu_s": round(dry_cpu, 3),
            "import_cpu_s": round(real_cpu, 3),
            "validate_cold_cpu_s": round(cold_cpu, 3),
            "create_files_s": round(creating, 3),
            "load": round(os.getloadavg()[0], 2),
        }
        if options.json:
            print(json.dumps(figures, ensure_ascii=False))
        else:
            for key, value in figures.items():
                print(f"{key:<18}{value}")
        if options.keep:
            print(f"repository kept: {repo}", file=sys.stderr)
    finally:
        if not options.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
