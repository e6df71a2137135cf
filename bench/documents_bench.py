"""Documents benchmark: `carnet documents` on 500 issued invoices against bare WeasyPrint.

Example::

    .venv/bin/python bench/documents_bench.py                 # 500 invoices, both cores
    .venv/bin/python bench/documents_bench.py --count 50 --runs 1   # quick run
    .venv/bin/python bench/run.py --only documents            # inside the bench table

Measured, each in a fresh subprocess of this Python (interpreter start counts), on a
synthetic repository of `--count` issued invoices (3 to 8 lines at 20 %, 10 % and 5,5 %,
business and private customers, partial payments):

* floor — the final HTML of every invoice (QR code drawn) and its Factur-X XML, written
  beforehand, rendered by bare WeasyPrint (``HTML(...).write_pdf(pdf_variant="pdf/a-3b")``)
  and embedded by bare ``facturx.generate_from_binary``, with the same process pool (fork,
  one worker per core), PDFs written;
* full — ``carnet documents`` with no PDF yet (load, validate, HTML, XML, cache keys,
  render, embed, write); target ≤ 1.15 × floor;
* unchanged — ``carnet documents`` again, nothing changed: it renders nothing.

Floor and full runs alternate `--runs` times (best wall clock of each kept), so that a
busy spell of a shared machine does not land on one side only; the CPU time of each
whole process tree (workers included) is printed too, a ratio less sensitive to load.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-30"
TARGET_RATIO = 1.15

SETTINGS = """\
firm:
  name: Atelier Dupont
  legal_form: SARL
  capital: 8000
  address: {street: 12 rue des Lilas, postcode: "69003", city: Lyon, country: FR}
  siret: "73282932000074"
  rcs: RCS Lyon
  vat_number: FR44732829320
  iban: FR7630006000011234567890189
  bic: AGRIFRPP
  email: contact@atelier-dupont.fr
users:
  benoit: {name: Benoît Martin}
pipelines:
  sale: {label: Vente, budget_sign: positive, won: "Vente - 6 - Gagné",
         stages: ["Vente - 1 - Prise de contact", "Vente - 6 - Gagné"]}
"""
PRODUCTS = [
    ("sapin-nordmann", "Sapin Nordmann 2 m", "45.00", "20", "goods", "pièce"),
    ("sapin-epicea", "Épicéa 1,20 m", "19.90", "20", "goods", "pièce"),
    ("socle-buche", "Socle bûche", "12.50", "20", "goods", "pièce"),
    ("livre-recettes", "Livre de recettes de Noël", "24.00", "5.5", "goods", "exemplaire"),
    ("guide-jardin", "Guide du jardin d'hiver", "18.00", "5.5", "goods", "exemplaire"),
    ("transport", "Transport de personnes", "65.00", "10", "service", "trajet"),
    ("pose", "Pose et installation", "55.00", "20", "service", "heure"),
    ("conseil", "Conseil en décoration", "80.00", "20", "service", "heure"),
    ("formation", "Formation WordPress (demi-journée)", "345.00", "20", "service", "participant"),
    ("maintenance", "Maintenance du site", "49.00", "20", "service", "mois"),
]
CITIES = [("69003", "Lyon"), ("13002", "Marseille"), ("75011", "Paris"), ("33000", "Bordeaux")]


def _luhn_siren(rng: random.Random) -> str:
    """A SIREN whose Luhn check digit is right."""
    digits = [rng.randint(0, 9) for _ in range(8)]
    for check in range(10):
        number = [*digits, check]
        total = 0
        for i, d in enumerate(reversed(number)):
            d = d * 2 if i % 2 else d
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return "".join(map(str, number))
    raise AssertionError("unreachable")


def write_repo(root: Path, count: int, seed: int = 7) -> Path:
    """A repository of ``count`` issued invoices, gap-free and chronological."""
    rng = random.Random(seed)
    data = root / "data"
    shutil.rmtree(data, ignore_errors=True)
    for folder in ("companies", "contacts", "stock/products", "interactions/2026"):
        (data / folder).mkdir(parents=True)
    (data / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    for key, name, price, rate, nature, unit in PRODUCTS:
        (data / "stock" / "products" / f"{key}.yaml").write_text(
            f"name: {name}\nunit: {unit}\nprice: {price}\nvat_rate: {rate}\nnature: {nature}\n",
            encoding="utf-8",
        )
    customers = []
    for i in range(40):
        siren = _luhn_siren(rng)
        key = (12 + 3 * (int(siren) % 97)) % 97
        postcode, city = rng.choice(CITIES)
        (data / "companies" / f"client-{i:02d}.yaml").write_text(
            f"name: Client {i:02d} SAS\nkind: client\nsiren: '{siren}'\n"
            f"vat_number: FR{key:02d}{siren}\n"
            f"address: {{street: {i + 1} rue du Commerce, postcode: '{postcode}', city: {city}}}\n",
            encoding="utf-8",
        )
        customers.append(f"company: client-{i:02d}\n")
    for i in range(20):
        postcode, city = rng.choice(CITIES)
        (data / "contacts" / f"particulier-{i:02d}.yaml").write_text(
            f"first_name: Camille\nlast_name: Martin {i:02d}\n"
            f"address: {{street: {i + 2} allée des Tilleuls, postcode: '{postcode}', city: {city}}}\n",
            encoding="utf-8",
        )
        customers.append(f"contact: particulier-{i:02d}\n")
    day = date(2026, 1, 2)
    for n in range(1, count + 1):
        if n % 2 == 0:
            day += timedelta(days=1)
        lines = []
        for key, _name, price, rate, _, _ in rng.sample(PRODUCTS, rng.randint(3, 8)):
            comment = "\n      comment: livré en pot" if key.startswith("sapin") else ""
            lines.append(
                f"    - product: {key}\n      quantity: {rng.randint(1, 12)}\n"
                f"      unit_price: {price}\n      vat_rate: {rate}{comment}\n"
            )
        payment = (
            f"  payments:\n    - {{date: {day + timedelta(days=10)}, amount: 50.00}}\n"
            if n % 3 == 0
            else ""
        )
        (data / "interactions" / "2026" / f"facture-{n:04d}.yaml").write_text(
            f'kind: sale\ntype: "Vente - 6 - Gagné"\nuser: benoit\n'
            f"subject: Commande {n}\ndate: {day}\nstate: done\n{customers[n % len(customers)]}"
            f"document:\n  kind: invoice\n  number: F2026-{n:04d}\n  issued: {day}\n"
            f"  due: {day + timedelta(days=30)}\n  lines:\n{''.join(lines)}{payment}",
            encoding="utf-8",
        )
    return root


PREPARE_SCRIPT = """\
import sys
from datetime import date
from pathlib import Path
from generator.load import load
from generator.documents.batch import document_ids
from generator.documents.render import final_html, prepare
repo, out = Path(sys.argv[1]), Path(sys.argv[2])
book = load(repo, today=date.fromisoformat(sys.argv[3])).book
out.mkdir(parents=True, exist_ok=True)
for key in document_ids(book):
    p = prepare(book, key, repo=repo)
    (out / (p.name + ".html")).write_text(final_html(p), encoding="utf-8")
    (out / (p.name + ".xml")).write_bytes(p.xml)
