"""What goes in each kind of skeleton ``carnet new`` writes (see
:mod:`generator.authoring.skeletons`): the fields of a company, contact, project,
interaction or product, filled from the request and the repository, with the notes and
examples of the optional ones (allowed values from the settings, else the schema's
description)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from generator.authoring.ids import slug
from generator.authoring.people import company_of_contact, contacts_of, match_user
from generator.book.naming import resolve
from generator.files.sources import SourceFile
from generator.problems import Refused
from generator.schema import Settings
from generator.schema.interaction import Interaction
from generator.schema.parties import Company, Contact, Project
from generator.schema.stock import Product

SUPPORT = "support"
"""The pipeline whose interactions get a ticket number at the end of their subject."""


@dataclass(frozen=True, slots=True)
class NewRecord:
    """What ``carnet new`` is asked for: the kind, an id or a name, and the options."""

    kind: str
    id: str | None = None
    name: str | None = None
    user: str | None = None
    company: str | None = None
    contact: str | None = None
    project: str | None = None
    pipeline: str | None = None
    stage: str | None = None
    nature: str | None = None
    price: str | None = None
    vat_rate: str | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
class SkeletonField:
    """One field of a skeleton: its value (``None``: unknown), whether it is required, its
    note, and the example an optional field shows."""

    key: str
    value: Any = None
    required: bool = False
    note: str = ""
    example: str = ""


def ticket_number(moment: datetime) -> str:
    """A support ticket's number: the date and time, ``202611251546`` (seed manual)."""
    return moment.strftime("%Y%m%d%H%M")


@dataclass(frozen=True, slots=True)
class SkeletonContext:
    """What a builder of fields knows: the repository, its settings and record files, the
    request, the moment and who is at the keyboard."""

    repo: Path
    settings: Settings
    request: NewRecord
    files: list[SourceFile]
    now: datetime
    who: tuple[str | None, ...]

    def record(self, kind: str, name: str | None) -> str | None:
        """The id of the ``kind`` record ``name`` designates (usage error if unknown)."""
        if name is None:
            return None
        pool = [f for f in self.files if f.kind == kind]
        return resolve(name, pool).id

    def file_of(self, kind: str, record_id: str) -> SourceFile:
        """The file of a record known to exist."""
        return next(f for f in self.files if f.kind == kind and f.id == record_id)

    @property
    def day(self) -> date:
        """The record's date: ``--date``, else today."""
        return self.request.day or self.now.date()

    def user(self) -> str | None:
        """``--user`` (checked), else the first hint naming a user of the settings."""
        users = self.settings.users
        if self.request.user is not None:
            found = match_user(users, self.request.user)
            if found is None:
                raise Refused(
                    "new-user-unknown",
                    user=self.request.user,
                    **closest_first(self.request.user, users),
                )
            return found
        for hint in self.who:
            found = match_user(users, hint) if hint else None
            if found is not None:
                return found
        return None


def closest_first(value: str, known: Iterable[str]) -> dict[str, str]:
    """The allowed values, the ones closest to ``value`` first (a did-you-mean), as the
    ``known`` and ``known_en`` parameters of a refusal."""
    names = list(known)
    close = get_close_matches(value, names, n=3, cutoff=0.5)
    ordered = [*close, *(n for n in names if n not in close)]
    return {
        "known": ", ".join(f"« {n} »" for n in ordered),
        "known_en": ", ".join(f"'{n}'" for n in ordered),
    }


def _listed(values: Iterable[str]) -> str:
    shown = [str(v) for v in values]
    return ", ".join(shown) if shown else "(aucune valeur dans settings.yaml)"


def _described(model: type, key: str, text: str = "") -> str:
    field = model.model_fields[key]  # type: ignore[attr-defined]
    detail = text or field.description
    return field.title if detail == field.title else f"{field.title} : {detail}"


