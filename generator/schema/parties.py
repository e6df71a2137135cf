"""Companies, contacts and projects."""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar, Literal

from pydantic import model_validator

from generator.schema.common import (
    FL,
    Address,
    BounceKind,
    CompanyKind,
    Day,
    F,
    Name,
    Record,
    RecordId,
    Text,
)
from generator.schema.compliance import Kyc
from generator.schema.custom import CustomValues, custom_values


class Company(Record):
    """Une société : client, prospect, fournisseur ou partenaire."""

    name: Name = F("Raison sociale", "Nom de la société")
    kind: CompanyKind = F(
        "Nature", "client, prospect, supplier (fournisseur) ou partner (partenaire)"
    )
    legal_form: Name | None = F("Forme juridique", "SARL, SAS…", None)
    siren: Name | None = F("SIREN", "9 chiffres, entre guillemets", None)
    siret: Name | None = F("SIRET", "14 chiffres, entre guillemets", None)
    vat_number: Name | None = F("N° de TVA", "Numéro de TVA intracommunautaire", None)
    address: Address | None = F("Adresse", "Adresse de facturation", None)
    delivery_address: Address | None = F("Adresse de livraison", "Si elle diffère", None)
    einvoice_address: Name | None = F(
        "Adresse de facturation électronique", "Par défaut : déduite du SIREN", None
    )
    phone: Name | None = F("Téléphone", "Entre guillemets", None)
    email: Name | None = F("E-mail", "", None)
    website: Name | None = F("Site web", "", None)
    interests: list[Name] = FL("Centres d'intérêt", "Valeurs de settings.interests")
    note: Text | None = F("Note", "Texte libre (Markdown)", None)
    custom: CustomValues = custom_values()

    keeps_unknown: ClassVar[bool] = True
    """Unknown top-level keys are kept in ``custom`` (the firm's own fields)."""


class Optin(Record):
    """Consentement à recevoir des campagnes."""

    date: Day = F("Date", "Date du consentement")
    source: Name | None = F("Source", "Où le consentement a été donné", None)
    campaign: RecordId | None = F(
        "Campagne", "La campagne dont le message a été répondu (désinscription)", None
    )


class Bounce(Record):
    """Un retour d'e-mail."""

    date: Day = F("Date", "Date du retour")
    kind: BounceKind = F(
        "Type", "soft (temporaire), hard (adresse inexistante), domain (domaine disparu)"
    )
    address: Name | None = F("Adresse", "L'adresse qui a rebondi", None)
    campaign: RecordId | None = F("Campagne", "La campagne du message", None)
    status: Name | None = F("Statut", "Code de l'avis de non-remise, par exemple 5.1.1", None)
    message_id: Name | None = F("Message-ID", "Identifiant de l'avis de non-remise", None)
    note: Text | None = F("Note", "", None)


class Contact(Record):
    """Une personne : employé d'une société ou particulier."""

    civility: Name | None = F("Civilité", "M., Mme…", None)
    first_name: Name | None = F("Prénom", "", None)
    last_name: Name = F("Nom", "Nom de famille")
    company: RecordId | None = F(
        "Société", "Identifiant de la société (aucune pour un particulier)", None
    )
    role: Name | None = F("Fonction", "", None)
    email: Name | None = F("E-mail", "", None)
    phone: Name | None = F("Téléphone", "Entre guillemets", None)
    mobile: Name | None = F("Mobile", "Entre guillemets", None)
    address: Address | None = F("Adresse", "", None)
    interests: list[Name] = FL("Centres d'intérêt", "Valeurs de settings.interests")
    optin: Optin | None = F(
        "Opt-in", "Consentement aux campagnes ; absent : pas de consentement", None
    )
    optout: Optin | None = F(
        "Opt-out", "Refus des campagnes ; l'emporte sur un opt-in antérieur", None
    )
    bounces: list[Bounce] = FL("Retours d'e-mail", "Bounces enregistrés")
    kyc: Kyc = FL(
        "Questionnaires clients (KYC)",
        "Les questionnaires remplis (settings.questionnaires), le plus récent valide fait foi",
    )
    note: Text | None = F("Note", "Texte libre (Markdown)", None)
    custom: CustomValues = custom_values()

    keeps_unknown: ClassVar[bool] = True
    """Unknown top-level keys are kept in ``custom`` (the firm's own fields)."""

    @property
    def full_name(self) -> str:
        """First and last name."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Member(Record):
    """Un utilisateur membre d'un projet."""

    user: Name = F("Utilisateur", "Identifiant dans settings.users")
    role: Name | None = F("Rôle", "", None)


