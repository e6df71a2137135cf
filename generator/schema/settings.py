"""``data/settings.yaml``: the firm, its team, pipelines and lists."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator

from generator.schema.common import FL, Address, Amount, BudgetSign, F, Record


class Firm(Record):
    """Coordonnées de l'entreprise (« coordonnées fusion »), reprises sur chaque document."""

    name: str = F("Raison sociale", "Nom de l'entreprise")
    legal_form: str | None = F("Forme juridique", "EI, EURL, SARL, SAS…", None)
    capital: Amount | None = F("Capital social", "Montant du capital en euros", None)
    address: Address = F("Adresse", "Adresse du siège")
    siren: str | None = F("SIREN", "9 chiffres, entre guillemets", None)
    siret: str | None = F("SIRET", "14 chiffres, entre guillemets", None)
    rcs: str | None = F("RCS", "Ville d'immatriculation, par exemple « RCS Lyon »", None)
    vat_number: str | None = F("N° de TVA", "Numéro de TVA intracommunautaire", None)
    vat_exempt: bool = F("Franchise de TVA", "TVA non applicable, art. 293 B du CGI", False)
    iban: str | None = F("IBAN", "Compte bancaire pour les paiements", None)
    bic: str | None = F("BIC", "Code BIC de la banque", None)
    phone: str | None = F("Téléphone", "Entre guillemets", None)
    email: str | None = F("E-mail", "Adresse e-mail de contact", None)
    website: str | None = F("Site web", "Adresse du site", None)
    logo: str | None = F("Logo", "Chemin du logo depuis la racine du dépôt", None)
    einvoice_address: str | None = F(
        "Adresse de facturation électronique", "Par défaut : le SIREN", None
    )


class Invoicing(Record):
    """Numérotation, conditions de paiement et mentions légales."""

    number_pattern: str = F(
        "Numérotation des factures",
        "Une série sans trou pour factures et avoirs ; {seq} repart à 1 chaque année si {year} y figure",
        "F{year}-{seq:04}",
    )
    quote_pattern: str = F("Numérotation des devis", "", "D{year}-{seq:04}")
    order_pattern: str = F("Numérotation des commandes", "", "C{year}-{seq:04}")
    delivery_pattern: str = F("Numérotation des bons de livraison", "", "BL{year}-{seq:04}")
    payment_terms_days: int = F("Délai de paiement (jours)", "Échéance par défaut", 30, ge=0)
    late_penalty: str = F(
        "Pénalités de retard",
        "Mention obligatoire",
        "Pénalités de retard : trois fois le taux d'intérêt légal",
    )
    early_payment_discount: str = F(
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

    name: str = F("Nom", "Prénom et nom")
    email: str | None = F("E-mail", "", None)
    phone: str | None = F("Téléphone", "", None)
    hourly_cost: Amount | None = F("Coût horaire", "En euros, pour chiffrer les tâches", None)
    start_address: str | None = F(
        "Adresse de départ",
        "Point de départ des itinéraires (sinon l'adresse de l'entreprise)",
        None,
    )


class Pipeline(Record):
    """Les étapes (« Type ») d'une nature d'interaction."""

    label: str = F("Libellé", "Nom affiché, par exemple « Vente »")
    budget_sign: BudgetSign = F(
        "Signe du budget", "positive (ventes), negative (achats, coûts), any", BudgetSign.ANY
    )
    stages: list[str] = F(
        "Étapes", "Dans l'ordre, par exemple « Vente - 1 - Prise de contact »", min_length=1
    )
    won: str | None = F("Étape gagnée", "L'étape qui compte une affaire comme gagnée", None)
    lost: str | None = F("Étape perdue", "L'étape qui compte une affaire comme perdue", None)


class Resource(Record):
    """Une ressource réservable (salle, véhicule, matériel)."""

    name: str = F("Nom", "Par exemple « Local 321 »")
    kind: str = F("Nature", "room, vehicle, equipment…", "room")
    capacity: int | None = F("Capacité", "Nombre de places", None, ge=0)


class StockDefaults(Record):
    """Valeurs par défaut du stock."""

    alert_level: Amount | None = F(
        "Seuil d'alerte", "Seuil « bientôt hors stock » par défaut", None
    )


class Settings(Record):
    """Paramètres de l'entreprise."""

    firm: Firm = F("Entreprise", "Coordonnées reprises sur les documents")
    locale: str = F("Langue", "fr_FR (défaut) ou en", "fr_FR", pattern=r"^(fr|en)(_[A-Z]{2})?$")
    timezone: str = F("Fuseau horaire", "Par exemple Europe/Paris", "Europe/Paris")
    currency: str = F("Devise", "Code ISO 4217", "EUR", pattern=r"^[A-Z]{3}$")
    vat_rates: list[Amount] = F(
        "Taux de TVA",
        "Taux permis, en pour cent",
        [Decimal(20), Decimal(10), Decimal("5.5"), Decimal("2.1"), Decimal(0)],
    )
    invoicing: Invoicing = F("Facturation", "Numérotation et mentions", Invoicing())
    users: dict[str, User] = F("Utilisateurs", "L'équipe, par identifiant", min_length=1)
    pipelines: dict[str, Pipeline] = F(
        "Pipelines",
        "Natures d'interaction (sale, purchase, project, support…) et leurs étapes",
        min_length=1,
    )
    media: list[str] = FL("Médias", "Canaux de communication")
    sources: list[str] = FL("Sources", "Origines des affaires")
    interests: list[str] = FL("Centres d'intérêt", "Pour cibler les campagnes")
    resources: dict[str, Resource] = F("Ressources", "Salles, véhicules… réservables", {})
    stock: StockDefaults = F("Stock", "Valeurs par défaut du stock", StockDefaults())

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"fuseau horaire inconnu : {value}") from exc
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
