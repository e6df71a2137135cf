"""Which extranets ``carnet extranet`` builds: the projects chosen and their passwords,
checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.book.book import Book
from generator.documents.batch import build_tracked
from generator.extranet.output import check_outputs
from generator.extranet.passwords import ProjectPassword, project_passwords, read_secrets
from generator.extranet.people import PersonPassword, people_passwords
from generator.files.output import output_dir
from generator.problems import Problem, Refused


@dataclass(frozen=True, slots=True)
class ExtranetPlan:
    """The extranets to build: the projects chosen, their passwords, and the located
    problems about passwords (reported; an error among them fails the run)."""

    projects: list[str]
    passwords: dict[str, ProjectPassword]
    problems: list[Problem]
    named: tuple[str, ...] = ()
    """The projects named on the command line (none: every enabled extranet)."""
    people: dict[str, tuple[PersonPassword, ...]] = field(default_factory=dict)
    """The people of each extranet that lists ``people:``, with their passwords."""


def plan_extranets(
    repo: Path, book: Book, names: tuple[str, ...], out_root: Path, lang: str
) -> ExtranetPlan:
    """The extranets of ``names`` (default: every enabled one) and their passwords.

    Refused for an unknown project (usage) and for an output folder Carnet must not
    replace (:func:`generator.extranet.output.check_outputs`: ``out_root`` holds one
    folder per project; when it is the repository's ``build/extranet`` it must really
    lie in ``build/``). Nothing is written.
    """
    unknown = [n for n in names if n not in book.projects]
    if unknown:
        raise Refused("extranet-unknown-project", known=", ".join(unknown))
    chosen = list(names) or [
        key for key, e in book.projects.items() if e.record.extranet and e.record.extranet.enabled
    ]
    default = output_dir(repo, "extranet", create=False)
    default_root = out_root.absolute() == default.absolute()
    check_outputs(repo, out_root, chosen, default=default_root)
    passwords, problems = project_passwords(repo, book, chosen, lang)
    problems += build_tracked(repo, lang)
    secrets, _ = read_secrets(repo, lang)
    people = {
        key: people_passwords(book, key, secrets)
        for key in chosen
        if (extranet := book.projects[key].record.extranet) and extranet.people
    }
    return ExtranetPlan(chosen, passwords, problems, names, people)
