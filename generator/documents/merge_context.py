"""What a merge template sees: the firm, the record merged (with its linked records) and,
for a contact, their client questionnaire. Plain data (dicts and lists), computed from
the Book: templates never reach the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.documents.context import logo_uri, siren_of


def _dump(entry_record: Any, record_id: str | None = None) -> dict[str, Any]:
    data = entry_record.model_dump(mode="python", by_alias=True)
    if record_id is not None:
        data["id"] = record_id
    if hasattr(entry_record, "full_name"):
        data["full_name"] = entry_record.full_name
    return data


def _contact(book: Book, contact_id: str) -> dict[str, Any]:
    """A contact with ``full_name`` and ``company_name`` (its company's name, if any)."""
    record = book.contacts[contact_id].record
    company = book.companies.get(record.company or "")
    return {**_dump(record, contact_id), "company_name": company.record.name if company else None}


def _linked(book: Book, kind: str, links: list[Any]) -> list[dict[str, Any]]:
    records = book.by_kind(kind)
    return [
        {
            **(
                _contact(book, link.id)
                if kind == "contact"
                else _dump(records[link.id].record, link.id)
            ),
            "role": link.role,
        }
        for link in links
        if link.id in records
    ]


def firm_context(book: Book, repo: Path) -> dict[str, Any]:
    """``firm.*``: the settings' firm block, plus ``siren``, ``address_line`` and ``logo_url``."""
    firm = book.settings.firm
    return {
        **_dump(firm),
        "siren": siren_of(firm.siren, firm.siret),
        "address_line": firm.address.one_line(),
        "logo_url": logo_uri(book.settings, repo),
    }


def record_context(book: Book, kind: str, record_id: str) -> dict[str, Any]:
    """``record`` and the records linked to it (company, contacts, projects, members…)."""
    record = book.record(kind, record_id)
    context: dict[str, Any] = {"record": {**_dump(record, record_id), "kind": kind}}
    if kind == "contact":
        company = book.companies.get(record.company or "")
        context["company"] = _dump(company.record, company.id) if company else None
    if kind == "company":
        context["contacts"] = [
            _contact(book, c) for c in book.contacts_by_company.get(record_id, ())
        ]
    if kind == "contact":
        context["questionnaire"] = questionnaire_context(book, record_id)
    if kind in ("contact", "company"):
        owner = book.projects_by_contact if kind == "contact" else book.projects_by_company
        context["projects"] = [_dump(book.projects[p].record, p) for p in owner.get(record_id, ())]
    if kind == "project":
        context["contacts"] = _linked(book, "contact", record.contacts)
        context["companies"] = _linked(book, "company", record.companies)
        users = book.settings.users
        context["members"] = [
            {**_dump(users[m.user], m.user), "role": m.role}
            for m in record.members
            if m.user in users
        ]
    if kind == "interaction":
        for key, kind_of in (
            ("company", "company"),
            ("contact", "contact"),
            ("project", "project"),
        ):
            linked = getattr(record, key)
            entries = book.by_kind(kind_of)
            context[key] = _dump(entries[linked].record, linked) if linked in entries else None
        totals = book.document_totals.get(record_id)
        context["totals"] = (
            {"net": totals.net, "tax": totals.tax, "gross": totals.gross} if totals else None
        )
    return context


def questionnaire_context(book: Book, contact_id: str) -> dict[str, Any] | None:
    """``questionnaire``: the contact's current client questionnaire (else its latest),
    with its answers, score, profile and validity; ``None`` when it has none."""
    kyc = book.compliance.contacts.get(contact_id)
    profile = (kyc.current or (kyc.profiles[0] if kyc.profiles else None)) if kyc else None
    if profile is None:
        return None
    questionnaire = book.settings.questionnaires[profile.questionnaire]
    bands = sorted(questionnaire.profiles, key=lambda b: b.max_score)
    return {
        "id": profile.questionnaire,
        "title": profile.title,
        "date": profile.date,
        "valid_until": profile.valid_until,
        "valid": kyc is not None and kyc.current is profile,
        "signed": profile.signed,
        "score": profile.score,
        "profile": profile.profile,
        "max_risk": profile.max_risk,
        "answers": [
            {
                "question": row.question,
                "label": row.label,
                "answer": row.answer,
                "points": row.points,
                "choices": list(questionnaire.questions[row.question].choices),
            }
            for row in profile.rows
        ],
        "profiles": [
            {"name": b.name, "max_score": b.max_score, "max_risk": b.max_risk} for b in bands
        ],
    }
