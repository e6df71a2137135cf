"""The sealed areas of private projects inside the internal site.

The plain internal site never holds a private project (:mod:`generator.book.privacy`);
each one gets instead an area under ``prive/<random hex>/`` of the site, built as an
extranet of the project for its members (every interaction kind, internal notes and
the firm's costs left out as for any extranet) and sealed with a random project key
wrapped once for each member (:mod:`generator.extranet.keyring`), with the attachments
of its interactions and the PDFs of its issued documents: each member's own
key is derived with PBKDF2-HMAC-SHA256 (600,000 rounds) from their password,
``settings.users.<user>.password_env`` or ``user/<id>`` in ``.carnet-secrets.yaml``,
judged by the same strength rule as every password. All areas of one build share one
salt, so a member who unlocked one area opens their others without typing again.

Nothing of a key is written in clear, nor kept between builds: each build seals the
areas again with new keys (an incremental build of the plain pages re-seals them).
A member without a usable password is left out of the area, with a warning.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.book.book import Book, with_entry
from generator.book.privacy import members_of
from generator.extranet.attachments import (
    AttachmentMap,
    document_attachments,
    merge_attachments,
    record_attachments,
)
from generator.extranet.brand import firm_brand
from generator.extranet.build import seal_extranet, stage_extranet
from generator.extranet.crypto import ITERATIONS, SALT_BYTES, new_build_id
from generator.extranet.keyring import Holder, new_keyring
from generator.extranet.output import private_folder, staging_area
from generator.extranet.passwords import password_for, read_secrets
from generator.extranet.scope import scoped_to
from generator.files.output import PRIVATE_AREAS as AREAS
from generator.problems import Problem, make_problem
from generator.schema.parties import Extranet


def member_holders(
    book: Book, project_id: str, secrets: dict[str, str], lang: str
) -> tuple[list[Holder], list[Problem]]:
    """The members of ``project_id`` who will open its area, and a warning for each
    member left out (no password, or a weak one)."""
    holders: list[Holder] = []
    problems: list[Problem] = []
    firm = book.settings.firm.name
    for user in members_of(book, project_id):
        record = book.settings.users[user]
        names = [firm, user, record.name, record.email or ""]
        found = password_for(f"user/{user}", record.password_env, secrets, names)
        if found.password is None:
            problems.append(
                _member_problem(
                    "private-member-password-missing",
                    user,
                    lang,
                    sources=_sources(record.password_env, user, "ou"),
                    sources_en=_sources(record.password_env, user, "or"),
                )
            )
            continue
        if found.weak_reason is not None:
            problems.append(
                _member_problem(
                    "private-member-password-weak",
                    user,
                    lang,
                    reason=found.weak_reason.message(lang),
                )
            )
            continue
        identifiers = tuple(dict.fromkeys(i for i in (user, record.email) if i))
        holders.append(Holder(user, identifiers, found.password))
    return holders, problems


def members_book(book: Book, project_id: str) -> Book:
    """The Book whose extranet of ``project_id`` shows every kind of its interactions
    (those it has)."""
    entry = book.projects[project_id]
    present = {
        book.interactions[i].record.kind for i in book.interactions_by_project.get(project_id, ())
    }
    kinds = [kind for kind in book.settings.pipelines if kind in present]
    extranet = Extranet(enabled=True, kinds=kinds)
    record = entry.record.model_copy(update={"extranet": extranet})
    return with_entry(book, replace(entry, record=record))


def seal_private_areas(
    repo: Path,
    book: Book,
    out: Path,
    areas: dict[str, str],
    *,
    history: Any = None,
    lang: str = "fr",
    iterations: int = ITERATIONS,
) -> list[Problem]:
    """Write the sealed area of each private project of ``areas`` (project → folder
    below ``out``) into the built site ``out``, replacing every previous area; the
    warnings about members left out."""
    from generator.files.reading import locate

    target = out / AREAS
    if target.is_symlink():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    secrets, problems = read_secrets(repo, lang)
    salt = os.urandom(SALT_BYTES)
    brand = replace(
        firm_brand(book, repo), area="Private project" if lang == "en" else "Projet privé"
    )
    staging = staging_area(repo)
    for project_id, folder in areas.items():
        holders, missing = member_holders(book, project_id, secrets, lang)
        problems += missing
        build = new_build_id()
        members = members_book(book, project_id)
        with private_folder(staging) as tmp:
            staged = stage_extranet(
                members,
                project_id,
                tmp,
                lang=lang,
                history=history,
                attachments=_files(repo, members, project_id, lang),
                brand=brand,
                build=build,
            )
            keyring = new_keyring(holders, build, iterations, salt=salt)
            seal_extranet(staged, keyring.site, keyring.slots)
            shutil.copytree(staged.site, out / folder)
    return locate(repo, problems, lang)


def _member_problem(code: str, user: str, lang: str, **params: Any) -> Problem:
    """A warning about member ``user``, located at their entry of ``settings.users``."""
    return make_problem(
        code,
        "data/settings.yaml",
        line=0,
        column=0,
        loc=("users", user),
        lang=lang,
        user=user,
        **params,
    )


def _sources(variable: str | None, user: str, glue: str) -> str:
    secret = f"user/{user} (.carnet-secrets.yaml)"
    return f"${variable} {glue} {secret}" if variable else secret


def _files(repo: Path, members: Book, project_id: str, lang: str) -> AttachmentMap:
    """The attachments of the project's interactions and its issued documents' PDFs (a
    file that cannot be read or rendered is left out: validate reports it)."""
    scoped = scoped_to(members, project_id)
    files, _ = record_attachments(scoped, repo)
    pdfs, _ = document_attachments(repo, members, scoped, lang=lang)
    return merge_attachments(files, pdfs)
