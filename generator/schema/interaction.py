"""Interactions, the heart of Carnet, and their optional commercial ``document`` block."""

from __future__ import annotations

from decimal import Decimal

from pydantic import ConfigDict, model_validator

from generator.schema.common import (
    FL,
    LIMIT,
    Amount,
    Day,
    DocumentKind,
    F,
    LocalDateTime,
    Name,
    Record,
    RecordId,
    State,
    Text,
    VatCategory,
)


class DocumentLine(Record):
    """Une ligne de document commercial."""

    product: RecordId | None = F("Produit", "Identifiant du produit (ligne libre sinon)", None)
    description: Text | None = F("Désignation", "", None)
    comment: Text | None = F("Commentaire", "Imprimé sous la ligne", None)
    quantity: Amount = F("Quantité", "", Decimal(1))
    unit: Name | None = F("Unité", "pièce, heure, jour…", None)
    unit_price: Amount = F("Prix unitaire HT", "En euros, hors taxes")
    vat_rate: Amount = F("Taux de TVA", "En pour cent, parmi settings.vat_rates", Decimal(20))
    vat_category: VatCategory = F(
        "Catégorie de TVA",
        "S normale, Z taux zéro, E exonérée (+ vat_exemption), AE autoliquidation",
        VatCategory.STANDARD,
    )
    vat_exemption: Text | None = F(
        "Motif d'exonération", "Mention imprimée pour la catégorie E", None
    )
    discount: Amount = F("Remise (%)", "Remise en pour cent", Decimal(0), ge=0, le=100)
    serials: list[Name] = FL("Numéros de série", "Un par exemplaire pour un produit suivi")

    @model_validator(mode="after")
    def _bounded_amount(self) -> DocumentLine:
        # each factor is bounded; their product must be too, or totals overflow Decimal
        if abs(self.quantity * self.unit_price) >= LIMIT:
            raise ValueError(
                "quantité × prix unitaire hors limites (au plus 999 999 999 999 par ligne)"
            )
        return self


class Payment(Record):
    """Un versement reçu."""

    date: Day = F("Date", "Date de réception")
    amount: Amount = F("Montant", "Montant TTC reçu", gt=0)
    method: Name | None = F("Moyen", "virement, chèque, carte…", None)
    reference: Name | None = F("Référence", "", None)


class Part(Record):
    """La part d'une commande que facture une facture partielle."""

    label: Name | None = F("Mention", "Par exemple « Acompte 30 % »", None)
    percent: Amount | None = F("Pourcentage", "Part du total HT de la commande", None, gt=0, le=100)
    amount: Amount | None = F("Montant HT", "Montant hors taxes facturé", None, gt=0)

    @model_validator(mode="after")
    def _one_measure(self) -> Part:
        if (self.percent is None) == (self.amount is None):
            raise ValueError("indiquez soit « percent », soit « amount »")
        return self


class Document(Record):
    """Bloc document : fait de l'interaction un devis, une commande, une facture…"""

    kind: DocumentKind = F(
        "Nature", "quote, order, invoice, deposit_invoice, credit_note, delivery_note…"
    )
    number: Name | None = F("Numéro", "Attribué à l'émission, jamais saisi", None)
    issued: Day | None = F("Date d'émission", "Date prévue pour un brouillon", None)
    due: Day | None = F("Échéance", "", None)
    delivery_date: Day | None = F("Date de livraison", "Date de la vente si elle diffère", None)
    template: Name | None = F("Modèle", "Modèle de document (défaut selon la nature)", None)
    from_: RecordId | None = F(
        "Depuis", "Le document d'origine (devis → commande → facture)", None, alias="from"
    )
    order: RecordId | None = F("Commande", "La commande que facture une facture partielle", None)
    part: Part | None = F("Part", "Part de la commande facturée", None)
    corrects: RecordId | None = F(
        "Facture corrigée", "Pour un avoir : la facture qu'il corrige", None
    )
    lines: list[DocumentLine] = FL("Lignes", "")
    payments: list[Payment] = FL("Versements reçus", "Argent reçu : payé / dû / en retard")
    note: Text | None = F("Mention", "Texte imprimé sur le document", None)


