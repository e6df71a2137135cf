"""``carnet init``: a new firm's data repository, ready to validate and build at once.

:func:`create_firm` writes ``data/settings.yaml`` from the answers (checked first: SIREN,
SIRET, VAT number, IBAN and BIC by their check digits), the record folders, ``mkdocs.yml``,
``.gitignore``, the editor's settings and ``schemas/``, a pre-commit hook and a short README
for the firm (``site_templates/starter/``); then ``git init`` and a first commit. A folder
that holds anything (but a ``.git`` without commits) is refused, and a failure leaves the
folder as it was found.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator import __version__
from generator.authoring.ids import slug
from generator.checks.identifiers import EMAIL, identifier_error
from generator.files.edits import ChangeSet, dump, to_yaml_data
from generator.files.layout import FOLDERS, SETTINGS_PATH
from generator.history.start import git_available, has_no_commit, start_repository
from generator.problems import Refused
from generator.templating import templates_dir

STARTER = "starter"
"""The folder of ``site_templates/`` holding the files of a new repository."""


@dataclass(frozen=True, slots=True)
class FirmAnswers:
    """What ``carnet init`` asks (options or prompts): the firm and its first user."""

    name: str
    legal_form: str | None = None
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str = "FR"
    iban: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    user_name: str = ""
    user_email: str | None = None
    user: str | None = None
    """The first user's id (default: the slug of their first name)."""
    ci: str | None = None
    """``"github"`` or ``"gitlab"``: the CI pipeline written with the rest (``carnet ci``)."""


@dataclass(frozen=True, slots=True)
class Question:
    """One answer of :class:`FirmAnswers`: its prompt in French and English."""

    key: str
    fr: str
    en: str
    required: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question("name", "Raison sociale", "Firm name", required=True),
    Question("legal_form", "Forme juridique (EI, EURL, SARL, SAS…)", "Legal form"),
    Question("siret", "SIRET (14 chiffres)", "SIRET (14 digits)"),
    Question("siren", "SIREN (9 chiffres, si pas de SIRET)", "SIREN (9 digits, without SIRET)"),
    Question("vat_number", "N° de TVA intracommunautaire", "EU VAT number"),
    Question("street", "Adresse (numéro et voie)", "Street address"),
    Question("postcode", "Code postal", "Postcode"),
    Question("city", "Ville", "City"),
    Question("country", "Pays (code ISO à deux lettres)", "Country (two-letter ISO code)"),
    Question("iban", "IBAN", "IBAN"),
    Question("bic", "BIC", "BIC"),
    Question("email", "E-mail de l'entreprise", "Firm's e-mail"),
    Question("phone", "Téléphone", "Phone"),
    Question("user_name", "Premier utilisateur (prénom et nom)", "First user (full name)", True),
    Question("user_email", "Son e-mail", "Their e-mail"),
)
"""The questions of ``carnet init``, in the order they are asked."""

_IDENTIFIERS = {"siren", "siret", "vat_number", "iban", "bic"}
_LABELS = {q.key: (q.fr.split(" (")[0], q.en.split(" (")[0]) for q in QUESTIONS}


def answer_error(key: str, value: str, lang: str = "fr") -> str | None:
    """Why ``value`` cannot answer the question ``key`` (in ``lang``), or ``None``."""
    en = lang.startswith("en")
    if key in _IDENTIFIERS and value:
        return identifier_error(key, value, lang)
    if key in ("email", "user_email") and value and not EMAIL.match(value):
        return "not an e-mail address" if en else "ce n'est pas une adresse e-mail"
    if key == "country" and not (len(value) == 2 and value.isascii() and value.isupper()):
        return "two capital letters, e.g. FR" if en else "deux majuscules, par exemple FR"
    if key in ("name", "user_name") and not value.strip():
        return "required" if en else "obligatoire"
    return None


