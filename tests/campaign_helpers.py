"""A real SMTP server for the campaign tests (aiosmtpd on 127.0.0.1), and a small
committed business with contacts of every consent case."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from click.testing import CliRunner

from generator.cli.main import main
from generator.testing import write_repo

TODAY = "2026-11-25"

CONTACTS = {
    # B2B with a company: written to unless opted out
    "data/companies/sapins.yaml": "name: Mes Beaux Sapins\nkind: client\ninterests: [newsletter]\n",
    "data/contacts/jeanne-sapin.yaml": """\
        first_name: Jeanne
        last_name: Sapin
        company: sapins
        email: jeanne@sapins.example
        interests: [newsletter]
        """,
    "data/contacts/marc-sapin.yaml": """\
        first_name: Marc
        last_name: Sapin
        company: sapins
        email: marc@sapins.example
        optin: {date: 2025-01-10, source: formulaire}
        optout: {date: 2026-02-01, source: désinscription}
        """,
    # B2C: only with an opt-in
    "data/contacts/lea-fontaine.yaml": """\
        first_name: Léa
        last_name: Fontaine
        email: lea@laposte.example
        interests: [newsletter]
        optin: {date: 2026-04-28, source: formulaire site}
        """,
    "data/contacts/hugo-sans-optin.yaml": """\
        first_name: Hugo
        last_name: Marchand
        email: hugo@free.example
        interests: [newsletter]
        """,
    # disabled: a hard bounce on the current address
    "data/contacts/julien-blanc.yaml": """\
        first_name: Julien
        last_name: Blanc
        company: sapins
        email: julien@sapins.example
        bounces: [{date: 2026-05-12, kind: hard, address: julien@sapins.example}]
        """,
    # B2B through its company's interest centre
    "data/companies/coteaux.yaml": "name: Domaine des Coteaux\nkind: prospect\ninterests: [newsletter]\n",
    "data/contacts/paul-coteaux.yaml": """\
        first_name: Paul
        last_name: Coteaux
        company: coteaux
        email: paul@coteaux.example
        """,
    "data/contacts/ines-da-silva.yaml": """\
        first_name: Inès
        last_name: Da Silva
        email: ines@gmail.example
        interests: [newsletter]
        optin: {date: 2026-05-06, source: formulaire site}
        """,
}

CAMPAIGN = """\
    name: Vœux 2027
    date: 2026-12-10
    target:
      interests_any: [newsletter]
    from: "Atelier Dupont <contact@atelier.example>"
    reply_to: contact@atelier.example
    subject: "{{ contact.first_name }}, nos vœux pour 2027"
    body: |
      Bonjour {{ contact.first_name }},

      Toute l'équipe de {{ firm.name }} vous souhaite une **belle année**{% if company %} à {{ company.name }}{% endif %}.
    """

SETTINGS_INTERESTS = "interests: [professionnel, particulier, newsletter]"


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (user config ignored); its standard output."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


def campaign_repo(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A committed repository with :data:`CONTACTS` and the campaign ``voeux``."""
    from generator.testing import MINIMAL_SETTINGS

    settings = MINIMAL_SETTINGS.replace(
        "interests: [professionnel, particulier]", SETTINGS_INTERESTS
    )
    write_repo(
        root,
        {**CONTACTS, "data/campaigns/voeux.yaml": CAMPAIGN, **(extra or {})},
        settings=settings,
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Claire Dupont")
    git(root, "config", "user.email", "claire@atelier.example")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Données")
    return root


def carnet(repo: Path, *args: str):
    """``carnet --repo REPO --today TODAY ARGS`` in-process."""
    return CliRunner().invoke(main, ["--repo", str(repo), "--today", TODAY, *args])


@dataclass
class Received:
    """One message the server accepted: envelope and parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every message; with ``close_after``, it answers 421
    and closes the connection at the next transaction once it holds that many messages;
    with ``drop_in_data``, it drops the connection during that DATA instead of answering."""

    close_after: int | None = None
    drop_in_data: bool = False
    received: list[Received] = field(default_factory=list)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        full = self.close_after is not None and len(self.received) >= self.close_after
        if full and not self.drop_in_data:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if (
            self.drop_in_data
            and self.close_after is not None
            and len(self.received) >= self.close_after
        ):
            server.transport.close()
            self.close_after = None
            return None
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    """A port nobody listens on (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(handler: Recorder) -> Iterator[str]:
    """A real SMTP server on 127.0.0.1 and an ephemeral port: ``HOST:PORT``."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()
