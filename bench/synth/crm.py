"""Settings, companies, contacts and projects."""

from __future__ import annotations

import datetime as dt

from synth.fmt import block, phone, quoted, random_siret, scalar, slugify, vat_number
from synth.words import (
    CITIES,
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    LEGAL_FORMS,
    NOTE_SENTENCES,
    PROJECT_TOPICS,
    ROLES,
    STREETS,
    TRADES,
    USERS,
)
from synth.world import Company, World

SETTINGS_HEAD = """\
firm:
  name: Atelier Dupont
  legal_form: EI
  capital: 1000
  address: {street: 12 rue des Lilas, postcode: "69003", city: Lyon, country: FR}
  siret: "73282932000074"
  rcs: RCS Lyon
  vat_number: FR44732829320
  vat_exempt: false
  iban: FR7630006000011234567890189
  bic: AGRIFRPP
  phone: "+33 4 78 00 00 00"
  email: contact@atelier-dupont.fr
locale: fr_FR
timezone: Europe/Paris
currency: EUR
vat_rates: [20, 10, 5.5, 2.1, 0]
invoicing:
  number_pattern: "F{year}-{seq:04}"
  quote_pattern: "D{year}-{seq:04}"
  order_pattern: "C{year}-{seq:04}"
  delivery_pattern: "BL{year}-{seq:04}"
  payment_terms_days: 30
  late_penalty: "Pénalités de retard : trois fois le taux d'intérêt légal"
  early_payment_discount: "Pas d'escompte pour paiement anticipé"
  recovery_indemnity: 40
  vat_on_debits: false
"""

SETTINGS_TAIL = """\
pipelines:
  sale:     {label: Vente,   budget_sign: positive, won: "Vente - 6 - Gagné", lost: "Vente - 7 - Perdu",
             stages: ["Vente - 1 - Prise de contact", "Vente - 2 - Découverte", "Vente - 3 - Devis",
                      "Vente - 4 - Négociation", "Vente - 5 - Bon de commande", "Vente - 6 - Gagné",
                      "Vente - 7 - Perdu"]}
  purchase: {label: Achat,   budget_sign: negative,
             stages: ["Achat - 1 - Besoin", "Achat - 2 - Consultation", "Achat - 3 - Devis reçu",
                      "Achat - 4 - Négociation", "Achat - 5 - Commande", "Achat - 6 - Réception"]}
  project:  {label: Projet,  budget_sign: negative,
             stages: ["Projet - 1 - À faire", "Projet - 2 - En cours", "Projet - 3 - Recette",
                      "Projet - 4 - Livré"]}
  support:  {label: Support, budget_sign: any,
             stages: ["Support - 1 - Diagnostic", "Support - 2 - Intervention",
                      "Support - 3 - Résolu"]}
media: [Téléphone, Email, Rendez-vous, Visio, Courrier]
sources: [Salon, Site web, Recommandation, Prospection]
interests: [particulier, professionnel, client auto, prospect auto]
resources:
  local-321: {name: Local 321, kind: room}
  salle-formation: {name: Salle de formation, kind: room}
  utilitaire: {name: Utilitaire Kangoo, kind: vehicle}
"""

COMPANY_KINDS = ("client",) * 10 + ("prospect",) * 6 + ("supplier",) * 3 + ("partner",)
INTERESTS = ("particulier", "professionnel", "client auto", "prospect auto")


def write_settings(world: World) -> None:
    """`data/settings.yaml`: the firm, ten users, full pipelines, media, resources."""
    users = ["users:\n"]
    for uid, name, cost, start in USERS:
        extra = f", start_address: {quoted(start)}" if start else ""
        email = f"{uid}@atelier-dupont.fr"
        users.append(f"  {uid}: {{name: {name}, email: {email}, hourly_cost: {cost}{extra}}}\n")
    world.files["data/settings.yaml"] = SETTINGS_HEAD + "".join(users) + SETTINGS_TAIL


def _note(world: World, low: int, high: int) -> list[str]:
    rng = world.rng
    return rng.sample(NOTE_SENTENCES, rng.randint(low, high))


def _address(world: World, city: tuple[str, str, str]) -> str:
    street = f"{world.rng.randint(1, 120)} {world.rng.choice(STREETS)}"
    return f"{{street: {street}, postcode: {quoted(city[1])}, city: {city[0]}, country: FR}}"


