"""Extranet foundations: the scoped Book, passwords, and the cryptography."""

from __future__ import annotations

import pytest
from conftest import ROOT, TODAY
from cryptography.exceptions import InvalidTag

from generator.extranet.crypto import ITERATIONS, NONCE_BYTES, SALT_BYTES, derive
from generator.extranet.passwords import names_of, password_for, read_secrets, weakness
from generator.extranet.scope import scoped_to
from generator.load import load


@pytest.fixture(scope="module")
def book():
    result = load(ROOT, today=TODAY, use_cache=False)
    assert result.book is not None
    return result.book


def extranet_projects(book) -> list[str]:
    return [k for k, e in book.projects.items() if e.record.extranet and e.record.extranet.enabled]


def _texts(value) -> set[str]:
    """Every string inside a model (recursively)."""
    if isinstance(value, str):
        return {value}
    if hasattr(value, "model_dump"):
        return _texts(value.model_dump())
    if isinstance(value, dict):
        return set().union(*(_texts(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple | set):
        return set().union(*(_texts(v) for v in value)) if value else set()
    return set()


def test_the_example_has_two_extranets(book) -> None:
    assert len(extranet_projects(book)) >= 2


def test_scoped_book_holds_only_the_project_and_its_people(book) -> None:
    for project_id in extranet_projects(book):
        project = book.projects[project_id].record
        scoped = scoped_to(book, project_id)
        assert set(scoped.projects) == {project_id}
        assert set(scoped.companies) == {link.id for link in project.companies}
        assert set(scoped.contacts) == {link.id for link in project.contacts}
        assert not scoped.products and not scoped.movements
        kinds = set(project.extranet.kinds)
        for entry in scoped.interactions.values():
            assert entry.record.project == project_id
            if entry.record.document is None:
                assert entry.record.kind in kinds
            else:  # an issued sales document of the client, never a draft or a purchase
                assert entry.record.document.number and entry.record.kind not in ("purchase",)
                assert entry.record.document.kind != "purchase_order"
            assert entry.record.internal_note is None
            if entry.record.kind in ("purchase", "project"):
                assert entry.record.budget is None
        for contact in scoped.contacts.values():
            r = contact.record
            assert r.note is None and not r.interests and r.optin is None and not r.bounces
            assert not r.kyc
        assert all(u.hourly_cost is None for u in scoped.settings.users.values())


def test_nothing_of_another_project_leaks_into_a_scoped_book(book) -> None:
    for project_id in extranet_projects(book):
        scoped = scoped_to(book, project_id)
        inside = "\n".join(
            sorted(
                set().union(
                    *(
                        _texts(e.record)
                        for kind in ("company", "contact", "project", "interaction")
                        for e in scoped.by_kind(kind).values()
                    ),
                    _texts(scoped.settings),
                )
            )
        )
        for key, entry in book.interactions.items():
            if key in scoped.interactions:
                continue
            for text in (entry.record.subject, entry.record.note, entry.record.internal_note):
                assert not text or text not in inside, (project_id, key, text)
        for key, entry in book.contacts.items():
            if key not in scoped.contacts:
                assert entry.record.full_name not in inside, (project_id, key)
                assert not entry.record.email or entry.record.email not in inside
        for key, entry in book.companies.items():
            if key not in scoped.companies:
                assert entry.record.name not in inside, (project_id, key)
        for entry in book.interactions.values():
            if entry.record.internal_note:
                assert entry.record.internal_note not in inside
        for user in book.settings.users.values():
            assert (
                user.hourly_cost is None
                or f"hourly_cost': Decimal('{user.hourly_cost}')"
                not in str(scoped.settings.model_dump())
            )


def test_passwords_come_from_the_environment_or_the_secrets_file(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("CARNET_EXTRANET_TEST", raising=False)
    assert read_secrets(tmp_path) == ({}, [])
    assert password_for("p", "CARNET_EXTRANET_TEST", {}).password is None
    (tmp_path / ".carnet-secrets.yaml").write_text("p: 'cheval correct agrafe'\n")
    secrets, problems = read_secrets(tmp_path)
    assert secrets == {"p": "cheval correct agrafe"} and problems == []
    found = password_for("p", "CARNET_EXTRANET_TEST", secrets)
    assert (found.password, found.source, found.weak_reason) == (
        "cheval correct agrafe",
        ".carnet-secrets.yaml",
        None,
    )
    monkeypatch.setenv("CARNET_EXTRANET_TEST", "court")
    found = password_for("p", "CARNET_EXTRANET_TEST", secrets)
    assert found.source == "$CARNET_EXTRANET_TEST" and found.weak_reason
    monkeypatch.setenv("HOME_TEST", "une valeur longue et imprévisible 2026")
    assert password_for("q", "HOME_TEST", secrets).password is None, "only CARNET_ variables"


def test_weak_passwords(book) -> None:
    assert weakness("trop-court")
    assert weakness("azertyuiop12")
    assert weakness("aaaaaaaaaaaaaaaa")
    assert weakness("Sapins de Noël 2026 !") is None
    names = names_of(book, "sapins-2026")
    assert "Mes Beaux Sapins" in names and "Atelier Dupont" in names
    assert weakness("Mes Beaux Sapins 2026", names)


def test_key_derivation_and_authenticated_encryption() -> None:
    key = derive("Sapins de Noël 2026 !", iterations=1000)
    assert len(key.salt) == SALT_BYTES and len(key.key) == 32
    blob = key.encrypt(b"<main>secret</main>", b"page")
    assert blob[NONCE_BYTES:].find(b"secret") == -1
    assert key.decrypt(blob, b"page") == b"<main>secret</main>"
    with pytest.raises(InvalidTag):
        key.decrypt(blob, b"other page")
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with pytest.raises(InvalidTag):
        key.decrypt(bytes(tampered), b"page")
    with pytest.raises(InvalidTag):
        derive("mauvais mot de passe", key.salt, 1000).decrypt(blob, b"page")
    assert derive("Sapins de Noël 2026 !", key.salt, 1000).key == key.key
    nonces = {key.encrypt(b"x", b"")[:NONCE_BYTES] for _ in range(200)}
    assert len(nonces) == 200
    assert derive("x" * 12, iterations=1000).salt != derive("x" * 12, iterations=1000).salt
    assert ITERATIONS >= 600_000