class Interaction(Record):
    """Une interaction : vente, achat, tâche de projet, support…"""

    model_config = ConfigDict(
        json_schema_extra={"not": {"required": ["attachment", "attachments"]}}
    )  # attachment or attachments, not both (validate locates it: checks/paths.py)

    kind: Name = F("Nature", "Clé de settings.pipelines : sale, purchase, project, support")
    type: Name = F("Type", "Étape du pipeline, par exemple « Vente - 3 - Devis »")
    user: Name = F("Utilisateur", "Qui suit l'interaction (le changer la délègue)")
    subject: Name = F("Sujet", "Famille produit / produit / client")
    date: Day = F("Date action", "Échéance ou date de clôture espérée")
    next_step: Text | None = F("Étape suivante", "Par exemple « Tel 28/03 pour relance »", None)
    contact: RecordId | None = F("Contact", "", None)
    company: RecordId | None = F("Société", "", None)
    project: RecordId | None = F("Projet", "", None)
    document_ref: Name | None = F("Réf. document", "Référence d'un document externe", None)
    attachment: Name | None = F(
        "Pièce jointe", "Un fichier sous data/documents/, chemin depuis la racine du dépôt", None
    )
    attachments: list[Name] = FL(
        "Pièces jointes",
        "Fichiers sous data/documents/, chemins depuis la racine du dépôt (pas avec attachment)",
    )
    budget: Amount | None = F(
        "Budget",
        "Signé : ventes positives, achats et coûts négatifs ; calculé sur les documents",
        None,
    )
    note: Text | None = F("Note", "Visible dans l'extranet du client (Markdown)", None)
    internal_note: Text | None = F("Note interne", "Jamais publiée hors du site interne", None)
    media: Name | None = F("Média", "Canal, parmi settings.media", None)
    source: Name | None = F("Source", "Parmi settings.sources", None)
    state: State = F("État", "open (Ouvert), in_progress (En cours), done (Terminé)")
    start: LocalDateTime | None = F("Début", "AAAA-MM-JJTHH:MM", None)
    end: LocalDateTime | None = F("Fin", "AAAA-MM-JJTHH:MM", None)
    recurrence: Name | None = F(
        "Récurrence", "Règle RRULE, par exemple FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630", None
    )
    resources: list[Name] = FL("Ressources", "Ressources réservées (settings.resources)")
    renewal: Day | None = F("Renouvellement", "Date de renouvellement du contrat gagné", None)
    renews: RecordId | None = F(
        "Renouvelle", "Le contrat que celui-ci renouvelle (écrit par carnet renew)", None
    )
    location: Text | None = F(
        "Lieu", "Où, quand ce n'est pas l'adresse de la société ou du contact", None
    )
    except_: list[Day] = FL(
        "Sauf", "Dates que la récurrence saute, par exemple [2026-06-15]", alias="except"
    )
    hours: Amount | None = F(
        "Heures", "Tâche de projet : coût = heures × coût horaire de l'utilisateur", None, ge=0
    )
    document: Document | None = F("Document", "Fait de l'interaction un document commercial", None)
    products: list[RecordId] = FL(
        "Produits", "Produits recommandés ou vendus sans document (identifiants)"
    )
    adequacy_justification: Text | None = F(
        "Justification d'adéquation",
        "Conseillers : pourquoi un produit au-delà du profil du client est recommandé",
        None,
    )

    @property
    def attached(self) -> tuple[str, ...]:
        """Every attached file: ``attachment`` (the one-file form), then ``attachments``."""
        return ((self.attachment,) if self.attachment else ()) + tuple(self.attachments)

    @property
    def is_document(self) -> bool:
        """A commercial document, not an opportunity (PRODUCT.md "Counting")."""
        return self.document is not None