def _company(ctx: SkeletonContext) -> tuple[list[SkeletonField], date]:
    r, s = ctx.request, ctx.settings
    kinds = "client, prospect, supplier (fournisseur), partner (partenaire)"
    if r.nature is not None and r.nature not in ("client", "prospect", "supplier", "partner"):
        raise Refused("new-nature-unknown", nature=r.nature, known=kinds)

    def d(key: str, text: str = "") -> str:
        return _described(Company, key, text)

    return [
        SkeletonField("name", r.name, True, d("name")),
        SkeletonField("kind", r.nature or "prospect", True, kinds),
        SkeletonField("legal_form", note=d("legal_form")),
        SkeletonField("siren", note=d("siren"), example='""'),
        SkeletonField("siret", note=d("siret"), example='""'),
        SkeletonField("vat_number", note=d("vat_number")),
        SkeletonField("address", note=d("address"), example=_ADDRESS),
        SkeletonField("delivery_address", note=d("delivery_address"), example=_ADDRESS),
        SkeletonField("phone", note=d("phone"), example='""'),
        SkeletonField("email", note=d("email")),
        SkeletonField("website", note=d("website")),
        SkeletonField("interests", note=_listed(s.interests), example="[]"),
        SkeletonField("note", note=d("note"), example="|"),
    ], ctx.day


_ADDRESS = '{street: "", postcode: "", city: "", country: FR}'


def _split_name(name: str | None) -> tuple[str | None, str | None]:
    """« Jeanne Sapin » → (Jeanne, Sapin); one word is a last name."""
    words = (name or "").split()
    if not words:
        return None, None
    if len(words) == 1:
        return None, words[0]
    return " ".join(words[:-1]), words[-1]


def _contact(ctx: SkeletonContext) -> tuple[list[SkeletonField], date]:
    r, s = ctx.request, ctx.settings
    first, last = _split_name(r.name)

    def d(key: str, text: str = "") -> str:
        return _described(Contact, key, text)

    company = ctx.record("company", r.company)
    return [
        SkeletonField("first_name", first, note=d("first_name")),
        SkeletonField("last_name", last, True, d("last_name")),
        SkeletonField("company", company, note=d("company")),
        SkeletonField("role", note=d("role")),
        SkeletonField("email", note=d("email")),
        SkeletonField("phone", note=d("phone"), example='""'),
        SkeletonField("mobile", note=d("mobile"), example='""'),
        SkeletonField("address", note=d("address"), example=_ADDRESS),
        SkeletonField("interests", note=_listed(s.interests), example="[]"),
        SkeletonField(
            "optin", note=d("optin"), example=f'{{date: {ctx.day.isoformat()}, source: ""}}'
        ),
        SkeletonField("note", note=d("note"), example="|"),
    ], ctx.day


def _project(ctx: SkeletonContext) -> tuple[list[SkeletonField], date]:
    r, s = ctx.request, ctx.settings
    user = ctx.user()
    company = ctx.record("company", r.company)
    contact = ctx.record("contact", r.contact)

    def d(key: str, text: str = "") -> str:
        return _described(Project, key, text)

    members = [{"user": user, "role": "chef de projet"}] if user else None
    return [
        SkeletonField("title", r.name, True, d("title")),
        SkeletonField("start", ctx.day, note=d("start")),
        SkeletonField("end", note=d("end"), example=ctx.day.isoformat()),
        SkeletonField("public", note=d("public"), example="true"),
        SkeletonField("members", members, note=d("members", "utilisateurs " + _listed(s.users)))
        if members
        else SkeletonField(
            "members",
            note=d("members", "utilisateurs " + _listed(s.users)),
            example='[{user: "", role: chef de projet}]',
        ),
        SkeletonField("companies", [{"id": company}], note=d("companies"))
        if company
        else SkeletonField("companies", note=d("companies"), example='[{id: "", role: client}]'),
        SkeletonField("contacts", [{"id": contact}], note=d("contacts"))
        if contact
        else SkeletonField("contacts", note=d("contacts"), example='[{id: "", role: ""}]'),
        SkeletonField(
            "extranet",
            note="Extranet client : mot de passe lu dans la variable nommée (jamais ici)",
            example=f"{{enabled: true, password_env: CARNET_EXTRANET_{_env_name(r)}}}",
        ),
        SkeletonField("note", note=d("note"), example="|"),
    ], ctx.day


def _env_name(request: NewRecord) -> str:
    return (slug(request.name or request.id or "projet").upper().replace("-", "_"))[:30]


