"""The sealed areas of private projects inside the internal site.

The plain internal site never holds a private project (:mod:`generator.book.privacy`);
each one gets instead an area under ``prive/<random hex>/`` of the site, built as an
extranet of the project for its members, who are the firm's own people: every
interaction kind, with internal notes and every budget and document
(:func:`generator.extranet.scope.scoped_to` with ``internal``), and with the attachments
of its interactions and the PDFs of its issued documents. It is sealed with the project
key (:mod:`generator.extranet.private_keys`): HKDF of the members' own keys, each derived
once per build with PBKDF2-HMAC-SHA256 (600,000 rounds) from their password,
``settings.users.<user>.password_env`` or ``user/<id>`` in ``.carnet-secrets.yaml``,
judged by the same strength rule as every password. All areas share one salt, so a
member who unlocked once in a tab opens all their areas and the plain pages' sealed
sections (:mod:`generator.site.private_sections`).

:class:`PrivateSeal` does it in two steps around the plain site's build: first the keys
and the sealed sections the plain pages carry, then (once MkDocs has run) the areas. An
area is sealed again only when an HMAC of its inputs under its key changes (records,
attachments, history, members, templates, language, day); otherwise the sealed copy kept
in the staging folder is put back as it is. Nothing of a key is written anywhere.
A member without a usable password is left out of the area, with a warning; a project
none of whose members can open it gets no area.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import shutil
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from generator.book.book import KINDS, Book
from generator.book.privacy import members_of
from generator.extranet.attachments import (
    AttachmentMap,
    document_attachments,
    merge_attachments,
    record_attachments,
)
from generator.extranet.brand import Brand, firm_brand
from generator.extranet.build import seal_extranet, stage_extranet
from generator.extranet.crypto import ITERATIONS
from generator.extranet.keyring import Holder
from generator.extranet.names import OpaqueNames
from generator.extranet.output import private_folder, staging_area
from generator.extranet.pages import record_links
from generator.extranet.passwords import password_for, read_secrets
from generator.extranet.private_keys import (
    inputs_digest,
    keyring_of,
    own_keys,
    project_key,
    seal_stable,
    site_salt,
    site_slots,
    subkey,
)
from generator.extranet.scope import scoped_to
from generator.files.output import PRIVATE_AREAS as AREAS
from generator.files.output import read_state
from generator.files.yamlio import atomic_write
from generator.problems import Problem, make_problem
from generator.templating import templates_dir

SLOTS_FILE = "cles.json"
"""The file below :data:`AREAS` listing every area's key wrapped for each member (no name)."""
SLOTS_SCRIPT = "cles.js"
"""The same list as a script setting ``window.carnetPrivateSlots``: what the plain pages
load (browsers refuse to fetch a JSON file from a site opened from the disk)."""


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


@dataclass(frozen=True)
class Area:
    """One private project's area: where, its key, who opens it, its pages' names."""

    project: str
    folder: str
    key: bytes
    holders: tuple[Holder, ...]
    scoped: Book
    """What its pages show (:func:`generator.extranet.scope.scoped_to`, ``internal``)."""

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """``plaintext`` sealed with the project key, the same bytes for the same input
        (the plain pages' sealed fragments)."""
        return seal_stable(self.key, plaintext, aad)

    @property
    def names(self) -> OpaqueNames:
        """The names of its pages, anchors and sealed files (derived from its key)."""
        return OpaqueNames(subkey(self.key, "names"))

    @cached_property
    def links(self) -> dict[str, str]:
        """Where each of its interactions is, below the area (``p….html#e…``)."""
        return record_links(self.scoped, self.project, self.names)


