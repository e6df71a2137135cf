"""Helpers to report a problem on a record's field."""

from __future__ import annotations

from typing import Any

from generator.book.book import Book
from generator.problems import Loc, Problem, make_problem


def at(book: Book, path: str, loc: Loc, code: str, **params: Any) -> Problem:
    """A problem on the value at ``loc`` in ``path``; its line is found later."""
    return make_problem(code, path, line=0, column=0, loc=loc, lang=book.lang, **params)


TARGET_LABELS = {
    "company": ("société", "company"),
    "contact": ("contact", "contact"),
    "project": ("projet", "project"),
    "interaction": ("interaction", "interaction"),
    "product": ("produit", "product"),
    "movement": ("mouvement", "movement"),
    "user": ("utilisateur", "user"),
    "resource": ("ressource", "resource"),
}


def label(target: str, lang: str) -> str:
    """The label of a reference target in ``lang``."""
    fr, en = TARGET_LABELS.get(target, (target, target))
    return en if lang.startswith("en") else fr
