"""``data/settings.yaml``: the firm, its team, pipelines and lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from generator.problems import clip
from generator.schema.common import FL, Address, Amount, BudgetSign, F, Name, Record, Text
from generator.schema.compliance import Questionnaire
from generator.schema.custom import CustomField

CustomKind = Literal["company", "contact"]
VatRate = Annotated[Amount, Field(ge=0, le=100)]
"""A VAT rate in per cent."""


class Firm(Record):
    """Coordonnées de l'entreprise (« coordonnées fusion »), reprises sur chaque document."""

    name: Name = F("Raison sociale", "Nom de l'entreprise")
    legal_form: Name | None = F("Forme juridique", "EI, EURL, SARL, SAS…", None)
    capital: Amount | None = F("Capital social", "Montant du capital en euros", None)
    address: Address = F("Adresse", "Adresse du siège")
    siren: Name | None = F("SIREN", "9 chiffres, entre guillemets", None)
    siret: Name | None = F("SIRET", "14 chiffres, entre guillemets", None)
    rcs: Name | None = F("RCS", "Ville d'immatriculation, par exemple « RCS Lyon »", None)
    vat_number: Name | None = F("N° de TVA", "Numéro de TVA intracommunautaire", None)
    vat_exempt: bool = F("Franchise de TVA", "TVA non applicable, art. 293 B du CGI", False)
    iban: Name | None = F("IBAN", "Compte bancaire pour les paiements", None)
    bic: Name | None = F("BIC", "Code BIC de la banque", None)
    phone: Name | None = F("Téléphone", "Entre guillemets", None)
    email: Name | None = F("E-mail", "Adresse e-mail de contact", None)
    website: Name | None = F("Site web", "Adresse du site", None)
    logo: Name | None = F("Logo", "Chemin du logo depuis la racine du dépôt", None)
    einvoice_address: Name | None = F(
        "Adresse de facturation électronique", "Par défaut : le SIREN", None
    )


class Invoicing(Record):
    """Numérotation, conditions de paiement et mentions légales."""

    number_pattern: Name = F(
        "Numérotation des factures",
        "Une série sans trou pour factures et avoirs ; {seq} repart à 1 chaque année si {year} y figure",
        "F{year}-{seq:04}",
    )
    quote_pattern: Name = F("Numérotation des devis", "", "D{year}-{seq:04}")
    order_pattern: Name = F("Numérotation des commandes", "", "C{year}-{seq:04}")
    delivery_pattern: Name = F("Numérotation des bons de livraison", "", "BL{year}-{seq:04}")
    payment_terms_days: int = F(
        "Délai de paiement (jours)", "Échéance par défaut, au plus un an", 30, ge=0, le=366
    )
    late_penalty: Text = F(
        "Pénalités de retard",
        "Mention obligatoire",
        "Pénalités de retard : trois fois le taux d'intérêt légal",
    )
    early_payment_discount: Text = F(
        "Escompte", "Mention obligatoire", "Pas d'escompte pour paiement anticipé"
    )
    recovery_indemnity: Amount = F(
        "Indemnité forfaitaire de recouvrement", "En euros, clients professionnels", Decimal(40)
    )
    vat_on_debits: bool = F(
        "TVA sur les débits", "Option pour le paiement de la taxe d'après les débits", False
    )


class User(Record):
    """Un membre de l'équipe."""

    name: Name = F("Nom", "Prénom et nom")
    email: Name | None = F("E-mail", "", None)
    phone: Name | None = F("Téléphone", "", None)
    hourly_cost: Amount | None = F("Coût horaire", "En euros, pour chiffrer les tâches", None)
    start_address: Text | None = F(
        "Adresse de départ",
        "Point de départ des itinéraires (sinon l'adresse de l'entreprise)",
        None,
    )
    password_env: str | None = F(
        "Variable du mot de passe",
        "Variable CARNET_… qui ouvre les projets privés dont il est membre (sinon .carnet-secrets.yaml : user/<id>)",
        None,
        pattern=r"^CARNET_[A-Z0-9_]+$",
    )


class Pipeline(Record):
    """Les étapes (« Type ») d'une nature d'interaction."""

    label: Name = F("Libellé", "Nom affiché, par exemple « Vente »")
    budget_sign: BudgetSign = F(
        "Signe du budget", "positive (ventes), negative (achats, coûts), any", BudgetSign.ANY
    )
    stages: list[Name] = F(
        "Étapes", "Dans l'ordre, par exemple « Vente - 1 - Prise de contact »", min_length=1
    )
    won: Name | None = F("Étape gagnée", "L'étape qui compte une affaire comme gagnée", None)
    lost: Name | None = F("Étape perdue", "L'étape qui compte une affaire comme perdue", None)
    committed_from: Name | None = F(
        "Engagé à partir de",
        "L'étape à partir de laquelle un achat compte (avant : prévu) ; sinon tout achat compte",
        None,
    )


