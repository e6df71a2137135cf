"""Passwords: from an environment variable or ``.carnet-secrets.yaml``, never from the
data; weak ones are refused unless explicitly allowed.

An extranet's ciphertext is public: whoever downloads it can try passwords offline, as
fast as their hardware allows (PBKDF2 only slows each try). :func:`weakness` is the one
strength rule for **every** password Carnet reads: at least :data:`MIN_LENGTH`
characters and a zxcvbn score of at least :data:`MIN_SCORE`, guessed with the names an
attacker would try first (:func:`names_of`): a project's shared password, each
person's of ``extranet.people`` (:mod:`generator.extranet.people`), and whatever else
reads one.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zxcvbn import zxcvbn

from generator.problems import Problem, Refused, make_problem

if TYPE_CHECKING:
    from generator.book.book import Book

SECRETS_FILE = ".carnet-secrets.yaml"
ENV_PREFIX = "CARNET_"
"""Only variables named ``CARNET_…`` are read as passwords (never ``PATH`` or ``HOME``)."""
MIN_LENGTH = 14
MIN_SCORE = 3
"""zxcvbn's 0–4 scale; 3 is « safely unguessable » (about 10⁸ guesses or more)."""
_ZXCVBN_CHARS = 100
"""zxcvbn's time grows fast with length: only the first characters are scored."""
_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class ProjectPassword:
    """Where a project's password came from, why it is too weak (None: acceptable), and
    the other projects whose extranet it would open too."""

    password: str | None
    source: str
    weak_reason: Refused | None
    shared_with: tuple[str, ...] = ()


