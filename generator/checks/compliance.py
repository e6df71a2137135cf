"""Advisers' compliance (CGP, brokers): client questionnaires and recommendations.

- the settings: each questionnaire's profile bands are in increasing order and cover
  every score its answers can give (``kyc-bands-order``, ``kyc-bands-uncovered``);
- each filled questionnaire of a contact (``kyc:``): a known questionnaire, every answer
  fits its question (choices, bounds), no unknown question, no required one missing;
- a contact whose interest centres ask for a questionnaire has one (``kyc-missing``);
- each recommendation (:mod:`generator.book.compliance`) is judged against the profile
  valid at its date: ``kyc-inadequate`` (``kyc-justified`` when the interaction says why
  in ``adequacy_justification:``), ``kyc-missing``, ``kyc-expired``, ``kyc-unsigned``.

A questionnaire expiring as days pass is no problem (``--strict`` in CI must not start
failing): the compliance page of the site lists them.
"""

from __future__ import annotations

from typing import Any

from generator.book.book import Book
from generator.book.compliance import Recommendation, Verdict
from generator.book.questionnaires import band_gaps, score_answers
from generator.checks.base import at, label
from generator.files.layout import SETTINGS_PATH
from generator.locale import number
from generator.problems import Problem, clip, did_you_mean


def check_compliance(book: Book) -> list[Problem]:
    """Questionnaires of the settings and of the contacts, and every recommendation."""
    return [
        *_check_products(book),
        *_check_bands(book),
        *_check_answers(book),
        *_check_required(book),
        *_check_recommendations(book),
    ]


def _check_products(book: Book) -> list[Problem]:
    """Each id of an interaction's ``products:`` names a product."""
    known = book.ids.get("product", frozenset())
    return [
        at(
            book,
            entry.path,
            ("products", index),
            "ref-unknown",
            target=label("product", book.lang),
            kind="product",
            id=product,
            suggestion=did_you_mean(product, known, book.lang),
        )
        for entry in book.of("interaction")
        for index, product in enumerate(entry.record.products)
        if product not in known
    ]


def _check_bands(book: Book) -> list[Problem]:
    problems: list[Problem] = []
    interests = book.settings.interests
    for key, questionnaire in book.settings.questionnaires.items():
        for index, interest in enumerate(questionnaire.required_for_interests):
            if interest not in interests:
                problems.append(
                    at(
                        book,
                        SETTINGS_PATH,
                        ("questionnaires", key, "required_for_interests", index),
                        "list-value-unknown",
                        field="required_for_interests",
                        value=interest,
                        setting="interests",
                        suggestion=did_you_mean(interest, interests, book.lang),
                    )
                )
        loc: tuple[Any, ...] = ("questionnaires", key, "profiles")
        for kind, params in band_gaps(questionnaire):
            if kind == "order":
                index = params.pop("index")
                problems.append(
                    at(
                        book,
                        SETTINGS_PATH,
                        (*loc, index, "max_score"),
                        "kyc-bands-order",
                        questionnaire=key,
                        **params,
                    )
                )
            else:
                problems.append(
                    at(book, SETTINGS_PATH, loc, "kyc-bands-uncovered", questionnaire=key, **params)
                )
    return problems


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, str):
        return f"'{clip(value)}'" if lang.startswith("en") else f"« {clip(value)} »"
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return number(value, lang)
    return clip(str(value)) if not isinstance(value, list | dict) else clip(repr(value))


def _bounds(params: dict[str, Any], lang: str) -> str:
    low, high = params.get("min"), params.get("max")
    en = lang.startswith("en")
    parts = []
    if low is not None:
        parts.append(("min " if en else "au moins ") + number(low, lang))
    if high is not None:
        parts.append(("max " if en else "au plus ") + number(high, lang))
    return ", ".join(parts)


