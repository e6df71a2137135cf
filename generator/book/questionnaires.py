"""Scoring a filled client questionnaire (KYC): its answers read against the questions
of ``settings.questionnaires``, their points, the profile band of the total.

One reading of the answers serves everything: the Book's profiles, the problems of
``carnet validate`` (an answer that is not among the choices, a number out of bounds, an
unknown or missing question) and the printed questionnaire. An answer that does not fit
its question counts no point.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.schema.compliance import ProfileBand, Question, Questionnaire, QuestionType


@dataclass(frozen=True, slots=True)
class AnswerIssue:
    """An answer that does not fit the questionnaire: the problem code, the question it
    is about, and the message's parameters."""

    code: str
    question: str
    params: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One question as answered: its label, the answer (``None``: unanswered; a list for
    several choices) and the points it brought."""

    question: str
    label: str
    answer: Any
    points: int


@dataclass(frozen=True, slots=True)
class Scored:
    """A filled questionnaire read against its questions."""

    score: int
    rows: tuple[AnswerRow, ...]
    issues: tuple[AnswerIssue, ...]
    band: ProfileBand | None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _number_points(question: Question, value: Decimal) -> int:
    """The points of the first ``[upper bound, points]`` pair that ``value`` does not
    exceed; above the last bound, the last pair's points."""
    for upper, points in question.points:
        if value <= upper:
            return points
    return question.points[-1][1] if question.points else 0


def _read(key: str, question: Question, value: Any) -> tuple[int, AnswerIssue | None]:
    """The points of one answer, or the issue that makes it count none."""
    allowed = ", ".join(question.choices)
    if question.type is QuestionType.CHOICE:
        if isinstance(value, str) and value in question.choices:
            return question.choices[value], None
        return 0, AnswerIssue("kyc-answer-invalid", key, (("value", value), ("allowed", allowed)))
    if question.type is QuestionType.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        strange = [v for v in values if not (isinstance(v, str) and v in question.choices)]
        if strange:
            params = (("value", strange[0]), ("allowed", allowed))
            return 0, AnswerIssue("kyc-answer-invalid", key, params)
        return sum(question.choices[v] for v in dict.fromkeys(values)), None
    if question.type is QuestionType.NUMBER:
        if not _is_number(value):
            return 0, AnswerIssue("kyc-answer-invalid", key, (("value", value), ("allowed", "")))
        number = Decimal(str(value))
        low, high = question.min, question.max
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = (("value", number), ("min", low), ("max", high))
            return 0, AnswerIssue("kyc-answer-out-of-range", key, bounds)
        return _number_points(question, number), None
    if not isinstance(value, str):
        return 0, AnswerIssue("kyc-answer-invalid", key, (("value", value), ("allowed", "")))
    return 0, None


def band_of(questionnaire: Questionnaire, score: int) -> ProfileBand | None:
    """The profile of ``score``: the first band (by ``max_score``) that reaches it."""
    for band in sorted(questionnaire.profiles, key=lambda b: b.max_score):
        if score <= band.max_score:
            return band
    return None


def score_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> Scored:
    """Read ``answers`` against ``questionnaire``: total score, rows, issues, profile."""
    rows: list[AnswerRow] = []
    issues: list[AnswerIssue] = []
    total = 0
    for key, question in questionnaire.questions.items():
        if key not in answers or answers[key] is None:
            if question.required:
                issues.append(AnswerIssue("kyc-answer-missing", key, (("label", question.label),)))
            rows.append(AnswerRow(key, question.label, None, 0))
            continue
        points, issue = _read(key, question, answers[key])
        if issue is not None:
            issues.append(issue)
        total += points
        rows.append(AnswerRow(key, question.label, answers[key], points))
    for key in answers:
        if key not in questionnaire.questions:
            known = tuple(questionnaire.questions)
            issues.append(AnswerIssue("kyc-question-unknown", key, (("known", known),)))
    return Scored(total, tuple(rows), tuple(issues), band_of(questionnaire, total))


def _question_range(question: Question) -> tuple[int, int]:
    """The lowest and highest points one question can bring."""
    if question.type is QuestionType.TEXT:
        return 0, 0
    if question.type is QuestionType.NUMBER:
        values = [p for _, p in question.points] or [0]
    elif question.type is QuestionType.MULTIPLE:
        points = list(question.choices.values())
        values = [sum(p for p in points if p < 0), sum(p for p in points if p > 0), 0]
    else:
        values = list(question.choices.values()) or [0]
    if not question.required:
        values.append(0)
    return min(values), max(values)


def score_range(questionnaire: Questionnaire) -> tuple[int, int]:
    """The lowest and highest total score the questionnaire can give."""
    ranges = [_question_range(q) for q in questionnaire.questions.values()]
    return sum(low for low, _ in ranges), sum(high for _, high in ranges)


def band_gaps(questionnaire: Questionnaire) -> Iterator[tuple[str, dict[str, Any]]]:
    """What is wrong with the profile bands: ``("order", …)`` for a band whose
    ``max_score`` does not exceed the one before it (it can never be reached), and
    ``("uncovered", …)`` when the highest possible score lies above every band."""
    previous: ProfileBand | None = None
    for index, band in enumerate(questionnaire.profiles):
        if previous is not None and band.max_score <= previous.max_score:
            yield "order", {"index": index, "name": band.name, "previous": previous.name}
        previous = band
    low, high = score_range(questionnaire)
    top = max(b.max_score for b in questionnaire.profiles)
    if high > top:
        yield "uncovered", {"low": max(low, top + 1), "high": high, "top": top}
