"""``carnet campaign bounces`` and ``unsubscribes``: delivery reports (RFC 3464 and the
plain-text bounces of Postfix, Exim, Exchange and Gmail, fixtures in
tests/fixtures/bounces/) and unsubscribe replies read back into the contacts."""

from __future__ import annotations

import mailbox
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import yaml
from campaign_helpers import Recorder, campaign_repo, carnet, git, smtp_server

from generator.campaigns.reports import parse_report
from generator.schema.common import BounceKind
from generator.testing import load_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "bounces"


def _mbox(path: Path, names: list[str]) -> Path:
    box = mailbox.mbox(path)
    for name in names:
        box.add((FIXTURES / name).read_bytes())
    box.flush()
    box.close()
    return path


def _sent_repo(root: Path) -> Path:
    repo = campaign_repo(root)
    with smtp_server(Recorder()) as server:
        result = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert result.exit_code == 0, result.output
    return repo


def _contact(repo: Path, contact: str) -> dict:
    return yaml.safe_load((repo / f"data/contacts/{contact}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "address", "status", "kind"),
    [
        ("postfix.eml", "jeanne@sapins.example", "5.1.1", BounceKind.HARD),
        ("exim.eml", "lea@laposte.example", "4.2.2", BounceKind.SOFT),
        ("exchange.eml", "ines@gmail.example", "5.4.4", BounceKind.DOMAIN),
        ("gmail.eml", "paul@coteaux.example", "5.1.1", BounceKind.HARD),
    ],
)
def test_each_server_style_is_read(name: str, address: str, status: str, kind: BounceKind) -> None:
    message = message_from_bytes((FIXTURES / name).read_bytes(), policy=policy.default)
    report = parse_report(message, known=[address])
    assert report is not None
    assert [(f.address, f.status, f.kind) for f in report.failures] == [(address, status, kind)]


def test_a_reply_is_no_report() -> None:
    message = message_from_bytes((FIXTURES / "reply.eml").read_bytes(), policy=policy.default)
    assert parse_report(message, known=["ines@gmail.example"]) is None


def test_bounces_update_the_right_contacts_once(tmp_path: Path) -> None:
    repo = _sent_repo(tmp_path / "repo")
    box = _mbox(
        tmp_path / "retours.mbox",
        ["postfix.eml", "exim.eml", "exchange.eml", "gmail.eml", "reply.eml", "stranger.eml"],
    )
    result = carnet(repo, "campaign", "bounces", "voeux", str(box))
    assert result.exit_code == 0, result.output
    assert "2 messages non rapprochés" in result.output
    assert "Re: vos voeux" in result.output  # a reply, and a report of an address never sent to
    assert "MAILER-DAEMON@mx.example.org" in result.output
    jeanne = _contact(repo, "jeanne-sapin")["bounces"]
    assert jeanne == [
        {
            "date": jeanne[0]["date"],
            "kind": "hard",
            "address": "jeanne@sapins.example",
            "campaign": "voeux",
            "status": "5.1.1",
            "message_id": "<20261211081407.4Xb2kQ1zTpz9sW@mx.sapins.example>",
        }
    ]
    assert str(jeanne[0]["date"]) == "2026-12-11"
    assert _contact(repo, "lea-fontaine")["bounces"][0]["kind"] == "soft"
    assert _contact(repo, "ines-da-silva")["bounces"][0]["kind"] == "domain"
    assert _contact(repo, "paul-coteaux")["bounces"][0]["status"] == "5.1.1"
    assert len(_contact(repo, "julien-blanc")["bounces"]) == 1  # never sent to: untouched
    assert git(repo, "status", "--porcelain") == ""
    # the same mailbox again adds nothing
    head = git(repo, "rev-parse", "HEAD")
    again = carnet(repo, "campaign", "bounces", "voeux", str(box))
    assert again.exit_code == 0, again.output
    assert "4 messages déjà enregistrés" in again.output
    assert git(repo, "rev-parse", "HEAD") == head
    assert len(_contact(repo, "jeanne-sapin")["bounces"]) == 1
    # and the hard bounce disables the address: validate says so, a new send skips it
    result = carnet(repo, "validate")
    assert "campaign-address-disabled" not in result.output  # the campaign is sent already


def test_disabled_rules_in_the_book() -> None:
    files = {
        "data/companies/z.yaml": "name: Z\nkind: client\n",
        "data/contacts/hard.yaml": "last_name: H\ncompany: z\nemail: h@z.example\n"
        "bounces: [{date: 2026-01-05, kind: hard, address: h@z.example}]\n",
        "data/contacts/moved.yaml": "last_name: M\ncompany: z\nemail: new@z.example\n"
        "bounces: [{date: 2026-01-05, kind: hard, address: old@z.example}]\n",
        "data/contacts/soft.yaml": "last_name: S\ncompany: z\nemail: s@z.example\n"
        "bounces: [{date: 2026-01-01, kind: soft}, {date: 2026-02-01, kind: soft},"
        " {date: 2026-03-15, kind: soft}]\n",
        "data/contacts/softslow.yaml": "last_name: T\ncompany: z\nemail: t@z.example\n"
        "bounces: [{date: 2026-01-01, kind: soft}, {date: 2026-03-01, kind: soft},"
        " {date: 2026-06-01, kind: soft}]\n",
        "data/contacts/domain.yaml": "last_name: D\ncompany: z\nemail: d@gone.example\n"
        "bounces: [{date: 2026-04-01, kind: domain}]\n",
        "data/contacts/neighbour.yaml": "last_name: N\ncompany: z\nemail: n@gone.example\n",
        "data/contacts/private.yaml": "last_name: P\nemail: p@home.example\n",
        "data/contacts/private-in.yaml": "last_name: Q\nemail: q@home.example\n"
        "optin: {date: 2026-01-01}\n",
        "data/contacts/out.yaml": "last_name: O\nemail: o@home.example\n"
        "optin: {date: 2026-01-01}\noptout: {date: 2026-02-01}\n",
        "data/contacts/back.yaml": "last_name: B\nemail: b@home.example\n"
        "optin: {date: 2026-03-01}\noptout: {date: 2026-02-01}\n",
        "data/contacts/nomail.yaml": "last_name: X\ncompany: z\n",
    }
    book = load_yaml(files).book
    assert book is not None
    refusal = {c: (s.refusal.value if s.refusal else None) for c, s in book.consent.items()}
    assert refusal == {
        "back": None,
        "domain": "disabled",
        "hard": "disabled",
        "moved": None,
        "neighbour": "disabled",
        "nomail": "no-email",
        "out": "opted-out",
        "private": "no-consent",
        "private-in": None,
        "soft": "disabled",
        "softslow": None,
    }
    assert book.consent["soft"].disabled.since.isoformat() == "2026-03-15"
    assert book.consent["neighbour"].disabled.kind is BounceKind.DOMAIN


def test_b2b_requires_optin_setting() -> None:
    from generator.testing import MINIMAL_SETTINGS

    files = {
        "data/companies/z.yaml": "name: Z\nkind: client\n",
        "data/contacts/a.yaml": "last_name: A\ncompany: z\nemail: a@z.example\n",
    }
    default = load_yaml(files).book
    strict = load_yaml(
        files, settings=MINIMAL_SETTINGS + "prospecting: {b2b_requires_optin: true}\n"
    ).book
    assert default.consent["a"].allowed
    assert strict.consent["a"].refusal.value == "no-consent"


def test_unsubscribe_replies_record_an_optout(tmp_path: Path) -> None:
    repo = _sent_repo(tmp_path / "repo")
    folder = tmp_path / "Maildir"
    box = mailbox.Maildir(folder)
    box.add(
        b"From: Jeanne Sapin <Jeanne@Sapins.example>\r\nTo: contact@atelier.example\r\n"
        b"Date: Sat, 12 Dec 2026 08:30:00 +0100\r\nSubject: unsubscribe-voeux\r\n"
        b"Message-ID: <u1@sapins.example>\r\n\r\n\r\n"
    )
    box.add(
        b"From: inconnu@ailleurs.example\r\nTo: contact@atelier.example\r\n"
        b"Subject: unsubscribe-voeux\r\n\r\n\r\n"
    )
    result = carnet(repo, "campaign", "unsubscribes", str(folder))
    assert result.exit_code == 0, result.output
    assert "1 message non rapproché" in result.output
    optout = _contact(repo, "jeanne-sapin")["optout"]
    assert optout == {
        "date": optout["date"],
        "source": "désinscription par e-mail",
        "campaign": "voeux",
    }
    assert str(optout["date"]) == "2026-12-12"
    assert git(repo, "status", "--porcelain") == ""
    preview = carnet(repo, "campaign", "preview", "voeux")
    assert re.search(r"jeanne-sapin +désinscrit \(opt-out\)", preview.output)
    again = carnet(repo, "campaign", "unsubscribes", str(folder))
    assert "1 message déjà enregistré" in again.output


def test_bounces_before_any_send_are_refused(tmp_path: Path) -> None:
    repo = campaign_repo(tmp_path / "repo")
    box = _mbox(tmp_path / "retours.mbox", ["postfix.eml"])
    result = carnet(repo, "campaign", "bounces", "voeux", str(box))
    assert result.exit_code == 1
    assert "journal d'envoi" in result.output
