"""Interaction kinds and stages, budget signs, and values taken from settings lists."""

from __future__ import annotations

from decimal import Decimal

from generator.book.book import Book
from generator.book.records import Entry
from generator.checks.base import at
from generator.checks.memo import CheckMemo
from generator.files.layout import SETTINGS_PATH
from generator.problems import Problem, did_you_mean
from generator.schema.common import BudgetSign

_SIGN_WORDS = {
    "fr": {"positive": "positif", "negative": "négatif", "zero": "nul"},
    "en": {"positive": "positive", "negative": "negative", "zero": "zero"},
}


def check_pipeline_settings(book: Book) -> list[Problem]:
    """``won``, ``lost`` and ``committed_from`` of each pipeline are among its stages."""
    settings = book.settings
    if settings is None:
        return []
    problems: list[Problem] = []
    for key, pipeline in settings.pipelines.items():
        for field in ("won", "lost", "committed_from"):
            stage = getattr(pipeline, field)
            if stage is not None and stage not in pipeline.stages:
                problems.append(
                    at(
                        book,
                        SETTINGS_PATH,
                        ("pipelines", key, field),
                        "settings-stage-unknown",
                        stage=stage,
                        field=field,
                        pipeline=pipeline.label,
                    )
                )
    return problems


def check_stages(book: Book, memo: CheckMemo | None = None) -> list[Problem]:
    """``kind`` is a pipeline, ``type`` one of its stages, the budget has its sign
    (``memo``: see :mod:`generator.checks.memo`; an interaction's problems depend on it,
    the settings and the language)."""
    settings = book.settings
    if settings is None:
        return []
    lang = book.lang
    english = lang.startswith("en")
    words = _SIGN_WORDS["en" if english else "fr"]

    def problems_of(entry: Entry) -> list[Problem]:
        r = entry.record
        pipeline = settings.pipelines.get(r.kind)
        if pipeline is None:
            return [
                at(
                    book,
                    entry.path,
                    ("kind",),
                    "kind-unknown",
                    kind=r.kind,
                    allowed=", ".join(settings.pipelines),
                    suggestion=did_you_mean(r.kind, settings.pipelines, lang),
                )
            ]
        problems: list[Problem] = []
        if r.type not in pipeline.stages:
            owner = settings.stage_pipeline(r.type)
            if owner is not None:
                other = settings.pipelines[owner]
                suggestion = (
                    f"this stage belongs to the {other.label} pipeline (kind: {owner})"
                    if english
                    else f"cette étape appartient au pipeline {other.label} (kind: {owner})"
                )
            else:
                suggestion = did_you_mean(r.type, pipeline.stages, lang) or (
                    ("stages: " if english else "étapes : ") + ", ".join(pipeline.stages)
                )
            problems.append(
                at(
                    book,
                    entry.path,
                    ("type",),
                    "stage-invalid",
                    stage=r.type,
                    pipeline=pipeline.label,
                    suggestion=suggestion,
                )
            )
        if r.document is not None:
            if r.budget is not None:
                problems.append(at(book, entry.path, ("budget",), "budget-on-document"))
            return problems
        problem = _budget_sign(
            book, entry.path, r.budget, pipeline.budget_sign, pipeline.label, words
        )
        if problem is not None:
            problems.append(problem)
        return problems

    if memo is None:
        return [problem for entry in book.of("interaction") for problem in problems_of(entry)]
    return memo.per_record("stages", (lang, settings), book.of("interaction"), problems_of)


def _budget_sign(book, path, budget, sign, pipeline_label, words) -> Problem | None:
    if budget is None or budget == 0 or sign is BudgetSign.ANY:
        return None
    if sign is BudgetSign.POSITIVE and budget < 0:
        found, expected = words["negative"], words["positive"]
    elif sign is BudgetSign.NEGATIVE and budget > 0:
        found, expected = words["positive"], words["negative"]
    else:
        return None
    english = book.lang.startswith("en")
    flipped = -Decimal(budget)
    hint = f"write budget: {flipped}" if english else f"écrivez budget: {flipped}"
    return at(
        book,
        path,
        ("budget",),
        "budget-sign",
        sign=found,
        expected=expected,
        pipeline=pipeline_label,
        hint=hint,
    )


def check_settings_lists(book: Book) -> list[Problem]:
    """Media, sources, interests and extranet kinds come from settings."""
    settings = book.settings
    if settings is None:
        return []
    problems: list[Problem] = []
    lang = book.lang

    def bad(path, loc, field, value, allowed, setting) -> None:
        if value is not None and value not in allowed:
            problems.append(
                at(
                    book,
                    path,
                    loc,
                    "list-value-unknown",
                    field=field,
                    value=value,
                    setting=setting,
                    suggestion=did_you_mean(value, allowed, lang),
                )
            )

    media, sources, interests = set(settings.media), set(settings.sources), set(settings.interests)
    for entry in book.of("interaction"):
        r = entry.record
        if settings.media:
            bad(entry.path, ("media",), "media", r.media, media, "media")
        if settings.sources:
            bad(entry.path, ("source",), "source", r.source, sources, "sources")
    for kind in ("company", "contact"):
        for entry in book.of(kind):
            for i, interest in enumerate(entry.record.interests):
                bad(entry.path, ("interests", i), "interests", interest, interests, "interests")
    for entry in book.of("project"):
        extranet = entry.record.extranet
        if extranet is not None:
            for i, kind in enumerate(extranet.kinds):
                bad(
                    entry.path,
                    ("extranet", "kinds", i),
                    "extranet.kinds",
                    kind,
                    set(settings.pipelines),
                    "pipelines",
                )
    return problems