class Link(Record):
    """Une société ou un contact lié à un projet, avec son rôle."""

    id: RecordId = F("Identifiant", "Identifiant de la fiche liée")
    role: Name | None = F("Rôle", "Par exemple « client », « key user »", None)


class Person(Record):
    """Une personne qui ouvre l'extranet avec son propre mot de passe."""

    contact: RecordId | None = F(
        "Contact", "Identifiant du contact (son identifiant de connexion)", None
    )
    name: Name | None = F("Nom", "Une personne sans fiche contact (avec son e-mail)", None)
    email: Name | None = F(
        "E-mail", "Son identifiant de connexion (défaut : celui du contact)", None
    )
    password_env: str | None = F(
        "Variable du mot de passe",
        "Variable d'environnement CARNET_… (sinon .carnet-secrets.yaml : <projet>/<personne>)",
        None,
        pattern=r"^CARNET_[A-Z0-9_]+$",
    )

    @model_validator(mode="after")
    def _one_identity(self) -> Person:
        if (self.contact is None) == (self.name is None):
            raise ValueError("indiquez soit « contact », soit « name »")
        return self

    @property
    def key(self) -> str:
        """Who this is, in secrets, proposals and branches: the contact id, else the name
        made an identifier."""
        return self.contact or slug(self.name or "")


EDITABLE = ("type", "next_step", "date", "budget", "note")
"""The fields of an interaction a person may propose to change from an extranet."""


class Extranet(Record):
    """Extranet client du projet."""

    enabled: bool = F("Activé", "Publier un extranet pour ce projet", False)
    password_env: str | None = F(
        "Variable du mot de passe",
        "Nom de la variable d'environnement qui contient le mot de passe, commençant par CARNET_ (jamais le mot de passe lui-même)",
        None,
        pattern=r"^CARNET_[A-Z0-9_]+$",
    )
    people: list[Person] = FL(
        "Personnes", "Qui ouvre l'extranet, chacun avec son mot de passe (au lieu d'un partagé)"
    )
    kinds: list[Name] = FL("Natures visibles", "Natures d'interaction que le client voit")
    proposals: bool = F(
        "Propositions", "true : les personnes proposent des modifications (avec people)", False
    )
    editable: list[Literal["type", "next_step", "date", "budget", "note"]] = FL(
        "Champs modifiables", "Ceux que les personnes peuvent proposer de changer"
    )


class Project(Record):
    """Un projet : espace de travail collaboratif."""

    title: Name = F("Titre", "Par exemple « Extranet client / Mes Beaux Sapins »")
    start: Day | None = F("Début", "", None)
    end: Day | None = F("Fin", "", None)
    public: bool = F("Public", "false : visible des seuls membres", True)
    members: list[Member] = FL("Membres", "Utilisateurs et leur rôle")
    companies: list[Link] = FL("Sociétés", "Sociétés liées et leur rôle")
    contacts: list[Link] = FL("Contacts", "Contacts liés et leur rôle")
    extranet: Extranet | None = F("Extranet", "Extranet client (facultatif)", None)
    note: Text | None = F("Note", "Texte libre (Markdown)", None)


def slug(text: str) -> str:
    """``Paul Martin`` → ``paul-martin`` (lower case, no accent, dashes)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return "-".join(w for w in re.split(r"[^a-z0-9]+", plain) if w)
