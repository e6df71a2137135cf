"""Who opens an extranet with ``people:``: each person's identifiers and own password.

A person's password comes from their ``password_env`` (a ``CARNET_…`` variable), else
from ``.carnet-secrets.yaml`` under ``<project>/<person>`` (``sapins-2026/jeanne-sapin``),
and is judged by :func:`generator.extranet.passwords.weakness` with the names an
attacker would try (the project's, and the person's own). :func:`holders_of` turns
them into the :class:`~generator.extranet.keyring.Holder` list the build wraps the
site key for, or the refusal that stops it (a missing, weak or shared password).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.book.book import Book
from generator.extranet.keyring import Holder, identifier_form
from generator.extranet.passwords import ProjectPassword, names_of, password_for
from generator.problems import Refused
from generator.schema.parties import Person


@dataclass(frozen=True, slots=True)
class PersonPassword:
    """One person of an extranet: their id, what they may type as identifier, and their
    password as found."""

    person: str
    identifiers: tuple[str, ...]
    found: ProjectPassword


def secret_name(project_id: str, person: Person) -> str:
    """The person's key in ``.carnet-secrets.yaml``: ``<project>/<person>``."""
    return f"{project_id}/{person.key}"


def identifiers_of(book: Book, person: Person) -> tuple[str, ...]:
    """What ``person`` may type to open the extranet: their contact id and their e-mail
    (the one given here, else the contact's), or, without a contact, their e-mail (else
    the identifier made from their name)."""
    found: list[str] = []
    email = person.email
    if person.contact:
        found.append(person.contact)
        contact = book.contacts.get(person.contact)
        email = email or (contact.record.email if contact else None)
    if email:
        found.append(email)
    if not found:
        found.append(person.key)
    unique: dict[str, str] = {}
    for identifier in found:
        unique.setdefault(identifier_form(identifier), identifier)
    return tuple(unique)


def person_names(book: Book, person: Person) -> list[str]:
    """The person's own names (what an attacker tries first against their password)."""
    names = [person.key, person.name or "", person.email or ""]
    contact = book.contacts.get(person.contact or "")
    if contact is not None:
        names += [contact.record.full_name, contact.record.email or ""]
    return [n for n in names if n]


def people_passwords(
    book: Book, project_id: str, secrets: dict[str, str]
) -> tuple[PersonPassword, ...]:
    """Each person of the project's extranet, with their password as found."""
    extranet = book.projects[project_id].record.extranet
    if extranet is None:
        return ()
    project_names = names_of(book, project_id)
    return tuple(
        PersonPassword(
            person.key,
            identifiers_of(book, person),
            password_for(
                secret_name(project_id, person),
                person.password_env,
                secrets,
                [*project_names, *person_names(book, person)],
            ),
        )
        for person in extranet.people
    )


def holders_of(
    project_id: str, people: tuple[PersonPassword, ...], *, allow_weak: bool
) -> tuple[list[Holder], Refused | None]:
    """The people who will open the extranet, or why it is not built: a person without a
    password, with a weak one (unless ``allow_weak``), or two people with the same one
    (either could sign as the other)."""
    for one in people:
        if one.found.password is None:
            return [], Refused(
                "extranet-person-password-missing",
                id=project_id,
                person=one.person,
                secret=f"{project_id}/{one.person}",
            )
        weak = one.found.weak_reason
        if weak is not None and not allow_weak:
            return [], Refused(
                "extranet-password-weak",
                id=f"{project_id} ({one.person})",
                reason=weak.message("fr"),
                reason_en=weak.message("en"),
                source=one.found.source,
            )
    seen: dict[str, str] = {}
    for one in people:
        password = one.found.password or ""
        if password in seen:
            return [], Refused(
                "extranet-person-password-shared",
                id=project_id,
                person=one.person,
                other=seen[password],
            )
        seen[password] = one.person
    return [Holder(p.person, p.identifiers, p.found.password or "") for p in people], None