"""

FLOOR_SCRIPT = """\
import os, sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
import facturx
from weasyprint import HTML
src, out, base = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
out.mkdir(parents=True, exist_ok=True)
def one(name):
    html = (src / (name + ".html")).read_text(encoding="utf-8")
    xml = (src / (name + ".xml")).read_bytes()
    pdf = HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/a-3b")
    pdf = facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=False,
        check_schematron=False, lang="fr-FR", afrelationship="alternative")
    (out / name).write_bytes(pdf)
names = sorted(p.name[:-5] for p in src.glob("*.html"))
with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=get_context("fork")) as pool:
    for future in as_completed([pool.submit(one, n) for n in names]):
        future.result()
print(len(names))
"""


@dataclass
class Run:
    """One subprocess: wall-clock and CPU seconds (workers included), peak RSS, output."""

    seconds: float
    cpu_s: float
    rss_mib: float
    stdout: str
    stderr: str


@dataclass
class Figures:
    """The best floor, full and unchanged runs, and the derived figures."""

    count: int
    floor: Run
    full: Run
    unchanged: Run
    floor_runs: list[float]
    full_runs: list[float]

    @property
    def ratio(self) -> float:
        """Full run over floor, wall clock (best of each)."""
        return self.full.seconds / self.floor.seconds

    @property
    def cpu_ratio(self) -> float:
        """Full run over floor, CPU time of the whole process tree (less sensitive to a
        busy machine than the wall clock)."""
        return self.full.cpu_s / self.floor.cpu_s


def _run(args: list[str], scratch: Path) -> Run:
    out, err = scratch / "run.out", scratch / "run.err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=PROJECT_ROOT, stdout=stdout, stderr=stderr
        )
        _, status, usage = os.wait4(proc.pid, 0)  # includes the reaped pool workers
        seconds = time.perf_counter() - started
    run = Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        out.read_text(encoding="utf-8"),
        err.read_text(encoding="utf-8"),
    )
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{args[:3]}… exit {code}: {run.stderr.strip()[-2000:]}")
    return run


def measure(repo: Path, scratch: Path, runs: int = 2) -> Figures:
    """Floor and full run alternately ``runs`` times (best of each), then the unchanged run.

    Alternating keeps a busy spell of a shared machine from landing on one side only.
    """
    from generator.documents.pdf import documents_base_url

    inputs, floor_out = scratch / "floor-in", scratch / "floor-out"
    shutil.rmtree(repo / "build" / "documents", ignore_errors=True)
    _run(["-c", PREPARE_SCRIPT, str(repo), str(inputs), TODAY], scratch)
    floor_args = ["-c", FLOOR_SCRIPT, str(inputs), str(floor_out), documents_base_url()]
    carnet = ["-m", "generator", "--repo", str(repo), "--today", TODAY, "documents"]
    floors: list[Run] = []
    fulls: list[Run] = []
    for _ in range(runs):
        shutil.rmtree(floor_out, ignore_errors=True)
        floors.append(_run(floor_args, scratch))
        shutil.rmtree(repo / "build" / "documents", ignore_errors=True)
        fulls.append(_run(carnet, scratch))
    unchanged = _run(carnet, scratch)
    count = int(floors[0].stdout.strip())
    written = len(fulls[-1].stdout.splitlines())
    if written != count or unchanged.stdout.strip():
        raise RuntimeError(
            f"carnet documents wrote {written} PDFs (floor {count}), then "
            f"{len(unchanged.stdout.splitlines())} with nothing changed"
        )
    return Figures(
        count,
        min(floors, key=lambda r: r.seconds),
        min(fulls, key=lambda r: r.seconds),
        unchanged,
        [r.seconds for r in floors],
        [r.seconds for r in fulls],
    )


def report(figures: Figures) -> str:
    """The human-readable lines."""
    n = figures.count
    verdict = "OK" if figures.ratio <= TARGET_RATIO else "MISS"
    rows = [
        ("floor (WeasyPrint + factur-x, same pool)", figures.floor),
        ("carnet documents (no PDF yet)", figures.full),
        ("carnet documents, nothing changed", figures.unchanged),
    ]
    lines = [f"{n} invoices, {os.cpu_count()} cores; wall clock best of the runs"]
    for label, run in rows:
        lines.append(
            f"{label:<42}{run.seconds:8.2f} s {run.seconds / n * 1000:7.1f} ms/invoice"
            f"  (CPU {run.cpu_s:7.1f} s){run.rss_mib:6.0f} MiB peak"
        )
    lines.append(f"runs: floor {_list(figures.floor_runs)}; carnet {_list(figures.full_runs)}")
    lines.append(f"ratio full / floor: {figures.ratio:.3f} (target ≤ {TARGET_RATIO}) {verdict}")
    lines.append(f"CPU ratio full / floor: {figures.cpu_ratio:.3f}")
    lines.append(f"nothing changed: {figures.unchanged.stderr.strip()}")
    return "\n".join(lines)


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def measure_documents(bench: Any, result_type: Any) -> list[Any]:
    """The three runs as `bench/run.py` results (scale 1 = 500 invoices)."""
    count = max(10, round(500 * bench.scale))
    repo = write_repo(bench.scratch / "documents-repo", count)
    try:
        f = measure(repo, bench.scratch, bench.runs)
    except RuntimeError as exc:
        return [result_type("documents", "carnet documents", 0, [], 0, failed=str(exc))]
    floor = result_type(
        "documents-floor",
        f"WeasyPrint + factur-x seuls, {count} factures, même pool",
        f.floor.seconds,
        [f.floor.seconds],
        f.floor.rss_mib,
        ratio=1.0,
        notes={"ms_per_invoice": round(f.floor.seconds / count * 1000)},
    )
    full = result_type(
        "documents",
        f"carnet documents, {count} factures, aucun PDF",
        f.full.seconds,
        [f.full.seconds],
        f.full.rss_mib,
        target_ratio=TARGET_RATIO,
        ratio=f.ratio,
        notes={
            "ratio_to": "documents-floor",
            "ms_per_invoice": round(f.full.seconds / count * 1000),
        },
    )
    unchanged = result_type(
        "documents-again",
        "carnet documents, rien n'a changé",
        f.unchanged.seconds,
        [f.unchanged.seconds],
        f.unchanged.rss_mib,
        ratio=f.unchanged.seconds / f.full.seconds,
        notes={"ratio_to": "documents", "rendered": 0},
    )
    return [floor, full, unchanged]


def main(argv: list[str] | None = None) -> int:
    """Generate, measure, print; exit 1 with --check when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500, help="issued invoices")
    parser.add_argument("--runs", type=int, default=2, help="floor/full pairs (best kept)")
    parser.add_argument("--keep", type=Path, help="keep the repository in this folder")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    with tempfile.TemporaryDirectory(prefix="carnet-documents-bench-") as scratch:
        repo = write_repo(args.keep or Path(scratch) / "repo", args.count)
        figures = measure(repo, Path(scratch), args.runs)
    print(report(figures))
    return 1 if args.check and figures.ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
