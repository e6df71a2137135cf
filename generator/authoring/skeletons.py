"""``carnet new``: the skeleton of a company, contact, project, interaction or product.

A skeleton is a valid record as far as the options go: its required fields are filled
from the options (or from what the repository knows: the contact of a company that has
one, the user at the keyboard), a required field left unknown is written empty with a
comment, so ``carnet validate`` points at it; every optional field is a comment showing
its allowed values (from the settings: users, stages, media, sources, interests) or what
it holds (the schema's description). The id is the slug of the name, with a ``-2``,
``-3``… suffix when it is taken. Nothing is committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from generator.authoring.ids import ID_PATTERN, refuse_outside, slug, unused_id
from generator.authoring.people import company_of_contact, contacts_of, match_user
from generator.book.naming import resolve
from generator.files.edits import dump, to_yaml_data
from generator.files.layout import FOLDERS
from generator.files.sources import SourceFile, discover
from generator.problems import Refused
from generator.schema import Settings
from generator.schema.interaction import Interaction
from generator.schema.parties import Company, Contact, Project
from generator.schema.stock import Product

NEW_KINDS = ("company", "contact", "project", "interaction", "product")
"""The kinds of record ``carnet new`` writes."""
COMMENT_COLUMN = 32
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
class Skeleton:
    """A record to write: its repository path and its text."""

    path: str
    text: str


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    value: Any = None
    required: bool = False
    note: str = ""
    example: str = ""


def ticket_number(moment: datetime) -> str:
    """A support ticket's number: the date and time, ``202611251546`` (seed manual)."""
    return moment.strftime("%Y%m%d%H%M")


def plan_new(
    repo: Path,
    settings: Settings,
    request: NewRecord,
    *,
    now: datetime,
    who: Iterable[str | None] = (),
) -> Skeleton:
    """The skeleton ``request`` asks for (not written). ``now`` dates it (and numbers a
    support ticket); ``who`` are the hints of who is at the keyboard (``CARNET_USER``,
    git's e-mail), the first that names a user of the settings wins.

    Refused (exit 2) for an unknown company, contact, project, user, pipeline or stage (with
    their did-you-mean), an invalid id, or no id and no name; (exit 1) when the id is taken.
    """
    files, _ = discover(repo)
    taken = {f.id for f in files if f.kind == request.kind}
    if request.id is not None:
        if not ID_PATTERN.match(request.id):
            raise Refused("new-id-invalid", id=request.id)
        if request.id in taken:
            raise Refused("new-id-taken", id=request.id, kind=request.kind)
    builder = _BUILDERS[request.kind]
    fields, when = builder(_Context(repo, settings, request, files, now, tuple(who)))
    base = slug(_name_of(request, fields))
    if request.id is None and not base:
        raise Refused("new-name-needed")
    record_id = request.id or unused_id(base, taken)
    folder = next(f.path for f in FOLDERS if f.kind == request.kind)
    if request.kind == "interaction":
        folder = f"{folder}/{when.year}"
    title = {
        "company": "société",
        "contact": "contact",
        "project": "projet",
        "interaction": "interaction",
        "product": "produit",
    }[request.kind]
    header = (
        f"# Fiche {title} écrite par « carnet new » : les champs en commentaire sont\n"
        "# facultatifs, décommentez ceux qui servent ; un champ vide « À COMPLÉTER » est\n"
        "# obligatoire (carnet validate le signale).\n"
    )
    path = f"{folder}/{record_id}.yaml"
    refuse_outside(repo, path)
    return Skeleton(path, header + "".join(_render(f) for f in fields))


def _name_of(request: NewRecord, fields: list[_Field]) -> str:
    """What the id is made from: the name, else a support ticket's number."""
    if request.name:
        return request.name
    if request.kind == "interaction" and request.pipeline == SUPPORT:
        subject = next(str(f.value) for f in fields if f.key == "subject")
        return "ticket-" + subject.rsplit(" ", 1)[-1]
    return ""


@dataclass(frozen=True, slots=True)
class _Context:
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