def _fold(text: str) -> str:
    """Lower case without accents (« Noël » → « noel »)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def guessable(names: Iterable[str]) -> list[str]:
    """What an attacker tries from ``names``: each name (with and without accents), its
    words run together or joined by ``-``, ``_``, ``.`` or a space, and each word."""
    found: set[str] = set()
    for name in names:
        for form in {name.lower(), _fold(name)}:
            words = [w for w in _WORD.split(form) if w]
            found.add(form)
            found.update(glue.join(words) for glue in ("", "-", "_", ".", " "))
            found.update(w for w in words if len(w) >= 3)
    found.discard("")
    return sorted(found)


def weakness(password: str, names: Iterable[str] = ()) -> Refused | None:
    """Why ``password`` is too weak (a ``password-…`` refusal of the catalogue, quoted as
    the reason of ``extranet-password-weak``), or None when it is acceptable.

    ``names``: the firm's, the project's, its companies' and contacts' names (see
    :func:`names_of`), which an attacker tries first.
    """
    if len(password) < MIN_LENGTH:
        return Refused("password-too-short", limit=MIN_LENGTH)
    known = guessable(names)
    letters = "".join(c for c in _fold(password) if c.isalpha())
    if letters and letters in known:
        return Refused("password-names")
    result = zxcvbn(password[:_ZXCVBN_CHARS], user_inputs=known)
    if result["score"] < MIN_SCORE:
        return Refused("password-guessable", score=result["score"], needed=MIN_SCORE)
    return None


def names_of(book: Book, project_id: str) -> list[str]:
    """The names tied to a project: the firm, the project (id and title), its companies
    and contacts, its members."""
    project = book.projects[project_id].record
    names = [book.settings.firm.name, project_id, project.title]
    names += [book.companies[c.id].record.name for c in project.companies if c.id in book.companies]
    names += [
        book.contacts[c.id].record.full_name for c in project.contacts if c.id in book.contacts
    ]
    users = book.settings.users
    names += [users[m.user].name for m in project.members if m.user in users]
    return [n for n in names if n]


def read_secrets(repo: Path, lang: str = "fr") -> tuple[dict[str, str], list[Problem]]:
    """``{project: password}`` from ``.carnet-secrets.yaml`` (git-ignored), if any, and
    what is wrong with the file (located problems: the caller reports them and goes on).

    A link leading outside the repository is not read.
    """
    from generator.files.yamlio import parse_bytes, position_of

    path = repo / SECRETS_FILE
    if not path.is_symlink() and not path.exists():
        return {}, []
    if not path.resolve().is_relative_to(repo.resolve()):
        return {}, [make_problem("file-unreadable", SECRETS_FILE, lang=lang)]
    try:
        raw = path.read_bytes()
    except OSError:
        return {}, [make_problem("file-unreadable", SECRETS_FILE, lang=lang)]
    parsed = parse_bytes(raw, SECRETS_FILE, lang)
    problems = list(parsed.problems)
    if not isinstance(parsed.value, dict):
        return {}, problems
    found: dict[str, str] = {}
    for key, value in parsed.value.items():
        if value is None:
            continue
        if isinstance(value, dict | list):
            line, column = position_of(parsed.root, (key,))
            problems.append(
                make_problem(
                    "type-invalid",
                    SECRETS_FILE,
                    line=line,
                    column=column,
                    lang=lang,
                    field=str(key),
                    expected="un mot de passe (texte)" if lang == "fr" else "a password (text)",
                    found=_shape(value, lang),
                )
            )
            continue
        found[str(key)] = str(value)
    return found, problems


def secrets_tracked(repo: Path, lang: str = "fr") -> list[Problem]:
    """A warning when ``.carnet-secrets.yaml`` is tracked by git (its passwords are then in
    every clone's history)."""
    from generator.history.git import tracked_under

    if not (repo / SECRETS_FILE).exists() or not tracked_under(repo, (SECRETS_FILE,)):
        return []
    return [make_problem("secrets-tracked", SECRETS_FILE, lang=lang, file=SECRETS_FILE)]


def password_for(
    project_id: str,
    password_env: str | None,
    secrets: dict[str, str],
    names: Iterable[str] = (),
) -> ProjectPassword:
    """The project's password: its ``CARNET_`` environment variable first, then the
    secrets file (as read by :func:`read_secrets`); judged by :func:`weakness`."""
    if password_env and password_env.startswith(ENV_PREFIX) and os.environ.get(password_env):
        value = os.environ[password_env]
        return ProjectPassword(value, f"${password_env}", weakness(value, names))
    if project_id in secrets:
        value = secrets[project_id]
        return ProjectPassword(value, SECRETS_FILE, weakness(value, names))
    return ProjectPassword(None, "", None)


def _shape(value: dict[object, object] | list[object], lang: str) -> str:
    english = lang.startswith("en")
    if isinstance(value, dict):
        return "a mapping" if english else "un dictionnaire"
    return "a list" if english else "une liste"


def project_passwords(
    repo: Path, book: Book, chosen: list[str], lang: str
) -> tuple[dict[str, ProjectPassword], list[Problem]]:
    """The password of each chosen project, and the located problems about passwords: the
    secrets file (broken, tracked by git), password variables shared or not naming their
    project (:func:`generator.checks.extranet.check_password_variables`), extranets
    sharing a password (an error: each of them is refused, see
    :attr:`ProjectPassword.shared_with`)."""
    from dataclasses import replace

    from generator.checks.extranet import check_password_variables
    from generator.files.reading import locate

    secrets, problems = read_secrets(repo, lang)
    problems += secrets_tracked(repo, lang)
    paths = {book.projects[key].path for key in chosen}
    problems += [p for p in check_password_variables(book) if p.path in paths]
    others = [
        key
        for key, e in book.projects.items()
        if key not in chosen and e.record.extranet and e.record.extranet.enabled
    ]
    found: dict[str, ProjectPassword] = {}
    for project_id in [*chosen, *others]:
        extranet = book.projects[project_id].record.extranet
        env = extranet.password_env if extranet else None
        names = names_of(book, project_id) if project_id in chosen else ()
        found[project_id] = password_for(project_id, env, secrets, names)
    sharing: dict[str, list[str]] = {}
    for project_id, password in found.items():
        if password.password is not None:
            sharing.setdefault(password.password, []).append(project_id)
    for group in sharing.values():
        if len(group) > 1 and set(group) & set(chosen):
            for key in set(group) & set(chosen):
                others = tuple(sorted(set(group) - {key}))
                found[key] = replace(found[key], shared_with=others)
            first = book.projects[group[0]]
            problems.append(
                make_problem(
                    "extranet-password-shared",
                    first.path,
                    line=0,
                    column=0,
                    loc=("extranet",),
                    lang=lang,
                    projects=", ".join(sorted(group)),
                )
            )
    return {key: found[key] for key in chosen}, locate(repo, problems, lang)