def write_companies(world: World) -> None:
    """`data/companies/*.yaml`, valid SIRETs on most, notes on some."""
    rng = world.rng
    for _ in range(world.count("companies")):
        if rng.random() < 0.5:
            name = f"{rng.choice(TRADES)} {rng.choice(LAST_NAMES)}"
        else:
            name = f"{rng.choice(TRADES)} {rng.choice(COMPANY_WORDS)}"
        cid = world.unique_id("company", slugify(name))
        city = rng.choice(CITIES)
        kind = rng.choice(COMPANY_KINDS)
        domain = f"{cid}.fr"
        out = [f"name: {scalar(name)}\n", f"kind: {kind}\n"]
        if rng.random() < 0.3:
            out.append(f"legal_form: {rng.choice(LEGAL_FORMS)}\n")
        if rng.random() < 0.75:
            siret = random_siret(rng)
            out.append(f"siret: {quoted(siret)}\n")
            if rng.random() < 0.5:
                out.append(f"vat_number: {vat_number(siret[:9])}\n")
        out.append(f"address: {_address(world, city)}\n")
        if rng.random() < 0.05:
            out.append(f"delivery_address: {_address(world, rng.choice(CITIES))}\n")
        out.append(f"phone: {quoted(phone(rng, city[2]))}\n")
        out.append(f"email: contact@{domain}\n")
        if rng.random() < 0.6:
            out.append(f"website: https://www.{domain}\n")
        out.append(f"interests: [{'professionnel' if rng.random() < 0.8 else 'particulier'}]\n")
        if rng.random() < 0.4:
            out.append(block("note", _note(world, 1, 4)))
        path = f"data/companies/{cid}.yaml"
        world.files[path] = "".join(out)
        world.editable.append(path)
        world.companies.append(Company(cid, name, kind, city[2], domain))


def write_contacts(world: World) -> None:
    """`data/contacts/*.yaml`: 90 % attached to a company, opt-ins and bounces on some."""
    rng = world.rng
    for _ in range(world.count("contacts")):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        xid = world.unique_id("contact", slugify(f"{first} {last}"))
        company = rng.choice(world.companies) if rng.random() < 0.9 else None
        out = [f"first_name: {first}\n", f"last_name: {last}\n"]
        if company:
            out.append(f"company: {company.id}\n")
            out.append(f"role: {rng.choice(ROLES)}\n")
            out.append(f"email: {slugify(first)}.{slugify(last)}@{company.domain}\n")
            out.append(f"phone: {quoted(phone(rng, company.zone))}\n")
            company.contacts.append(xid)
        else:
            out.append(f"email: {slugify(first)}.{slugify(last)}@example.org\n")
        if rng.random() < 0.6:
            out.append(f"mobile: {quoted(phone(rng, '6', mobile=True))}\n")
        interests = rng.sample(INTERESTS, rng.randint(0, 2))
        if interests:
            out.append(f"interests: [{', '.join(interests)}]\n")
        if rng.random() < 0.5:
            day = world.random_day()
            source = rng.choice(("formulaire site", "salon", "courriel", "papier"))
            out.append(f"optin: {{date: {day}, source: {source}}}\n")
            if rng.random() < 0.1:
                bounce = world.random_day(day)
                kind = rng.choice(("soft", "soft", "hard", "domain"))
                out.append(f"bounces: [{{date: {bounce}, kind: {kind}}}]\n")
        if rng.random() < 0.2:
            out.append(block("note", _note(world, 1, 3)))
        path = f"data/contacts/{xid}.yaml"
        world.files[path] = "".join(out)
        world.editable.append(path)
        world.contact_company[xid] = company.id if company else None


def write_projects(world: World) -> None:
    """`data/projects/*.yaml`: members, linked companies and contacts, a few extranets."""
    rng = world.rng
    clients = [c for c in world.companies if c.kind in ("client", "partner")] or world.companies
    user_ids = [u[0] for u in USERS]
    for _ in range(world.count("projects")):
        company = rng.choice(clients)
        topic = rng.choice(PROJECT_TOPICS)
        start = world.random_day(dt.date(2019, 1, 1), dt.date(2026, 12, 31))
        end = start + dt.timedelta(days=rng.randint(30, 400))
        pid = world.unique_id("project", slugify(f"{topic} {company.id} {start.year}"))
        members = rng.sample(user_ids, rng.randint(1, 3))
        out = [
            f"title: {scalar(f'{topic} / {company.name}')}\n",
            f"start: {start}\n",
            f"end: {end}\n",
            f"public: {'true' if rng.random() < 0.8 else 'false'}\n",
            "members:\n",
        ]
        roles = ["chef de projet"] + ["équipe"] * 2
        out += [f"  - {{user: {m}, role: {r}}}\n" for m, r in zip(members, roles, strict=False)]
        linked = [company]
        if rng.random() < 0.2:
            linked.append(rng.choice(world.companies))
        out.append("companies:\n")
        for i, c in enumerate(linked):
            if c.id not in [x.id for x in linked[:i]]:
                out.append(f"  - {{id: {c.id}, role: {'client' if i == 0 else 'partenaire'}}}\n")
                c.projects.append(pid)
        contacts = company.contacts[:2]
        if contacts:
            out.append("contacts:\n")
            out += [f"  - {{id: {x}, role: key user}}\n" for x in contacts]
        if rng.random() < 0.05:
            env = "CARNET_EXTRANET_" + pid.upper().replace("-", "_")
            out.append(
                f"extranet:\n  enabled: true\n  password_env: {env}\n  kinds: [project, support]\n"
            )
        if rng.random() < 0.3:
            out.append(block("note", _note(world, 1, 3)))
        world.files[f"data/projects/{pid}.yaml"] = "".join(out)
        world.projects[pid] = [c.id for c in linked]
