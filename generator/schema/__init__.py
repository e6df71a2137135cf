"""Record models per kind, and the folders they live in."""

from __future__ import annotations

from dataclasses import dataclass

from generator.schema.common import Record
from generator.schema.interaction import Interaction
from generator.schema.parties import Company, Contact, Project
from generator.schema.settings import Settings
from generator.schema.stock import Movement, Product


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of record: its name, folder under the repository, model and label."""

    name: str
    folder: str
    model: type[Record]
    nested: bool
    label_fr: str
    label_en: str


KINDS: tuple[Kind, ...] = (
    Kind("company", "data/companies", Company, False, "société", "company"),
    Kind("contact", "data/contacts", Contact, False, "contact", "contact"),
    Kind("project", "data/projects", Project, False, "projet", "project"),
    Kind("interaction", "data/interactions", Interaction, True, "interaction", "interaction"),
    Kind("product", "data/stock/products", Product, False, "produit", "product"),
    Kind(
        "movement", "data/stock/movements", Movement, True, "mouvement de stock", "stock movement"
    ),
)
KINDS_BY_NAME = {k.name: k for k in KINDS}
SETTINGS_PATH = "data/settings.yaml"

__all__ = [
    "KINDS",
    "KINDS_BY_NAME",
    "SETTINGS_PATH",
    "Company",
    "Contact",
    "Interaction",
    "Kind",
    "Movement",
    "Product",
    "Project",
    "Settings",
]
