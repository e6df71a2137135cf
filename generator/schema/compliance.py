"""Advisers' compliance (CGP, brokers): client questionnaires in the settings, the filled
ones on a contact (``kyc:``), and a product's risk (SRI 1–7)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from generator.schema.common import FL, Amount, Answers, Day, F, Name, Record

Risk = Annotated[int, Field(ge=1, le=7)]
"""A product's synthetic risk indicator (SRI), from 1 (lowest) to 7."""


class QuestionType(StrEnum):
    """Nature d'une question."""

    CHOICE = "choice"
    MULTIPLE = "multiple"
    NUMBER = "number"
    TEXT = "text"


class Question(Record):
    """Une question du questionnaire, et les points de ses réponses."""

    label: Name = F("Libellé", "La question posée au client")
    type: QuestionType = F(
        "Nature", "choice (un choix), multiple (plusieurs), number (un nombre), text"
    )
    choices: dict[Name, int] = F(
        "Choix", "Chaque réponse possible et ses points (choice, multiple)", {}
    )
    min: Amount | None = F("Minimum", "Plus petit nombre permis (number)", None)
    max: Amount | None = F("Maximum", "Plus grand nombre permis (number)", None)
    points: list[tuple[Amount, int]] = FL(
        "Points par tranche",
        "number : [[borne haute, points], …] dans l'ordre ; au-delà de la dernière borne, ses points",
    )
    required: bool = F("Obligatoire", "Une réponse est exigée", True)


class ProfileBand(Record):
    """Un profil, par score total : le risque le plus haut qu'il permet."""

    name: Name = F("Nom", "Par exemple « Prudent », « Équilibré », « Dynamique »")
    max_score: int = F("Score maximal", "Les scores jusqu'à celui-ci (inclus) donnent ce profil")
    max_risk: Risk = F("Risque maximal", "Le risque (SRI 1 à 7) le plus haut permis")


class Questionnaire(Record):
    """Un questionnaire client (KYC) : questions, points et profils."""

    title: Name = F("Titre", "Par exemple « Profil investisseur »")
    validity_months: int = F(
        "Validité (mois)", "Durée de validité d'un questionnaire rempli", 24, ge=1, le=240
    )
    required_for_interests: list[Name] = FL(
        "Exigé pour", "Les centres d'intérêt des contacts qui doivent le remplir"
    )
    questions: dict[Name, Question] = F("Questions", "Par identifiant", min_length=1)
    profiles: list[ProfileBand] = F(
        "Profils", "Par score maximal croissant, chacun avec son risque maximal", min_length=1
    )


def _list_form(value: Any) -> Any:
    """``kyc:`` is a list of filled questionnaires; the former free mapping is refused
    with its own problem (``kyc-free-form``, a hint to the list form)."""
    if isinstance(value, dict):
        raise PydanticCustomError("carnet_problem", "kyc-free-form", {"code": "kyc-free-form"})
    return value


class FilledQuestionnaire(Record):
    """Un questionnaire rempli par le client."""

    questionnaire: Name = F("Questionnaire", "Identifiant dans settings.questionnaires")
    date: Day = F("Date", "Date à laquelle le client l'a rempli")
    answers: Answers = F("Réponses", "question: réponse (une liste pour multiple)", {})
    signed: bool = F("Signé", "Le client l'a signé", False)
    document: Name | None = F(
        "Document", "Le questionnaire signé, sous data/documents/ (chemin depuis la racine)", None
    )


Kyc = Annotated[list[FilledQuestionnaire], BeforeValidator(_list_form)]
"""A contact's filled questionnaires, in any order (the newest valid one is current)."""