def check_answers(answers: FirmAnswers, lang: str = "fr") -> None:
    """Refuse (``init-answer-invalid``, exit 2) the first answer that cannot be used."""
    from stdnum.fr import siren, siret

    for item in fields(answers):
        value = getattr(answers, item.name)
        if item.name not in _LABELS or value is None:
            continue
        problem = answer_error(item.name, value, lang)
        if problem:
            label = _LABELS[item.name][lang.startswith("en")]
            raise Refused("init-answer-invalid", field=label, value=value, detail=problem)
    if answers.user is not None and not slug(answers.user) == answers.user:
        raise Refused("new-id-invalid", id=answers.user)
    if (
        answers.siren
        and answers.siret
        and siret.compact(answers.siret)[:9] != siren.compact(answers.siren)
    ):
        raise Refused("init-siren-siret", siren=answers.siren, siret=answers.siret)


def settings_data(answers: FirmAnswers) -> dict[str, Any]:
    """The content of ``data/settings.yaml`` for ``answers`` (FORMAT.md's layout)."""
    address = {
        "street": answers.street,
        "postcode": answers.postcode,
        "city": answers.city,
        "country": answers.country,
    }
    firm = {
        "name": answers.name,
        "legal_form": answers.legal_form,
        "address": address,
        "siren": answers.siren,
        "siret": answers.siret,
        "vat_number": answers.vat_number,
        "iban": answers.iban,
        "bic": answers.bic,
        "phone": answers.phone,
        "email": answers.email,
    }
    user = {"name": answers.user_name, "email": answers.user_email}
    return {
        "firm": firm,
        "locale": "fr_FR",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "vat_rates": [Decimal(20), Decimal(10), Decimal("5.5"), Decimal("2.1"), Decimal(0)],
        "invoicing": {"number_pattern": "F{year}-{seq:04}", "payment_terms_days": 30},
        "users": {user_id(answers): user},
        "pipelines": PIPELINES,
        "media": ["Téléphone", "Email", "Rendez-vous", "Visio", "Courrier"],
        "sources": ["Salon", "Site web", "Recommandation", "Prospection"],
        "interests": ["particulier", "professionnel", "newsletter"],
    }


def user_id(answers: FirmAnswers) -> str:
    """The first user's id: the one given, else the slug of their first name."""
    if answers.user:
        return answers.user
    first = answers.user_name.split()[0] if answers.user_name.split() else ""
    return slug(first) or "moi"


def _stages(label: str, *names: str) -> list[str]:
    return [f"{label} - {n} - {name}" for n, name in enumerate(names, 1)]


PIPELINES: dict[str, Any] = {
    "sale": {
        "label": "Vente",
        "budget_sign": "positive",
        "won": "Vente - 6 - Gagné",
        "lost": "Vente - 7 - Perdu",
        "stages": _stages(
            "Vente",
            "Prise de contact",
            "Découverte",
            "Devis",
            "Négociation",
            "Bon de commande",
            "Gagné",
            "Perdu",
        ),
    },
    "purchase": {
        "label": "Achat",
        "budget_sign": "negative",
        "committed_from": "Achat - 5 - Commande",
        "stages": _stages(
            "Achat", "Besoin", "Consultation", "Devis reçu", "Négociation", "Commande", "Réception"
        ),
    },
    "project": {
        "label": "Projet",
        "budget_sign": "negative",
        "stages": _stages("Projet", "À faire", "En cours", "Recette", "Livré"),
    },
    "support": {
        "label": "Support",
        "budget_sign": "any",
        "stages": _stages("Support", "Diagnostic", "Intervention", "Résolu"),
    },
}
"""The pipelines of the seed manual (sale, purchase, project, support), to adapt."""


def _flow_lists(node: Any) -> Any:
    """Lists of scalars on one line (``vat_rates: [20, 10, 5.5, 2.1, 0]``), as in the
    example's settings; stages stay one per line."""
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            node[key] = _flow_lists(value)
    elif isinstance(node, CommentedSeq) and key_is_short(node):
        node.fa.set_flow_style()
    return node


def key_is_short(values: CommentedSeq) -> bool:
    """A list whose items are all short scalars."""
    return all(isinstance(v, str | int | Decimal) and len(str(v)) < 20 for v in values)


