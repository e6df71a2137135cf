"""E-mail campaigns (``data/campaigns/<id>.yaml``) and their send logs (``<id>.sent.yaml``)."""

from __future__ import annotations

from enum import StrEnum

from generator.schema.common import FL, Day, F, LocalDateTime, Name, Record, RecordId, Text


class TargetKind(StrEnum):
    """Nature des destinataires : nature de leur société, ou particulier."""

    CLIENT = "client"
    PROSPECT = "prospect"
    SUPPLIER = "supplier"
    PARTNER = "partner"
    PRIVATE = "private"


class Target(Record):
    """Qui reçoit la campagne (avant les règles de consentement)."""

    interests_any: list[Name] = FL(
        "Au moins un de ces centres d'intérêt", "Valeurs de settings.interests"
    )
    interests_all: list[Name] = FL("Tous ces centres d'intérêt", "Valeurs de settings.interests")
    interests_none: list[Name] = FL(
        "Aucun de ces centres d'intérêt", "Valeurs de settings.interests"
    )
    kinds: list[TargetKind] = FL(
        "Natures",
        "Natures de société (client, prospect, supplier, partner) ; private : contacts sans "
        "société. Vide : toutes",
    )
    include: list[RecordId] = FL("Ajoutés", "Contacts ajoutés à la main (identifiants)")
    exclude: list[RecordId] = FL("Exclus", "Contacts exclus à la main (identifiants)")


class Campaign(Record):
    """Une campagne d'e-mails de prospection."""

    name: Name = F("Nom", "Par exemple « Vœux 2027 et offre sapins »")
    date: Day = F("Date", "Date prévue de l'envoi")
    target: Target = F("Cible", "Centres d'intérêt, natures, ajouts et exclusions", Target())
    from_: Name = F(
        "Expéditeur", "Par exemple « Atelier Dupont <contact@atelier-dupont.fr> »", alias="from"
    )
    reply_to: Name | None = F("Répondre à", "Adresse des réponses (et des désinscriptions)", None)
    subject: Name = F(
        "Objet", "Objet du message, avec balises de fusion ({{ contact.first_name }})"
    )
    body: Text = F(
        "Message",
        "Markdown avec balises de fusion (contact, company, firm) ; "
        "Carnet ajoute le pied de page de désinscription",
    )
    note: Text | None = F("Note", "Texte libre, jamais envoyé", None)


class SendState(StrEnum):
    """État d'un envoi dans le journal."""

    SENDING = "en cours"
    SENT = "envoyé"


class Sending(Record):
    """Un destinataire dans le journal d'envoi."""

    contact: RecordId = F("Contact", "Identifiant du contact")
    address: Name = F("Adresse", "Adresse e-mail utilisée")
    message_id: Name = F("Message-ID", "Identifiant du message envoyé")
    state: SendState = F("État", "en cours, envoyé")
    time: LocalDateTime = F("Heure", "Début (en cours) ou fin (envoyé) de l'envoi")


class SendLog(Record):
    """Journal d'envoi d'une campagne, écrit par carnet campaign send (jamais à la main)."""

    campaign: RecordId = F("Campagne", "Identifiant de la campagne")
    sendings: list[Sending] = FL("Envois", "Un par destinataire")
