"""Advisers' compliance on the internal site: a contact's profile and its history, and
the « Conformité » page (the list a compliance check asks for).

Everything comes from :attr:`generator.book.book.Book.compliance`; questionnaires that
were replaced in the record (an answer edited, an entry removed) are read back from its
git history, through the one history reader, and scored like the current ones.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from generator.book.book import Book
from generator.book.compliance import KycState, Profile, Verdict, scored
from generator.schema.compliance import FilledQuestionnaire

PAGE = "conformite.md"
STATE_LABELS = {
    KycState.VALID: "valide",
    KycState.EXPIRING: "expire bientôt",
    KycState.EXPIRED: "expiré",
    KycState.MISSING: "manquant",
}
VERDICT_LABELS = {
    Verdict.ADEQUATE: "adéquate",
    Verdict.INADEQUATE: "inadéquate",
    Verdict.JUSTIFIED: "justifiée",
    Verdict.MISSING: "sans questionnaire",
    Verdict.EXPIRED: "questionnaire expiré",
}


def _from_history(book: Book, path: str, history: Any, changes: Any) -> list[Profile]:
    """Questionnaires the record held in earlier commits (scored), newest commit first."""
    if history is None or not changes:
        return []
    # every version of the list was made by a commit that changed it (or added the file)
    commits = [c.commit for c in changes if c.commit and c.field.split("[")[0] in ("kyc", "")]
    found: list[Profile] = []
    for commit in dict.fromkeys(commits):
        raw = history.record_at(path, commit)
        items = raw.get("kyc") if isinstance(raw, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            try:
                filled = FilledQuestionnaire.model_validate(item)
            except ValidationError:
                continue
            profile = scored(book.settings, index, filled)
            if profile is not None:
                found.append(profile)
    return found


def _key(profile: Profile) -> tuple[Any, ...]:
    return (profile.questionnaire, profile.date, repr(profile.rows), profile.signed)


def profile_view(
    book: Book, record_id: str, history: Any = None, changes: Any = None
) -> dict[str, Any]:
    """The contact page's « Profil » block: current questionnaire, earlier ones (from the
    record and from git), and the line « profil Équilibré depuis le …, Prudent avant »."""
    kyc = book.compliance.contacts.get(record_id)
    if kyc is None:
        return {"kyc": None}
    entry = book.contacts[record_id]
    known = {_key(p) for p in kyc.profiles}
    replaced: dict[tuple[Any, ...], Profile] = {}
    for profile in _from_history(book, entry.path, history, changes):
        if _key(profile) not in known:
            replaced.setdefault(_key(profile), profile)
    earlier = [p for p in kyc.profiles if p is not kyc.current]
    return {
        "kyc": kyc,
        "kyc_state": STATE_LABELS[kyc.state],
        "earlier": earlier,
        "replaced": sorted(replaced.values(), key=lambda p: p.date, reverse=True),
        "profile_story": _story([*kyc.profiles, *replaced.values()], book.today),
        "recommendations": [
            (book.compliance.recommendations[i], book.interactions[i])
            for i in book.compliance.by_contact.get(record_id, ())
        ],
        "verdicts": VERDICT_LABELS,
    }


def _story(profiles: list[Profile], today: date) -> list[tuple[str, date]]:
    """Each profile the contact had and since when, newest first (repeats merged)."""
    story: list[tuple[str, date]] = []
    for profile in sorted(profiles, key=lambda p: p.date):
        if profile.profile is None or profile.date > today:
            continue
        if not story or story[-1][0] != profile.profile:
            story.append((profile.profile, profile.date))
    return list(reversed(story))


def compliance_page(book: Book) -> dict[str, Any]:
    """Contacts whose questionnaire is missing, expired or expiring within 60 days, and
    the recommendations that are not plainly adequate."""
    contacts = sorted(
        (k for k in book.compliance.contacts.values() if k.state is not KycState.VALID),
        key=lambda k: (
            list(KycState).index(k.state) * -1,
            k.current.valid_until if k.current else date.min,
            k.contact,
        ),
    )
    flagged = [
        (rec, book.interactions[rec.interaction])
        for rec in reversed(book.compliance.recommendations.values())
        if rec.verdict is not Verdict.ADEQUATE or (rec.profile and not rec.profile.signed)
    ]
    return {
        "to_renew": [
            (k, book.contacts[k.contact], k.profiles[0] if k.profiles else None) for k in contacts
        ],
        "flagged": flagged,
        "states": STATE_LABELS,
        "verdicts": VERDICT_LABELS,
        "questionnaires": book.settings.questionnaires,
        "count": len(book.compliance.recommendations),
    }