def _interaction(ctx: SkeletonContext) -> tuple[list[SkeletonField], date]:
    r, s = ctx.request, ctx.settings
    pipelines = s.pipelines
    kind = r.pipeline or next(iter(pipelines))
    if kind not in pipelines:
        raise Refused(
            "new-pipeline-unknown",
            pipeline=kind,
            **closest_first(kind, pipelines),
        )
    stages = pipelines[kind].stages
    stage = r.stage or stages[0]
    if stage not in stages:
        raise Refused(
            "new-stage-unknown",
            stage=stage,
            pipeline=kind,
            **closest_first(stage, stages),
        )
    user = ctx.user()
    company = ctx.record("company", r.company)
    contact = ctx.record("contact", r.contact)
    project = ctx.record("project", r.project)
    others: list[str] = []
    if contact and not company:
        company = company_of_contact(ctx.repo, ctx.file_of("contact", contact))
    if company and not contact:
        found = contacts_of(ctx.repo, [f for f in ctx.files if f.kind == "contact"], company)
        if len(found) == 1:
            contact = found[0]
        others = found
    subject = r.name
    if kind == SUPPORT:
        subject = f"{subject or 'Produit / Type de panne'} / {ticket_number(ctx.now)}"

    def d(key: str, text: str = "") -> str:
        return _described(Interaction, key, text)

    sign = {"positive": "positif", "negative": "négatif", "any": "signé"}[
        pipelines[kind].budget_sign.value
    ]
    contact_note = (
        d("contact", "contacts de la société : " + ", ".join(others))
        if len(others) > 1
        else d("contact")
    )
    return [
        SkeletonField("kind", kind, True, "Nature : " + _listed(pipelines)),
        SkeletonField("type", stage, True, "Étape : " + _listed(stages)),
        SkeletonField("user", user, True, "Utilisateur : " + _listed(s.users)),
        SkeletonField("subject", subject, True, d("subject")),
        SkeletonField("date", ctx.day, True, d("date")),
        SkeletonField("state", "open", True, "État : open, in_progress, done"),
        SkeletonField("next_step", note=d("next_step")),
        SkeletonField("contact", contact, note=contact_note),
        SkeletonField("company", company, note=d("company")),
        SkeletonField("project", project, note=d("project")),
        SkeletonField(
            "budget", note=f"Budget : montant HT, {sign} pour ce pipeline", example="0.00"
        ),
        SkeletonField("media", note="Média : " + _listed(s.media)),
        SkeletonField("source", note="Source : " + _listed(s.sources)),
        SkeletonField("document_ref", note=d("document_ref")),
        SkeletonField("attachments", note=d("attachments"), example="[]"),
        SkeletonField("note", note=d("note"), example="|"),
        SkeletonField("internal_note", note=d("internal_note"), example="|"),
        SkeletonField("start", note=d("start"), example=f"{ctx.day.isoformat()}T09:00"),
        SkeletonField("end", note=d("end"), example=f"{ctx.day.isoformat()}T10:00"),
        SkeletonField("resources", note="Ressources : " + _listed(s.resources), example="[]"),
        SkeletonField("hours", note=d("hours")),
    ], ctx.day


def _product(ctx: SkeletonContext) -> tuple[list[SkeletonField], date]:
    r, s = ctx.request, ctx.settings
    price = _decimal(r.price, "--price")
    rate = _decimal(r.vat_rate, "--vat-rate")
    if rate is None and s.vat_rates:
        rate = s.vat_rates[0]

    def d(key: str, text: str = "") -> str:
        return _described(Product, key, text)

    return [
        SkeletonField("name", r.name, True, d("name")),
        SkeletonField("price", price, True, d("price")),
        SkeletonField("vat_rate", rate, True, "Taux de TVA : " + _listed(s.vat_rates)),
        SkeletonField("unit", note=d("unit"), example="pièce"),
        SkeletonField("reference", note=d("reference")),
        SkeletonField("description", note=d("description")),
        SkeletonField("purchase_price", note=d("purchase_price"), example="0.00"),
        SkeletonField("nature", note=d("nature"), example="goods"),
        SkeletonField("stock_managed", note=d("stock_managed"), example="true"),
        SkeletonField("serial_tracked", note=d("serial_tracked"), example="false"),
        SkeletonField("alert_level", note=d("alert_level"), example="5"),
        SkeletonField("desired_stock", note=d("desired_stock")),
        SkeletonField("supplier", note=d("supplier")),
    ], ctx.day


def _decimal(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise Refused(
            "input-number-unreadable",
            what=option,
            what_en=option,
            quoted=value,
            example="45.00",
            example_en="45.00",
        )
    return number


BUILDERS = {
    "company": _company,
    "contact": _contact,
    "project": _project,
    "interaction": _interaction,
    "product": _product,
}
