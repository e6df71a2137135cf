"""Identifiers and e-mails are checked wherever a record or the settings hold them, and only
there (a model without the field is skipped, quickly)."""

from __future__ import annotations

from generator.checks.identifiers import check_identifiers
from generator.testing import load_yaml


def test_every_holder_of_identifiers_is_checked() -> None:
    result = load_yaml(
        {
            "data/companies/bad.yaml": (
                "name: Bad\nkind: client\nsiren: '123456789'\nvat_number: XX12\n"
                "email: pas-un-courriel\n"
            ),
            "data/companies/good.yaml": "name: Good\nkind: client\nsiren: '732829320'\n",
            "data/contacts/jeanne.yaml": "last_name: Jeanne\nemail: jeanne@@exemple.fr\n",
            "data/contacts/paul.yaml": "last_name: Paul\nemail: paul@exemple.fr\n",
        }
    )
    found = sorted((p.path, p.code) for p in result.problems if p.code.endswith("-invalid"))
    assert found == [
        ("data/companies/bad.yaml", "email-invalid"),
        ("data/companies/bad.yaml", "siren-invalid"),
        ("data/companies/bad.yaml", "vat-number-invalid"),
        ("data/contacts/jeanne.yaml", "email-invalid"),
    ]


def test_a_contact_has_no_siren_to_check() -> None:
    """The check reads only the fields a model has (the settings' firm has them all)."""
    result = load_yaml({"data/contacts/paul.yaml": "last_name: Paul\n"})
    assert result.book is not None
    assert check_identifiers(result.book) == []
