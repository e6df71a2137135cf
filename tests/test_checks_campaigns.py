"""``carnet validate`` on campaigns: references, headers, merge tags, disabled targets."""

from __future__ import annotations

from generator.testing import load_yaml

BASE = {
    "data/companies/z.yaml": "name: Z\nkind: client\n",
    "data/contacts/a.yaml": "last_name: A\ncompany: z\nemail: a@z.example\n"
    "interests: [professionnel]\n"
    "bounces: [{date: 2026-01-01, kind: hard, address: a@z.example}]\n",
}


def _problems(campaign: str, extra: dict[str, str] | None = None) -> list[str]:
    files = {**BASE, "data/campaigns/c.yaml": campaign, **(extra or {})}
    return [p.format_text().splitlines()[0] for p in load_yaml(files).problems]


GOOD = (
    "name: C\n"
    "date: 2026-12-01\n"
    'from: "Atelier <contact@atelier.example>"\n'
    'subject: "Bonjour {{ contact.first_name }}"\n'
    "body: Bonjour\n"
)


def test_a_good_campaign_on_a_disabled_address_gives_one_info() -> None:
    assert _problems(GOOD + "target: {interests_any: [professionnel]}\n") == [
        "data/campaigns/c.yaml:6:9: info: l'adresse a@z.example de a est désactivée depuis"
        " le jeudi 1er janvier 2026 (retour définitif) : la campagne ne lui écrit pas"
        " [campaign-address-disabled]"
    ]


def test_no_info_once_the_campaign_is_sent() -> None:
    log = "campaign: c\nsendings: []\n"
    problems = _problems(
        GOOD + "target: {interests_any: [professionnel]}\n",
        {"data/campaigns/c.sent.yaml": log},
    )
    assert problems == []


def test_every_fault_at_its_line() -> None:
    campaign = (
        "name: C\n"
        "date: 2026-12-01\n"
        'from: "Atelier <contact@atelier.example>, autre@example.org"\n'
        'subject: "Bonjour\\nBcc: tous@example.org"\n'
        'body: "{{ contact.first_name "\n'
        "target: {include: [b], interests_any: [profesionnel]}\n"
    )
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in _problems(campaign)]
    lines = [line.split(":")[1] for line in _problems(campaign)]
    assert codes == [
        "campaign-address-invalid",
        "campaign-header-unsafe",
        "campaign-template-invalid",
        "ref-unknown",
        "list-value-unknown",
    ]
    assert lines == ["3", "4", "5", "6", "6"]
