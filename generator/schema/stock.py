"""Products and stock movements."""

from __future__ import annotations

from generator.schema.common import (
    FL,
    Amount,
    Day,
    Direction,
    F,
    MovementStatus,
    Name,
    Nature,
    Record,
    RecordId,
    Text,
)
from generator.schema.compliance import Risk


class Product(Record):
    """Un produit ou un service du catalogue."""

    name: Name = F("Désignation", "")
    reference: Name | None = F("Référence", "Référence interne ou fournisseur", None)
    description: Text | None = F("Description", "", None)
    unit: Name = F("Unité", "pièce, heure, jour…", "pièce")
    price: Amount = F("Prix de vente HT", "Prix unitaire hors taxes")
    purchase_price: Amount | None = F("Prix d'achat HT", "", None)
    vat_rate: Amount = F("Taux de TVA", "Parmi settings.vat_rates")
    stock_managed: bool = F("Gestion de stock", "Activer la gestion de stock", False)
    serial_tracked: bool = F(
        "Numéros de série", "Suivre chaque exemplaire par son numéro de série", False
    )
    nature: Nature = F("Nature", "goods (biens) ou service", Nature.GOODS)
    alert_level: Amount | None = F("Seuil d'alerte", "« Bientôt hors stock » en dessous", None)
    desired_stock: Amount | None = F(
        "Stock souhaité", "Pour calculer la quantité à commander", None
    )
    supplier: RecordId | None = F("Fournisseur", "Identifiant de la société fournisseur", None)
    risk: Risk | None = F(
        "Risque (SRI)",
        "Produits financiers : indicateur de risque de 1 à 7, comparé aux profils KYC",
        None,
    )


class MovementLine(Record):
    """Une ligne de mouvement de stock."""

    product: RecordId = F("Produit", "")
    quantity: Amount = F("Quantité", "", gt=0)
    serials: list[Name] = FL("Numéros de série", "Un par exemplaire pour un produit suivi")


class Movement(Record):
    """Un mouvement de stock entrant ou sortant."""

    direction: Direction = F("Sens", "in (entrée) ou out (sortie)")
    date: Day = F("Date", "")
    status: MovementStatus = F("Statut", "draft (brouillon) ou validated (validé)")
    origin: RecordId | None = F("Origine", "Interaction d'origine (achat, bon de livraison)", None)
    reference: Name | None = F("Référence", "", None)
    lines: list[MovementLine] = F("Lignes", "", min_length=1)
    note: Text | None = F("Note", "", None)
