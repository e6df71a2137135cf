"""Shared by the stock tests: a small business with serial-tracked goods, in a real git repo."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator.testing import write_repo

SUPPLIER = """\
name: Borne Factory
kind: supplier
"""
CLIENT = """\
name: Mes Beaux Sapins
kind: client
siret: "73282932000074"
address: {street: 1 rue des Pins, postcode: "69003", city: Lyon, country: FR}
"""
CONTACT = """\
first_name: Jeanne
last_name: Sapin
company: mes-beaux-sapins
"""
SELFIBOX = """\
name: Borne photo Selfibox
unit: pièce
price: 1490.00
purchase_price: 890.00
vat_rate: 20
stock_managed: true
serial_tracked: true
alert_level: 1
desired_stock: 3
supplier: borne-factory
"""
NORDMANN = """\
name: Sapin Nordmann 2 m
price: 45.00
purchase_price: 22.00
vat_rate: 20
stock_managed: true
alert_level: 5
desired_stock: 40
"""
SERVICE = """\
name: Installation
unit: heure
price: 60.00
vat_rate: 20
nature: service
"""
PURCHASE = """\
kind: purchase
type: "Achat - 5 - Commande"
user: benoit
subject: Bornes / Selfibox ×3 / Borne Factory
date: 2026-11-02
company: borne-factory
document_ref: BF-CDE-118
state: in_progress
document:
  kind: purchase_order
  lines:
    - {product: selfibox, description: Borne photo Selfibox, quantity: 3, unit_price: 890.00, vat_rate: 20}
    - {description: Port, quantity: 1, unit_price: 40.00, vat_rate: 20}
    - {product: nordmann-200, description: Sapin Nordmann 2 m, quantity: 50, unit_price: 22.00, vat_rate: 20}
"""
INVOICE = """\
kind: sale
type: "Vente - 6 - Gagné"
user: benoit
subject: Borne photo / Selfibox / Mes Beaux Sapins
date: 2026-11-20
company: mes-beaux-sapins
contact: jeanne-sapin
state: done
document:
  kind: invoice
  number: F2026-0001
  issued: 2026-11-20
  due: 2026-12-20
  lines:
    - {product: selfibox, description: Borne photo Selfibox, quantity: 1, unit_price: 1490.00, vat_rate: 20}
    - {product: installation, description: Installation, quantity: 2, unit_price: 60.00, vat_rate: 20}
"""

FILES = {
    "data/companies/borne-factory.yaml": SUPPLIER,
    "data/companies/mes-beaux-sapins.yaml": CLIENT,
    "data/contacts/jeanne-sapin.yaml": CONTACT,
    "data/stock/products/selfibox.yaml": SELFIBOX,
    "data/stock/products/nordmann-200.yaml": NORDMANN,
    "data/stock/products/installation.yaml": SERVICE,
    "data/interactions/2026/achat-bornes.yaml": PURCHASE,
    "data/interactions/2026/facture-borne.yaml": INVOICE,
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (user config ignored); its standard output."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def git_repo(root: Path, files: dict[str, str] | None = None) -> Path:
    """A committed git repository of ``FILES`` (and ``files``), identity set locally."""
    write_repo(root, {**FILES, **(files or {})})
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Benoît Martin")
    git(root, "config", "user.email", "benoit@example.fr")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Entreprise de test")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except .git and the cache (to prove nothing was written)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts and ".carnet-cache" not in p.parts
    }
