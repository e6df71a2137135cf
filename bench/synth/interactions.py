"""Interactions: opportunities, purchases, project tasks, support, some documents."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from synth.fmt import block, money, quoted, scalar, slugify
from synth.words import INTERNAL_SENTENCES, NEXT_STEPS, NOTE_SENTENCES, SUBJECT_TOPICS, USERS
from synth.world import World

STAGES = {
    "sale": [
        "Vente - 1 - Prise de contact",
        "Vente - 2 - Découverte",
        "Vente - 3 - Devis",
        "Vente - 4 - Négociation",
        "Vente - 5 - Bon de commande",
        "Vente - 6 - Gagné",
        "Vente - 7 - Perdu",
    ],
    "purchase": [
        "Achat - 1 - Besoin",
        "Achat - 2 - Consultation",
        "Achat - 3 - Devis reçu",
        "Achat - 4 - Négociation",
        "Achat - 5 - Commande",
        "Achat - 6 - Réception",
    ],
    "project": [
        "Projet - 1 - À faire",
        "Projet - 2 - En cours",
        "Projet - 3 - Recette",
        "Projet - 4 - Livré",
    ],
    "support": ["Support - 1 - Diagnostic", "Support - 2 - Intervention", "Support - 3 - Résolu"],
}
FILE_WORD = {"sale": "vente", "purchase": "achat", "project": "projet", "support": "support"}
KINDS = ("sale",) * 9 + ("purchase",) * 3 + ("project",) * 5 + ("support",) * 3
MEDIA = ("Téléphone", "Email", "Rendez-vous", "Visio", "Courrier")
SOURCES = ("Salon", "Site web", "Recommandation", "Prospection")
RESOURCES = ("local-321", "salle-formation", "utilitaire")
CENT = Decimal("0.01")
NUMBER_MARK = "\x00NUMBER\x00"


def _stage(world: World, kind: str, state: str) -> str:
    rng, stages = world.rng, STAGES[kind]
    if state == "done":
        if kind == "sale":
            return stages[5] if rng.random() < 0.65 else stages[6]
        return stages[-1] if rng.random() < 0.8 else rng.choice(stages)
    open_stages = stages[:5] if kind == "sale" else stages[:-1]
    return rng.choice(open_stages)


def _budget(world: World, kind: str) -> str | None:
    rng = world.rng
    amount = rng.randint(50, 5000) * 10 + rng.choice((0, 0, 0.5, 0.9))
    if kind == "sale" and rng.random() < 0.9:
        return money(amount)
    if kind in ("purchase", "project") and rng.random() < 0.7:
        return money(-amount / 4)
    if kind == "support" and rng.random() < 0.3:
        return money(amount / 10 * rng.choice((1, -1)))
    return None


def _document_lines(world: World, sellable: list[str]) -> tuple[list[str], Decimal]:
    """Lines of a sale document and its total including VAT (EN 16931 rounding)."""
    rng = world.rng
    nets: dict[Decimal, Decimal] = {}
    out = ["  lines:\n"]
    for pid in rng.sample(sellable, min(len(sellable), rng.randint(1, 4))):
        product = world.products[pid]
        qty = rng.randint(1, 12)
        price = Decimal(str(product["price"]))
        discount = rng.choice((0, 0, 0, 0, 5, 10))
        net = (qty * price * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
        rate = Decimal(str(product["vat"]))
        nets[rate] = nets.get(rate, Decimal(0)) + net
        out.append(f"    - product: {pid}\n      description: {scalar(str(product['name']))}\n")
        if rng.random() < 0.1:
            out.append("      comment: livré sur site\n")
        out.append(f"      quantity: {qty}\n      unit_price: {price}\n")
        out.append(f"      vat_rate: {product['vat']}\n")
        if discount:
            out.append(f"      discount: {discount}\n")
    vat = sum(((n * r / 100).quantize(CENT, ROUND_HALF_UP) for r, n in nets.items()), Decimal(0))
    return out, sum(nets.values(), Decimal(0)) + vat


def _document(world: World, sellable: list[str], date: dt.date, invoice: bool) -> str:
    lines, total = _document_lines(world, sellable)
    if not invoice:
        return "document:\n  kind: quote\n" + "".join(lines)
    due = date + dt.timedelta(days=30)
    head = f"document:\n  kind: invoice\n  number: {NUMBER_MARK}\n  issued: {date}\n  due: {due}\n"
    payments = ""
    if due < world.today or world.rng.random() < 0.3:
        paid = total if world.rng.random() < 0.85 else (total * 3 / 10).quantize(CENT)
        day = min(world.today, date + dt.timedelta(days=world.rng.randint(5, 45)))
        payments = f"  payments:\n    - {{date: {day}, amount: {paid}, method: virement}}\n"
    return head + "".join(lines) + payments


def _agenda(world: World, date: dt.date, booked: set[tuple[str, dt.date, int]]) -> list[str]:
    rng = world.rng
    slot = rng.choice((9, 14))
    out = [f"start: {date}T{slot:02d}:00\n", f"end: {date}T{slot + 3:02d}:00\n"]
    resource = rng.choice(RESOURCES)
    if rng.random() < 0.02 and date.weekday() < 5:
        until = date + dt.timedelta(days=rng.randint(14, 60))
        out.append(f'recurrence: "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL={until:%Y%m%d}"\n')
    elif rng.random() < 0.3 and (resource, date, slot) not in booked:
        booked.add((resource, date, slot))
        out.append(f"resources: [{resource}]\n")
    return out


def write_interactions(world: World) -> None:
    """`data/interactions/<year>/*.yaml`, with numbered invoices and draft quotes."""
    rng = world.rng
    by_id = {c.id: c for c in world.companies}
    suppliers = [c for c in world.companies if c.kind == "supplier"]
    pools = {
        "purchase": suppliers or world.companies,
        "other": [c for c in world.companies if c.kind != "supplier"] or world.companies,
    }
    project_ids = sorted(world.projects)
    sellable = [p for p, v in world.products.items() if not v["serial"]]
    users = [u[0] for u in USERS]
    last_day = dt.date(world.today.year + 1, 6, 30)
    booked: set[tuple[str, dt.date, int]] = set()
    invoices: list[tuple[dt.date, str]] = []
    for n in range(1, world.count("interactions") + 1):
        kind = rng.choice(KINDS)
        project = None
        if kind == "project" and project_ids:
            project = rng.choice(project_ids)
            company = by_id[world.projects[project][0]]
        else:
            company = rng.choice(pools["purchase" if kind == "purchase" else "other"])
            if company.projects and rng.random() < 0.3:
                project = rng.choice(company.projects)
        date = world.random_day(world.first_day, last_day)
        recent = (world.today - date).days < 45
        weights = (45, 40, 15) if recent else (5, 10, 85)
        state = rng.choices(("open", "in_progress", "done"), weights)[0]
        is_doc = (
            kind == "sale" and company.kind == "client" and date < world.today and bool(sellable)
        )
        is_doc = is_doc and rng.random() < 0.09
        invoice = is_doc and rng.random() < 0.7
        if invoice:
            state = "done"
        stage = STAGES["sale"][5 if invoice else 2] if is_doc else _stage(world, kind, state)
        topic = rng.choice(SUBJECT_TOPICS)
        iid = f"{FILE_WORD[kind]}-{slugify(topic)[:24].strip('-')}-{n:05d}"
        out = [
            f"kind: {kind}\n",
            f"type: {quoted(stage)}\n",
            f"user: {rng.choice(users)}\n",
            f"subject: {scalar(f'{topic} / {company.name}')}\n",
            f"date: {date}\n",
        ]
        if state != "done":
            when = date - dt.timedelta(days=rng.randint(1, 10))
            out.append(f"next_step: {scalar(f'{rng.choice(NEXT_STEPS)} le {when:%d/%m}')}\n")
        if company.contacts and rng.random() < 0.85:
            out.append(f"contact: {rng.choice(company.contacts)}\n")
        out.append(f"company: {company.id}\n")
        if project:
            out.append(f"project: {project}\n")
        if not is_doc:
            if rng.random() < 0.4:
                out.append(f"document_ref: DEV-{date.year}-{rng.randint(1, 999):03d}\n")
            budget = _budget(world, kind)
            if budget:
                out.append(f"budget: {budget}\n")
        if rng.random() < 0.9:
            out.append(f"media: {rng.choice(MEDIA)}\n")
        if kind == "sale" and rng.random() < 0.6:
            out.append(f"source: {rng.choice(SOURCES)}\n")
        out.append(f"state: {state}\n")
        if not is_doc and rng.random() < 0.06:
            out += _agenda(world, date, booked)
        if rng.random() < 0.85:
            out.append(block("note", rng.sample(NOTE_SENTENCES, rng.randint(2, 6))))
        if rng.random() < 0.3:
            out.append(block("internal_note", rng.sample(INTERNAL_SENTENCES, rng.randint(1, 2))))
        if is_doc:
            out.append(_document(world, sellable, date, invoice))
        path = f"data/interactions/{date.year}/{iid}.yaml"
        world.files[path] = "".join(out)
        if invoice:
            invoices.append((date, path))
        elif not is_doc:
            world.editable.append(path)
        if kind == "purchase":
            world.purchases.append(iid)
    _number_invoices(world, invoices)


def _number_invoices(world: World, invoices: list[tuple[dt.date, str]]) -> None:
    """Gap-free, chronological numbers F{year}-{seq:04}, restarting each year."""
    seq: dict[int, int] = {}
    for date, path in sorted(invoices):
        seq[date.year] = seq.get(date.year, 0) + 1
        number = f"F{date.year}-{seq[date.year]:04d}"
        world.files[path] = world.files[path].replace(NUMBER_MARK, number)