class PrivateSeal:
    """The private projects of one build of the internal site: their keys (derived
    here, before the plain pages: :attr:`areas`), then their sealed areas
    (:meth:`seal`). ``areas``: project → folder below the site; ``cache``: a folder of
    the builder's staging area, never published (the salt, the sealed copies and the
    digests of their inputs)."""

    def __init__(
        self,
        repo: Path,
        book: Book,
        areas: dict[str, str],
        cache: Path,
        *,
        lang: str = "fr",
        iterations: int = ITERATIONS,
    ) -> None:
        self.repo, self.book, self.cache, self.lang = repo, book, cache, lang
        self.iterations = iterations
        secrets, self.problems = read_secrets(repo, lang)
        self.salt = site_salt(cache / "salt.json")
        holders: dict[str, list[Holder]] = {}
        for project_id in areas:
            holders[project_id], missing = member_holders(book, project_id, secrets, lang)
            self.problems += missing
        self.owns = own_keys(
            {(h.person, h.identifiers): h for hs in holders.values() for h in hs}.values(),
            self.salt,
            iterations,
        )
        # An area that no member could open is not built (its key would be random at
        # every build, and nobody could read it): its members are warned above.
        self.areas = {
            project_id: Area(
                project_id,
                folder,
                project_key(project_id, holders[project_id], self.owns, self.salt),
                tuple(holders[project_id]),
                scoped_to(book, project_id, internal=True),
            )
            for project_id, folder in areas.items()
            if holders[project_id]
        }

    def folders(self) -> tuple[str, ...]:
        """The folders of the areas built (those a member can open)."""
        return tuple(a.folder for a in self.areas.values())

    def kdf(self) -> str:
        """What the browser needs to derive a member's own key: ``salt:iterations``."""
        from generator.extranet.crypto import b64

        return f"{b64(self.salt)}:{self.iterations}"

    def seal(self, out: Path, *, history: Any = None) -> list[Problem]:
        """Put each area into the built site ``out`` (sealed again only when its inputs
        changed), the file of slots beside them, and nothing else under :data:`AREAS`;
        the warnings about members left out."""
        from generator.files.reading import locate

        state_path = self.cache / "digests.json"
        digests = read_state(state_path)
        sealed = self.cache / "areas"
        brand = replace(
            firm_brand(self.book, self.repo),
            area="Private project" if self.lang == "en" else "Projet privé",
        )
        fresh: dict[str, str] = {}
        for area in self.areas.values():
            files, _ = record_attachments(area.scoped, self.repo)
            digest = inputs_digest(area.key, self._inputs(area, files, brand, history))
            copy = sealed / area.folder.rsplit("/", 1)[-1]
            if digests.get(area.folder) != digest or not (copy / "index.html").is_file():
                self._seal_area(area, copy, files, brand, history, digest)
            fresh[area.folder] = digest
            _sync(copy, out / area.folder)
        atomic_write(state_path, json.dumps(fresh, indent=1, sort_keys=True))
        kept = {Path(f).name for f in fresh} | {SLOTS_FILE, SLOTS_SCRIPT}
        for folder in (sealed, out / AREAS):
            if folder.is_dir():
                for child in folder.iterdir():
                    if child.name not in kept:
                        _remove(child)
        facts = {
            a.project: (
                a.key,
                a.holders,
                {"f": a.folder, "t": a.scoped.projects[a.project].record.title},
            )
            for a in self.areas.values()
        }
        slots = json.dumps(site_slots(facts, self.owns))
        _write_if_changed(out / AREAS / SLOTS_FILE, slots.encode("utf-8"))
        script = f"window.carnetPrivateSlots = {slots};\n"
        _write_if_changed(out / AREAS / SLOTS_SCRIPT, script.encode("utf-8"))
        return locate(self.repo, self.problems, self.lang)

    def _seal_area(
        self,
        area: Area,
        copy: Path,
        files: AttachmentMap,
        brand: Brand,
        history: Any,
        digest: str,
    ) -> None:
        pdfs, _ = document_attachments(self.repo, self.book, area.scoped, lang=self.lang)
        build = subkey(area.key, "build/" + digest).hex()[:16]
        with private_folder(staging_area(self.repo)) as tmp:
            staged = stage_extranet(
                self.book,
                area.project,
                tmp,
                lang=self.lang,
                history=history,
                attachments=merge_attachments(files, pdfs),
                brand=brand,
                build=build,
                names=area.names,
                internal=True,
            )
            keyring = keyring_of(
                area.key, area.holders, self.owns, self.salt, build, self.iterations
            )
            seal_extranet(staged, keyring.site, keyring.slots)
            _remove(copy)
            shutil.copytree(staged.site, copy)

    def _inputs(self, area: Area, files: AttachmentMap, brand: Brand, history: Any) -> list[bytes]:
        """Everything the area is made of, as bytes (see :func:`inputs_digest`)."""
        scoped = area.scoped
        parts = [
            _code_digest(),
            f"{self.lang}|{scoped.today.isoformat()}|{area.folder}|{self.iterations}".encode(),
            repr(brand).encode(),
            repr([(h.person, h.identifiers) for h in area.holders]).encode(),
            scoped.settings.model_dump_json().encode(),
        ]
        for kind in KINDS:
            for key, entry in sorted(scoped.by_kind(kind).items()):
                parts.append(f"{kind}|{key}|{entry.path}".encode())
                parts.append(entry.record.model_dump_json().encode())
                if history is not None:
                    parts.append(repr(history.changes_of(entry.path)).encode())
        for key, found in sorted(files.items()):
            for name, path in found:
                data = path.read_bytes()
                parts.append(f"{key}|{name}|".encode() + hashlib.blake2b(data).digest())
        return parts


@cache
def _code_digest() -> bytes:
    """A digest of what builds an area besides the data: the extranet's templates and
    code, the site's stylesheet (a new version of Carnet seals the areas again)."""
    here = Path(__file__).parent
    paths = [
        *sorted((templates_dir() / "extranet").iterdir()),
        templates_dir() / "site" / "assets" / "carnet.css",
        *sorted(here.glob("*.py")),
    ]
    digest = hashlib.blake2b()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _sync(source: Path, target: Path) -> None:
    """Make ``target`` a copy of ``source``, writing only the files that differ."""
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    if target.is_symlink() or target.is_file():
        target.unlink()
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):
            rel = path.relative_to(target)
            if path.is_file() and rel not in wanted:
                path.unlink()
    for rel in sorted(wanted):
        src, dst = source / rel, target / rel
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    atomic_write(path, data)


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