class Resource(Record):
    """Une ressource réservable (salle, véhicule, matériel)."""

    name: Name = F("Nom", "Par exemple « Local 321 »")
    kind: Name = F("Nature", "room, vehicle, equipment…", "room")
    capacity: int | None = F("Capacité", "Nombre de places", None, ge=0)


class Renewals(Record):
    """Rappels des renouvellements de contrats."""

    notice_days: int = F(
        "Préavis (jours)",
        "Combien de jours avant la date de renouvellement le rappel apparaît",
        30,
        ge=0,
        le=366,
    )


class StockDefaults(Record):
    """Valeurs par défaut du stock."""

    alert_level: Amount | None = F(
        "Seuil d'alerte", "Seuil « bientôt hors stock » par défaut", None
    )


class Prospecting(Record):
    """Règles de consentement des campagnes."""

    b2b_requires_optin: bool = F(
        "Opt-in exigé en B2B",
        "true : les contacts d'une société ne reçoivent les campagnes qu'avec un opt-in",
        False,
    )


class Settings(Record):
    """Paramètres de l'entreprise."""

    stand_ins: ClassVar[bool] = False
    """Every record depends on the settings: a required field that failed is never
    stood in for (:func:`generator.schema.parse.validate_value`)."""

    firm: Firm = F("Entreprise", "Coordonnées reprises sur les documents")
    locale: str = F("Langue", "fr_FR (défaut) ou en", "fr_FR", pattern=r"^(fr|en)(_[A-Z]{2})?$")
    timezone: Name = F("Fuseau horaire", "Par exemple Europe/Paris", "Europe/Paris")
    currency: str = F("Devise", "Code ISO 4217", "EUR", pattern=r"^[A-Z]{3}$")
    vat_rates: list[VatRate] = F(
        "Taux de TVA",
        "Taux permis, en pour cent (de 0 à 100)",
        [Decimal(20), Decimal(10), Decimal("5.5"), Decimal("2.1"), Decimal(0)],
    )
    invoicing: Invoicing = F("Facturation", "Numérotation et mentions", Invoicing())
    users: dict[Name, User] = F("Utilisateurs", "L'équipe, par identifiant", min_length=1)
    pipelines: dict[Name, Pipeline] = F(
        "Pipelines",
        "Natures d'interaction (sale, purchase, project, support…) et leurs étapes",
        min_length=1,
    )
    media: list[Name] = FL("Médias", "Canaux de communication")
    sources: list[Name] = FL("Sources", "Origines des affaires")
    interests: list[Name] = FL("Centres d'intérêt", "Pour cibler les campagnes")
    resources: dict[Name, Resource] = F("Ressources", "Salles, véhicules… réservables", {})
    stock: StockDefaults = F("Stock", "Valeurs par défaut du stock", StockDefaults())
    renewals: Renewals = F("Renouvellements", "Rappels avant les renouvellements", Renewals())
    custom_fields: dict[CustomKind, dict[Name, CustomField]] = F(
        "Champs spécifiques", "Champs propres à l'entreprise, par nature de fiche", {}
    )
    prospecting: Prospecting = F(
        "Prospection", "Règles de consentement des campagnes", Prospecting()
    )
    questionnaires: dict[Name, Questionnaire] = F(
        "Questionnaires clients",
        "Conseillers (CGP, courtiers) : questionnaires KYC, leurs points et profils",
        {},
    )
    private_totals: bool = F(
        "Totaux avec les projets privés",
        "true : les totaux des pipelines comptent les montants des projets non publics",
        False,
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"fuseau horaire inconnu : {clip(value)}") from exc
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        from babel.numbers import list_currencies

        if value not in list_currencies():
            raise ValueError(f"devise inconnue : {value} (un code ISO 4217, par exemple EUR)")
        return value

    @property
    def lang(self) -> str:
        """``fr`` or ``en``."""
        return self.locale.split("_", 1)[0]

    def stage_pipeline(self, stage: str) -> str | None:
        """The pipeline key that owns ``stage``, if any."""
        for key, pipeline in self.pipelines.items():
            if stage in pipeline.stages:
                return key
        return None
