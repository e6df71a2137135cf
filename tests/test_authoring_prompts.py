"""``carnet init`` on a terminal: the questions are asked one by one (questionary), a
SIRET with a wrong check digit is refused at the prompt, and the answers end up in
``data/settings.yaml``. The real ``carnet`` program runs in a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import yaml

CARNET = Path(sys.executable).with_name("carnet")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A program in a pseudo-terminal: wait for a text, type a line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the program itself
            os.execve(args[0], args, env)
        self.seen = b""

    def expect(self, text: str, timeout: float = 20.0) -> str:
        """Read until ``text`` shows on the screen (escape sequences removed)."""
        end = time.monotonic() + timeout
        wanted = text.encode("utf-8")
        while wanted not in ANSI.sub(b"", self.seen):
            left = end - time.monotonic()
            assert left > 0, f"never saw {text!r} in:\n{ANSI.sub(b'', self.seen).decode()}"
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                assert chunk, f"the program ended before {text!r}"
                self.seen += chunk
        shown = ANSI.sub(b"", self.seen).decode("utf-8", "replace")
        self.seen = b""
        return shown

    def type(self, text: str) -> None:
        """Type ``text`` then Enter."""
        os.write(self.fd, text.encode("utf-8") + b"\r")

    def exit_code(self) -> int:
        """Wait for the program (reading what is left) and give its status."""
        while True:
            try:
                if not os.read(self.fd, 4096):
                    break
            except OSError:
                break
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def test_the_questions_are_asked_and_checked_on_a_terminal(tmp_path: Path) -> None:
    firm = tmp_path / "atelier"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Lucie Martin",
        "GIT_AUTHOR_EMAIL": "lucie@atelier-martin.fr",
        "GIT_COMMITTER_NAME": "Lucie Martin",
        "GIT_COMMITTER_EMAIL": "lucie@atelier-martin.fr",
    }
    term = Terminal([str(CARNET), "init", str(firm), "--legal-form", "SARL"], env)
    term.expect("Raison sociale")
    term.type("Atelier Martin")
    term.expect("SIRET")
    term.type("73282932000075")
    assert "clé de contrôle incorrecte" in term.expect("incorrecte")
    os.write(term.fd, b"\x7f")  # the last digit, wrong: corrected in place
    term.type("4")
    term.expect("SIREN")
    answers = {
        "N° de TVA": "",
        "Adresse": "3 rue Mercière",
        "Code postal": "69002",
        "Ville": "Lyon",
        "Pays": "",  # the default, FR
        "IBAN": "",
        "BIC": "",
        "E-mail de l'entreprise": "",
        "Téléphone": "",
    }
    term.type("")
    for question, answer in answers.items():
        term.expect(question)
        term.type(answer)
    term.expect("Lucie Martin")  # git's name, already typed as the default
    term.type("")
    term.expect("Son e-mail")
    term.type("")
    assert term.exit_code() == 0
    settings = yaml.safe_load((firm / "data/settings.yaml").read_text(encoding="utf-8"))
    assert settings["firm"] == {
        "name": "Atelier Martin",
        "legal_form": "SARL",
        "address": {
            "street": "3 rue Mercière",
            "postcode": "69002",
            "city": "Lyon",
            "country": "FR",
        },
        "siret": "73282932000074",
    }
    assert settings["users"] == {
        "lucie": {"name": "Lucie Martin", "email": "lucie@atelier-martin.fr"}
    }
