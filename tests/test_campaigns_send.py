"""``carnet campaign send`` through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from campaign_helpers import Recorder, campaign_repo, carnet, git, smtp_server

EXPECTED = {
    "jeanne@sapins.example",
    "lea@laposte.example",
    "ines@gmail.example",
    "paul@coteaux.example",
}


def _log(repo: Path) -> dict[str, str]:
    data = yaml.safe_load((repo / "data/campaigns/voeux.sent.yaml").read_text(encoding="utf-8"))
    return {s["contact"]: s["state"] for s in data["sendings"]}


def test_send_reaches_exactly_the_recipients_with_headers_and_merged_text(tmp_path: Path) -> None:
    repo = campaign_repo(tmp_path / "repo")
    handler = Recorder()
    with smtp_server(handler) as server:
        result = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert result.exit_code == 0, result.output
    assert "4 messages envoyés" in result.output
    by_address = {r.recipients[0]: r for r in handler.received}
    assert sorted(r.recipients[0] for r in handler.received) == sorted(EXPECTED)
    assert all(len(r.recipients) == 1 for r in handler.received)
    # never: a private person without opt-in, an opted-out contact, a disabled address
    assert "hugo@free.example" not in by_address
    assert "marc@sapins.example" not in by_address
    assert "julien@sapins.example" not in by_address
    jeanne = by_address["jeanne@sapins.example"]
    message = jeanne.message
    assert jeanne.sender == "contact@atelier.example"
    assert message["Subject"] == "Jeanne, nos vœux pour 2027"
    assert message["To"] == "Jeanne Sapin <jeanne@sapins.example>"
    assert message["From"] == "Atelier Dupont <contact@atelier.example>"
    assert message["Reply-To"] == "contact@atelier.example"
    assert message["List-Unsubscribe"] == (
        "<mailto:contact@atelier.example?subject=unsubscribe-voeux>"
    )
    assert message["Message-ID"].startswith("<voeux.") and message["Message-ID"].endswith(
        "@atelier.example>"
    )
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour Jeanne," in plain
    assert "une **belle année** à Mes Beaux Sapins." in plain
    assert "<strong>belle année</strong> à Mes Beaux Sapins" in html
    assert "unsubscribe-voeux" in plain and "unsubscribe-voeux" in html
    lea = by_address["lea@laposte.example"].message
    assert lea["Subject"] == "Léa, nos vœux pour 2027"
    assert "Mes Beaux Sapins" not in lea.get_body(("plain",)).get_content()
    # the log says « envoyé » for each, with the Message-ID sent, and it is committed
    assert set(_log(repo).values()) == {"envoyé"}
    assert git(repo, "status", "--porcelain") == ""
    assert "voeux" in git(repo, "log", "-1", "--format=%s")
    # sending again sends nothing
    with smtp_server(handler) as server:
        again = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert again.exit_code == 0, again.output
    assert len(handler.received) == 4


def test_interrupted_send_resumes_without_duplicates(tmp_path: Path) -> None:
    repo = campaign_repo(tmp_path / "repo")
    handler = Recorder(close_after=2)
    with smtp_server(handler) as server:
        first = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert first.exit_code == 1, first.output
    assert "2 messages envoyés" in first.output
    assert len(handler.received) == 2
    assert sorted(_log(repo).values()) == ["envoyé", "envoyé"]  # the third never started
    handler.close_after = None
    with smtp_server(handler) as server:
        second = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert second.exit_code == 0, second.output
    assert "2 messages déjà envoyés" in second.output
    addresses = [r.recipients[0] for r in handler.received]
    assert sorted(addresses) == sorted(EXPECTED)  # each exactly once
    assert set(_log(repo).values()) == {"envoyé"}


def test_a_connection_lost_during_data_is_uncertain_and_skipped_unless_asked(
    tmp_path: Path,
) -> None:
    repo = campaign_repo(tmp_path / "repo")
    handler = Recorder(close_after=1, drop_in_data=True)
    with smtp_server(handler) as server:
        first = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert first.exit_code == 1, first.output
    states = _log(repo)
    assert sorted(states.values()) == ["en cours", "envoyé"]
    uncertain = next(c for c, s in states.items() if s == "en cours")
    with smtp_server(handler) as server:
        second = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert second.exit_code == 0, second.output
    assert f"1 envoi incertain (« en cours » au journal) : {uncertain}" in second.output
    assert len(handler.received) == 3  # the uncertain one was not sent again
    with smtp_server(handler) as server:
        third = carnet(
            repo, "campaign", "send", "voeux", "--smtp", server, "--yes", "--retry-uncertain"
        )
    assert third.exit_code == 0, third.output
    assert len(handler.received) == 4
    assert set(_log(repo).values()) == {"envoyé"}


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("data/contacts/lea-fontaine.yaml", 'first_name: "Léa\\nBcc: everyone@example.org"\n'),
        ("data/campaigns/voeux.yaml", None),
    ],
)
def test_header_injection_is_refused_and_nothing_sent(
    tmp_path: Path, path: str, text: str | None
) -> None:
    repo = campaign_repo(tmp_path / "repo")
    target = repo / path
    if text is None:  # the subject itself
        source = target.read_text(encoding="utf-8")
        target.write_text(
            source.replace('subject: "{{', 'subject: "Bcc: x@example.org\\n{{'),
            encoding="utf-8",
        )
    else:
        source = target.read_text(encoding="utf-8").replace("first_name: Léa\n", text)
        target.write_text(source, encoding="utf-8")
    handler = Recorder()
    with smtp_server(handler) as server:
        result = carnet(repo, "campaign", "send", "voeux", "--smtp", server, "--yes")
    assert result.exit_code == 1, result.output
    assert handler.received == []
    assert not (repo / "data/campaigns/voeux.sent.yaml").exists()
    if text is None:
        assert "campaign-header-unsafe" in result.output
    else:
        assert "saut de ligne" in result.output and "Subject" in result.output


def test_send_without_yes_off_a_terminal_is_refused(tmp_path: Path) -> None:
    repo = campaign_repo(tmp_path / "repo")
    handler = Recorder()
    with smtp_server(handler) as server:
        result = carnet(repo, "campaign", "send", "voeux", "--smtp", server)
    assert result.exit_code == 1
    assert "--yes" in result.output
    assert handler.received == []


def test_dry_run_writes_an_mbox_and_sends_nothing(tmp_path: Path) -> None:
    import mailbox

    repo = campaign_repo(tmp_path / "repo")
    result = carnet(repo, "campaign", "send", "voeux", "--dry-run")
    assert result.exit_code == 0, result.output
    box = mailbox.mbox(repo / "build/campaigns/voeux.mbox")
    assert sorted(m["To"].split("<")[1].rstrip(">") for m in box) == sorted(EXPECTED)
    assert not (repo / "data/campaigns/voeux.sent.yaml").exists()


def test_server_and_rate_options_are_checked(tmp_path: Path) -> None:
    from generator.campaigns.sending import parse_rate, parse_server
    from generator.problems import Refused

    assert parse_server("smtp.example.fr:587", security="starttls").port == 587
    assert parse_server("[::1]:25").host == "::1"
    assert parse_rate("30/min") == 2.0
    for bad in ("smtp.example.fr", "smtp.example.fr:0", ":25", "h:99999"):
        with pytest.raises(Refused):
            parse_server(bad)
    for bad in ("0/min", "30/s", "vite"):
        with pytest.raises(Refused):
            parse_rate(bad)
    repo = campaign_repo(tmp_path / "repo")
    usage = carnet(repo, "campaign", "send", "voeux", "--smtp", "nulle-part", "--yes")
    assert usage.exit_code == 2
    missing = carnet(
        repo, "campaign", "send", "voeux", "--smtp", "127.0.0.1:25", "--password-env", "NOPE_X"
    )
    assert missing.exit_code == 1 and "NOPE_X" in missing.output