def _company(ctx: _Context) -> tuple[list[_Field], date]:
    r, s = ctx.request, ctx.settings
    kinds = "client, prospect, supplier (fournisseur), partner (partenaire)"
    if r.nature is not None and r.nature not in ("client", "prospect", "supplier", "partner"):
        raise Refused("new-nature-unknown", nature=r.nature, known=kinds)

    def d(key: str, text: str = "") -> str:
        return _described(Company, key, text)

    return [
        _Field("name", r.name, True, d("name")),
        _Field("kind", r.nature or "prospect", True, kinds),
        _Field("legal_form", note=d("legal_form")),
        _Field("siren", note=d("siren"), example='""'),
        _Field("siret", note=d("siret"), example='""'),
        _Field("vat_number", note=d("vat_number")),
        _Field("address", note=d("address"), example=_ADDRESS),
        _Field("delivery_address", note=d("delivery_address"), example=_ADDRESS),
        _Field("phone", note=d("phone"), example='""'),
        _Field("email", note=d("email")),
        _Field("website", note=d("website")),
        _Field("interests", note=_listed(s.interests), example="[]"),
        _Field("note", note=d("note"), example="|"),
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


def _contact(ctx: _Context) -> tuple[list[_Field], date]:
    r, s = ctx.request, ctx.settings
    first, last = _split_name(r.name)

    def d(key: str, text: str = "") -> str:
        return _described(Contact, key, text)

    company = ctx.record("company", r.company)
    return [
        _Field("first_name", first, note=d("first_name")),
        _Field("last_name", last, True, d("last_name")),
        _Field("company", company, note=d("company")),
        _Field("role", note=d("role")),
        _Field("email", note=d("email")),
        _Field("phone", note=d("phone"), example='""'),
        _Field("mobile", note=d("mobile"), example='""'),
        _Field("address", note=d("address"), example=_ADDRESS),
        _Field("interests", note=_listed(s.interests), example="[]"),
        _Field("optin", note=d("optin"), example=f'{{date: {ctx.day.isoformat()}, source: ""}}'),
        _Field("note", note=d("note"), example="|"),
    ], ctx.day


def _project(ctx: _Context) -> tuple[list[_Field], date]:
    r, s = ctx.request, ctx.settings
    user = ctx.user()
    company = ctx.record("company", r.company)
    contact = ctx.record("contact", r.contact)

    def d(key: str, text: str = "") -> str:
        return _described(Project, key, text)

    members = [{"user": user, "role": "chef de projet"}] if user else None
    return [
        _Field("title", r.name, True, d("title")),
        _Field("start", ctx.day, note=d("start")),
        _Field("end", note=d("end"), example=ctx.day.isoformat()),
        _Field("public", note=d("public"), example="true"),
        _Field("members", members, note=d("members", "utilisateurs " + _listed(s.users)))
        if members
        else _Field(
            "members",
            note=d("members", "utilisateurs " + _listed(s.users)),
            example='[{user: "", role: chef de projet}]',
        ),
        _Field("companies", [{"id": company}], note=d("companies"))
        if company
        else _Field("companies", note=d("companies"), example='[{id: "", role: client}]'),
        _Field("contacts", [{"id": contact}], note=d("contacts"))
        if contact
        else _Field("contacts", note=d("contacts"), example='[{id: "", role: ""}]'),
        _Field(
            "extranet",
            note="Extranet client : mot de passe lu dans la variable nommée (jamais ici)",
            example=f"{{enabled: true, password_env: CARNET_EXTRANET_{_env_name(r)}}}",
        ),
        _Field("note", note=d("note"), example="|"),
    ], ctx.day


def _env_name(request: NewRecord) -> str:
    return (slug(request.name or request.id or "projet").upper().replace("-", "_"))[:30]


def _interaction(ctx: _Context) -> tuple[list[_Field], date]:
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
        _Field("kind", kind, True, "Nature : " + _listed(pipelines)),
        _Field("type", stage, True, "Étape : " + _listed(stages)),
        _Field("user", user, True, "Utilisateur : " + _listed(s.users)),
        _Field("subject", subject, True, d("subject")),
        _Field("date", ctx.day, True, d("date")),
        _Field("state", "open", True, "État : open, in_progress, done"),
        _Field("next_step", note=d("next_step")),
        _Field("contact", contact, note=contact_note),
        _Field("company", company, note=d("company")),
        _Field("project", project, note=d("project")),
        _Field("budget", note=f"Budget : montant HT, {sign} pour ce pipeline", example="0.00"),
        _Field("media", note="Média : " + _listed(s.media)),
        _Field("source", note="Source : " + _listed(s.sources)),
        _Field("document_ref", note=d("document_ref")),
        _Field("attachments", note=d("attachments"), example="[]"),
        _Field("note", note=d("note"), example="|"),
        _Field("internal_note", note=d("internal_note"), example="|"),
        _Field("start", note=d("start"), example=f"{ctx.day.isoformat()}T09:00"),
        _Field("end", note=d("end"), example=f"{ctx.day.isoformat()}T10:00"),
        _Field("resources", note="Ressources : " + _listed(s.resources), example="[]"),
        _Field("hours", note=d("hours")),
    ], ctx.day


def _product(ctx: _Context) -> tuple[list[_Field], date]:
    r, s = ctx.request, ctx.settings
    price = _decimal(r.price, "--price")
    rate = _decimal(r.vat_rate, "--vat-rate")
    if rate is None and s.vat_rates:
        rate = s.vat_rates[0]

    def d(key: str, text: str = "") -> str:
        return _described(Product, key, text)

    return [
        _Field("name", r.name, True, d("name")),
        _Field("price", price, True, d("price")),
        _Field("vat_rate", rate, True, "Taux de TVA : " + _listed(s.vat_rates)),
        _Field("unit", note=d("unit"), example="pièce"),
        _Field("reference", note=d("reference")),
        _Field("description", note=d("description")),
        _Field("purchase_price", note=d("purchase_price"), example="0.00"),
        _Field("nature", note=d("nature"), example="goods"),
        _Field("stock_managed", note=d("stock_managed"), example="true"),
        _Field("serial_tracked", note=d("serial_tracked"), example="false"),
        _Field("alert_level", note=d("alert_level"), example="5"),
        _Field("desired_stock", note=d("desired_stock")),
        _Field("supplier", note=d("supplier")),
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


_BUILDERS = {
    "company": _company,
    "contact": _contact,
    "project": _project,
    "interaction": _interaction,
    "product": _product,
}


def _render(field: _Field) -> str:
    """One field as YAML: its value, empty with « à compléter » when required and
    unknown, or commented out with its example."""
    if field.value is not None:
        node = to_yaml_data({field.key: field.value})
        node.fa.set_block_style()
        text = dump(node).rstrip("\n")
        if "\n" in text or not field.note:
            return text + "\n"
        return _with_comment(text, field.note)
    if field.required:
        return _with_comment(f"{field.key}:", f"À COMPLÉTER — {field.note}")
    example = f" {field.example}" if field.example else ""
    return _with_comment(f"# {field.key}:{example}", field.note)


def _with_comment(text: str, note: str) -> str:
    return f"{text.ljust(COMMENT_COLUMN - 1)} # {note}\n"