def refuse_unless_empty(target: Path) -> None:
    """Refuse (``init-not-empty``, exit 1) a ``target`` that exists and holds anything but
    a ``.git`` without commits."""
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir() or target.is_symlink():
        raise Refused("init-not-empty", folder=target)
    names = set(os.listdir(target))
    if not names or (names == {".git"} and has_no_commit(target)):
        return
    raise Refused("init-not-empty", folder=target)


def starter_files(target: Path, answers: FirmAnswers) -> ChangeSet:
    """Every file of the new repository, as a change set (nothing written yet)."""
    from generator.load import parse_settings
    from generator.schema.export import schemas

    changes = ChangeSet(target)
    settings_text = "# Réglages de l'entreprise : coordonnées fusion, équipe, pipelines.\n"
    settings_text += dump(_flow_lists(to_yaml_data(settings_data(answers))))
    changes.create_bytes(SETTINGS_PATH, settings_text.encode("utf-8"))
    settings, problems = parse_settings(target, settings_text.encode("utf-8"))
    if settings is None or problems:  # the answers were checked: a defect of ours
        raise ValueError(f"settings of carnet init do not validate: {problems}")
    for folder in (*(f.path for f in FOLDERS), "data/documents"):
        changes.create_bytes(f"{folder}/.gitkeep", b"")
    starter = templates_dir() / STARTER
    texts = {
        "README.md": "README.md",
        ".gitignore": "gitignore",
        ".pre-commit-config.yaml": "pre-commit-config.yaml",
        ".vscode/settings.json": "vscode-settings.json",
        ".vscode/extensions.json": "vscode-extensions.json",
    }
    for rel, source in texts.items():
        text = (starter / source).read_text(encoding="utf-8")
        text = text.replace("@FIRM@", answers.name).replace("@VERSION@", __version__)
        changes.create_bytes(rel, text.encode("utf-8"))
    base = (templates_dir() / "mkdocs.base.yml").read_text(encoding="utf-8")
    site_name = json.dumps(answers.name, ensure_ascii=False)
    changes.create_bytes(
        "mkdocs.yml", base.replace("site_name: Carnet", f"site_name: {site_name}").encode()
    )
    for name, schema in schemas(settings).items():
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        changes.create_bytes(f"schemas/{name}.schema.json", text.encode("utf-8"))
    if answers.ci is not None:  # in the first commit, as carnet ci would write it
        from generator.ci.pipelines import PLATFORMS, PipelineOptions, pipeline_text

        text = pipeline_text(answers.ci, PipelineOptions())
        changes.create_bytes(PLATFORMS[answers.ci], text.encode("utf-8"))
    return changes


@dataclass(frozen=True, slots=True)
class Created:
    """What :func:`create_firm` did: the paths written and the first commit's hash."""

    paths: list[str]
    commit: str


def create_firm(target: Path, answers: FirmAnswers, lang: str = "fr") -> Created:
    """Create the repository of a new firm in ``target`` and commit it (see the module)."""
    check_answers(answers, lang)
    refuse_unless_empty(target)
    if not git_available():
        raise Refused("init-git-missing")
    changes = starter_files(target, answers)
    made = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        paths = changes.write()
        message = (
            f"Creation of the repository '{answers.name}' (carnet init)"
            if lang.startswith("en")
            else f"Création du dépôt « {answers.name} » (carnet init)"
        )
        commit = start_repository(target, message)
    except BaseException:
        changes.undo()
        _remove_empty_folders(target, made)
        raise
    return Created(paths, commit)


def _remove_empty_folders(target: Path, remove_target: bool) -> None:
    """Take back the folders a failed ``init`` made (the target was empty: every folder
    below it but ``.git`` is ours)."""
    for folder, _, _ in sorted(os.walk(target), key=lambda w: -len(w[0])):
        path = Path(folder)
        if ".git" in path.relative_to(target).parts or (path == target and not remove_target):
            continue
        with contextlib.suppress(OSError):
            path.rmdir()
