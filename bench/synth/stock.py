"""Products and stock movements that never drive validated stock below zero."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from synth.fmt import scalar, slugify
from synth.words import PRODUCT_WORDS, SERVICE_WORDS
from synth.world import World

VARIANTS = ("Standard", "Pro", "Éco", "modèle A", "modèle B", "réf. 2", "grand modèle", "Plus")
FOOD = ("Farine T65", "Bouteille de Beaujolais")


def write_products(world: World) -> None:
    """`data/stock/products/*.yaml`: 70 % stock-managed goods (some serial-tracked)."""
    rng = world.rng
    suppliers = [c.id for c in world.companies if c.kind == "supplier"]
    total = world.count("products")
    serial_left = max(1, total // 10)
    for i in range(total):
        goods = i % 10 < 7
        if goods:
            base, unit = rng.choice(PRODUCT_WORDS)
            serial = serial_left > 0 and unit == "pièce" and rng.random() < 0.3
        else:
            base, unit = rng.choice(SERVICE_WORDS), rng.choice(("heure", "jour", "forfait"))
            serial = False
        serial_left -= serial
        name = f"{base} {rng.choice(VARIANTS)}"
        pid = world.unique_id("product", slugify(name))
        price = rng.randint(200, 90000) / 100
        vat = "5.5" if base in FOOD else rng.choice(("20", "20", "20", "10"))
        out = [
            f"name: {scalar(name)}\n",
            f"unit: {unit}\n",
            f"price: {price:.2f}\n",
            f"purchase_price: {price * rng.uniform(0.4, 0.7):.2f}\n",
            f"vat_rate: {vat}\n",
            f"stock_managed: {'true' if goods else 'false'}\n",
            f"serial_tracked: {'true' if serial else 'false'}\n",
            f"nature: {'goods' if goods else 'service'}\n",
        ]
        if goods:
            out.append(f"alert_level: {rng.randint(1, 10)}\n")
            out.append(f"desired_stock: {rng.randint(10, 60)}\n")
            if suppliers and rng.random() < 0.8:
                out.append(f"supplier: {rng.choice(suppliers)}\n")
        path = f"data/stock/products/{pid}.yaml"
        world.files[path] = "".join(out)
        world.editable.append(path)
        world.products[pid] = {
            "name": name,
            "price": f"{price:.2f}",
            "vat": vat,
            "serial": serial,
            "goods": goods,
            "level": 0,
            "serials": [],
        }


def _line(pid: str, qty: int, serials: list[str]) -> str:
    tail = f", serials: [{', '.join(serials)}]" if serials else ""
    return f"  - {{product: {pid}, quantity: {qty}{tail}}}\n"


def write_movements(world: World) -> None:
    """`data/stock/movements/<year>/*.yaml`, chronological, stock tracked per product.

    An out only uses what was in stock at the start of its day, so the order in which
    a validator reads same-day movements does not matter.
    """
    rng = world.rng
    goods = [p for p, v in world.products.items() if v["goods"]]
    if not goods:
        return
    last = world.today - dt.timedelta(days=15)
    days = sorted(world.random_day(world.first_day, last) for _ in range(world.count("movements")))
    counters = {"in": 0, "out": 0}
    next_serial = 0
    for day, same_day in groupby(days):
        arrivals: list[tuple[str, int, list[str]]] = []
        for _ in same_day:
            stocked = [p for p in goods if world.products[p]["level"]]
            direction = "out" if stocked and rng.random() < 0.6 else "in"
            status = "draft" if direction == "in" and rng.random() < 0.04 else "validated"
            lines = []
            pool = stocked if direction == "out" else goods
            for pid in rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3)))):
                product = world.products[pid]
                serials: list[str] = []
                if direction == "in":
                    qty = rng.randint(1, 5) if product["serial"] else rng.randint(5, 60)
                    if product["serial"]:
                        serials = [f"SN-{next_serial + k:06d}" for k in range(qty)]
                        next_serial += qty
                    if status == "validated":
                        arrivals.append((pid, qty, serials))
                else:
                    qty = rng.randint(1, min(int(product["level"]), 8))
                    if product["serial"]:
                        serials = sorted(rng.sample(product["serials"], qty))
                        product["serials"] = [s for s in product["serials"] if s not in serials]
                    product["level"] = int(product["level"]) - qty
                lines.append(_line(pid, qty, serials))
            counters[direction] += 1
            word = "entree" if direction == "in" else "sortie"
            out = [f"direction: {direction}\n", f"date: {day}\n", f"status: {status}\n"]
            if direction == "in" and world.purchases and rng.random() < 0.3:
                out.append(f"origin: {rng.choice(world.purchases)}\n")
            out.append("lines:\n")
            out += lines
            if rng.random() < 0.1:
                note = "Réception commande fournisseur" if direction == "in" else "Livraison client"
                out.append(f"note: {note}\n")
            path = f"data/stock/movements/{day.year}/{word}-{counters[direction]:05d}.yaml"
            world.files[path] = "".join(out)
        for pid, qty, serials in arrivals:
            product = world.products[pid]
            product["level"] = int(product["level"]) + qty
            product["serials"] = list(product["serials"]) + serials
