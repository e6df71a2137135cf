"""Record models per kind, and the folders they live in."""

from __future__ import annotations

from dataclasses import dataclass

from generator.files.layout import FOLDERS, SEND_LOG, SETTINGS_PATH
from generator.schema.campaigns import Campaign, SendLog
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


_MODELS: dict[str, tuple[type[Record], str, str]] = {
    "company": (Company, "société", "company"),
    "contact": (Contact, "contact", "contact"),
    "project": (Project, "projet", "project"),
    "interaction": (Interaction, "interaction", "interaction"),
    "product": (Product, "produit", "product"),
    "movement": (Movement, "mouvement de stock", "stock movement"),
    "campaign": (Campaign, "campagne", "campaign"),
}
KINDS: tuple[Kind, ...] = (
    *(Kind(f.kind, f.path, _MODELS[f.kind][0], f.nested, *_MODELS[f.kind][1:]) for f in FOLDERS),
    Kind(SEND_LOG, "data/campaigns", SendLog, False, "journal d'envoi", "send log"),
)
KINDS_BY_NAME = {k.name: k for k in KINDS}

__all__ = [
    "KINDS",
    "KINDS_BY_NAME",
    "SETTINGS_PATH",
    "Campaign",
    "Company",
    "Contact",
    "Interaction",
    "Kind",
    "Movement",
    "Product",
    "Project",
    "Settings",
]
