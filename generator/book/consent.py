"""Who the prospecting rules allow to be written to (the seed's opt-in and opt-out).

A contact without a company is a private person (B2C): written to only with an opt-in.
A contact with a company (B2B): unless opted out, or only with an opt-in when
``settings.prospecting.b2b_requires_optin`` is true. An opt-out wins over an earlier
opt-in; an opt-in given after the opt-out counts again.
"""

from __future__ import annotations

from typing import Any


def may_write_to(contact: Any, settings: Any) -> bool:
    """May ``contact`` (a Contact record) be written to under ``settings``' rules?

    ``optout`` and ``settings.prospecting`` are read when the schema has them (their
    keys are in FORMAT.md); without them nobody has opted out and B2B needs no opt-in.
    """
    optin = getattr(contact, "optin", None)
    optout = getattr(contact, "optout", None)
    if optout is not None and (optin is None or optout.date >= optin.date):
        return False
    if not getattr(contact, "company", None):
        return optin is not None
    prospecting = getattr(settings, "prospecting", None)
    if getattr(prospecting, "b2b_requires_optin", False):
        return optin is not None
    return True


def may_write_to_company(settings: Any) -> bool:
    """May a company's own address be written to? (B2B: yes, unless every B2B message
    needs an opt-in, which a company cannot give.)"""
    prospecting = getattr(settings, "prospecting", None)
    return not getattr(prospecting, "b2b_requires_optin", False)