def _check_answers(book: Book) -> list[Problem]:
    problems: list[Problem] = []
    questionnaires = book.settings.questionnaires
    for entry in book.of("contact"):
        for index, filled in enumerate(entry.record.kyc):
            loc: tuple[Any, ...] = ("kyc", index)
            questionnaire = questionnaires.get(filled.questionnaire)
            if questionnaire is None:
                problems.append(
                    at(
                        book,
                        entry.path,
                        (*loc, "questionnaire"),
                        "kyc-questionnaire-unknown",
                        id=filled.questionnaire,
                        suggestion=did_you_mean(filled.questionnaire, questionnaires, book.lang),
                    )
                )
                continue
            for issue in score_answers(questionnaire, filled.answers).issues:
                params = dict(issue.params)
                where: tuple[Any, ...] = (*loc, "answers", issue.question)
                if issue.code == "kyc-answer-missing":
                    where = (*loc, "answers") if filled.answers else loc
                elif issue.code == "kyc-question-unknown":
                    params = {
                        "questionnaire": filled.questionnaire,
                        "suggestion": did_you_mean(issue.question, params["known"], book.lang),
                    }
                elif issue.code == "kyc-answer-out-of-range":
                    params = {
                        "value": number(params["value"], book.lang),
                        "bounds": _bounds(params, book.lang),
                    }
                elif issue.code == "kyc-answer-invalid":
                    params["value"] = _shown(params["value"], book.lang)
                    params["allowed"] = params["allowed"] or "none"
                problems.append(
                    at(book, entry.path, where, issue.code, question=issue.question, **params)
                )
    return problems


def _check_required(book: Book) -> list[Problem]:
    """A contact whose interest centres ask for a questionnaire has filled one."""
    problems: list[Problem] = []
    for kyc in book.compliance.contacts.values():
        entry = book.contacts[kyc.contact]
        if not kyc.required or kyc.profiles or "kyc" in entry.faulty:
            continue  # a kyc: that did not validate has its own problem
        interest, questionnaire = next(
            (i, q)
            for i in entry.record.interests
            for q in book.settings.questionnaires.values()
            if i in q.required_for_interests
        )
        problems.append(
            at(
                book,
                entry.path,
                ("interests",),
                "kyc-missing",
                where="contact",
                contact=entry.record.full_name,
                questionnaire=questionnaire.title,
                interest=interest,
                product="",
            )
        )
    return problems


def _product_loc(book: Book, recommendation: Recommendation, product: str) -> tuple[Any, ...]:
    """Where ``product`` is named on the recommending interaction."""
    r = book.interactions[recommendation.interaction].record
    if product in r.products:
        return ("products", r.products.index(product))
    lines = r.document.lines if r.document is not None else []
    index = next(i for i, line in enumerate(lines) if line.product == product)
    return ("document", "lines", index, "product")


def _check_recommendations(book: Book) -> list[Problem]:
    problems: list[Problem] = []
    for rec in book.compliance.recommendations.values():
        path = book.interactions[rec.interaction].path
        contact = book.contacts[rec.contact].record.full_name
        first = rec.products[0][0]
        names = {"contact": contact, "product": book.products[first].record.name}
        profile = rec.profile
        if rec.verdict is Verdict.MISSING:
            problems.append(
                at(
                    book,
                    path,
                    ("contact",),
                    "kyc-missing",
                    where="recommendation",
                    questionnaire="",
                    interest="",
                    **names,
                )
            )
            continue
        if rec.verdict is Verdict.EXPIRED:
            kyc = book.compliance.contacts[rec.contact]
            last = next(p for p in kyc.profiles if p.date <= rec.date)
            problems.append(
                at(
                    book,
                    path,
                    ("date",),
                    "kyc-expired",
                    day=rec.date,
                    filled=last.date,
                    until=last.valid_until,
                    **names,
                )
            )
            continue
        assert profile is not None
        if not profile.signed:
            problems.append(
                at(book, path, ("contact",), "kyc-unsigned", contact=contact, filled=profile.date)
            )
        if rec.verdict in (Verdict.INADEQUATE, Verdict.JUSTIFIED):
            product, risk = max(rec.above, key=lambda p: p[1])
            params = {
                "contact": contact,
                "product": book.products[product].record.name,
                "risk": risk,
                "profile": profile.profile,
                "max_risk": profile.max_risk,
            }
            if rec.verdict is Verdict.INADEQUATE:
                loc = _product_loc(book, rec, product)
                problems.append(at(book, path, loc, "kyc-inadequate", day=profile.date, **params))
            else:
                justification = clip(rec.justification or "", 200)
                problems.append(
                    at(
                        book,
                        path,
                        ("adequacy_justification",),
                        "kyc-justified",
                        reason=justification,
                        **params,
                    )
                )
    return problems
