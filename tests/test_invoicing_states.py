"""The CRM state follows the documents, on a committed git copy of the example business:
each command that moves a document moves its interaction's state (and stage) in the same
write and commit, and a refused command writes nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from generator.files.yamlio import parse_bytes

QUOTE = "data/interactions/2026/devis-accompagnement-2027-mbs.yaml"
OPPORTUNITY = "data/interactions/2026/vente-accompagnement-2027-mbs.yaml"
ORDER = "data/interactions/2026/devis-accompagnement-2027-mbs-commande.yaml"
PART_1 = "data/interactions/2026/devis-accompagnement-2027-mbs-commande-facture-1.yaml"
PART_2 = "data/interactions/2026/devis-accompagnement-2027-mbs-commande-facture-2.yaml"


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its output."""
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


def example(target: Path) -> Path:
    """A committed git copy of the example business whose draft quote comes ``from:`` the
    opportunity it answers."""
    shutil.copytree(ROOT / "data", target / "data")
    quote = target / QUOTE
    quote.write_text(
        quote.read_text().replace(
            "  kind: quote\n", "  kind: quote\n  from: vente-accompagnement-2027-mbs\n"
        )
    )
    git(target, "init", "-q", "-b", "main")
    git(target, "config", "user.name", "Claire Dupont")
    git(target, "config", "user.email", "claire@atelier-dupont.fr")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "Entreprise d'exemple")
    return target


def fields(repo: Path, rel: str) -> tuple[str, str]:
    """The ``type`` and ``state`` of the interaction at ``rel``."""
    data = parse_bytes((repo / rel).read_bytes(), rel).value
    return data["type"], data["state"]


def last_commit(repo: Path) -> set[str]:
    """The files the last commit changed; the work tree must be clean."""
    assert git(repo, "status", "--porcelain") == ""
    return set(git(repo, "show", "--name-only", "--format=", "HEAD").split())


def original(repo: Path, rel: str) -> str:
    """Where the PDF of the issued document at ``rel`` is archived (same commit)."""
    return f"data/documents/issued/{number(repo, rel)}.pdf"


def number(repo: Path, rel: str) -> str:
    """The number of the document at ``rel``."""
    return parse_bytes((repo / rel).read_bytes(), rel).value["document"]["number"]


WON = "Vente - 6 - Gagné"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh committed copy of the example."""
    return example(tmp_path / "repo")


def accepted(repo: Path, carnet) -> str:
    """Issue and accept the example's draft quote; the quote's number."""
    issued = carnet(
        "quote", "issue", "devis-accompagnement-2027-mbs", "--date", "2026-11-25", repo=repo
    )
    assert issued.exit_code == 0, issued.output
    quote = number(repo, QUOTE)
    done = carnet("quote", "accept", quote, "--date", "2026-11-25", repo=repo)
    assert done.exit_code == 0, done.output
    return quote


def test_quote_issue_then_accept(repo: Path, carnet) -> None:
    assert fields(repo, QUOTE) == ("Vente - 3 - Devis", "open")
    assert fields(repo, OPPORTUNITY) == ("Vente - 3 - Devis", "in_progress")
    result = carnet(
        "quote", "issue", "devis-accompagnement-2027-mbs", "--date", "2026-11-25", repo=repo
    )
    assert result.exit_code == 0, result.output
    assert fields(repo, QUOTE) == ("Vente - 3 - Devis", "in_progress")
    assert fields(repo, OPPORTUNITY) == ("Vente - 3 - Devis", "in_progress")  # not its business
    assert last_commit(repo) == {QUOTE, original(repo, QUOTE)}

    result = carnet("quote", "accept", number(repo, QUOTE), "--date", "2026-11-25", repo=repo)
    assert result.exit_code == 0, result.output
    assert fields(repo, QUOTE) == (WON, "done")
    assert fields(repo, OPPORTUNITY) == (WON, "done")
    assert fields(repo, ORDER) == (WON, "in_progress")
    assert last_commit(repo) == {QUOTE, OPPORTUNITY, ORDER, original(repo, ORDER)}
    for rel in (QUOTE, OPPORTUNITY, ORDER):
        assert rel in result.stdout.splitlines()
    assert 'type: "Vente - 6 - Gagné"\n' in (repo / QUOTE).read_text()  # quotes kept
    checked = carnet("validate", "--strict", repo=repo)
    assert checked.exit_code == 0, checked.output


def test_split_invoices_issue_pay_and_credit(repo: Path, carnet) -> None:
    accepted(repo, carnet)
    order = number(repo, ORDER)
    split = carnet(
        "invoice",
        "split",
        order,
        "--part",
        "50%:2026-11-25",
        "--part",
        "rest:2026-11-25",
        repo=repo,
    )
    assert split.exit_code == 0, split.output
    assert fields(repo, PART_1)[1] == fields(repo, PART_2)[1] == "open"  # drafts: to issue
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Facturer en deux fois")

    first = carnet("invoice", "issue", Path(PART_1).stem, repo=repo)
    assert first.exit_code == 0, first.output
    assert fields(repo, PART_1)[1] == "in_progress"  # issued: awaiting payment
    assert fields(repo, ORDER)[1] == "in_progress"  # half invoiced
    assert last_commit(repo) == {PART_1, original(repo, PART_1)}

    second = carnet("invoice", "issue", Path(PART_2).stem, repo=repo)
    assert second.exit_code == 0, second.output
    assert fields(repo, PART_2)[1] == "in_progress"
    assert fields(repo, ORDER)[1] == "done"  # invoiced in full, in the same commit
    assert last_commit(repo) == {PART_2, ORDER, original(repo, PART_2)}

    partial = carnet(
        "invoice", "pay", number(repo, PART_1), "100,00", "--date", "2026-11-25", repo=repo
    )
    assert partial.exit_code == 0, partial.output
    assert fields(repo, PART_1)[1] == "in_progress"
    due = _due(repo, carnet, number(repo, PART_1))
    paid = carnet("invoice", "pay", number(repo, PART_1), due, "--date", "2026-11-25", repo=repo)
    assert paid.exit_code == 0, paid.output
    assert paid.stdout.splitlines() == [PART_1]
    assert fields(repo, PART_1)[1] == "done"

    credit = carnet("invoice", "credit", number(repo, PART_2), "--date", "2026-11-25", repo=repo)
    assert credit.exit_code == 0, credit.output
    [note] = [line for line in credit.stdout.splitlines() if line.endswith("-avoir.yaml")]
    assert fields(repo, note)[1] == "open"  # a draft credit note is still to issue
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Avoir")
    issued = carnet("invoice", "issue", Path(note).stem, repo=repo)
    assert issued.exit_code == 0, issued.output
    assert fields(repo, note)[1] == "done"
    assert fields(repo, PART_2)[1] == "done"  # credited in full
    assert fields(repo, ORDER)[1] == "done"  # a credit note does not reopen the order
    assert last_commit(repo) == {note, PART_2, original(repo, note)}
    checked = carnet("validate", "--strict", repo=repo)
    assert checked.exit_code == 0, checked.output


def _due(repo: Path, carnet, invoice: str) -> str:
    """What ``invoice`` leaves due, as ``carnet invoice pay`` reads it."""
    from datetime import date

    from generator.load import load

    book = load(repo, today=date(2026, 11, 25), use_cache=False, jobs=1).book
    return str(book.invoices[book.numbers[invoice]].due)


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file of ``data/``, by path."""
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted((repo / "data").rglob("*"))
        if p.is_file()
    }


def test_a_refused_command_moves_no_state(repo: Path, carnet) -> None:
    accepted(repo, carnet)
    order = number(repo, ORDER)
    split = carnet("invoice", "split", order, "--part", "rest:2026-11-25", repo=repo)
    assert split.exit_code == 0, split.output
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Facturer")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refusé par le crochet' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = snapshot(repo)
    refused = carnet("invoice", "issue", Path(PART_1).stem, repo=repo)
    assert refused.exit_code == 1
    assert "refusé par le crochet" in refused.stderr
    assert snapshot(repo) == before  # neither the invoice nor its order
    assert git(repo, "status", "--porcelain") == ""
    hook.unlink()
    issued = carnet("invoice", "issue", Path(PART_1).stem, repo=repo)
    assert issued.exit_code == 0, issued.output
    assert fields(repo, ORDER)[1] == "done"
    assert last_commit(repo) == {PART_1, ORDER, original(repo, PART_1)}

    before = snapshot(repo)
    invoice = number(repo, PART_1)
    too_much = carnet("invoice", "pay", invoice, "99999,00", "--date", "2026-11-25", repo=repo)
    assert too_much.exit_code == 1
    assert snapshot(repo) == before


def test_settled_before_the_command_is_left_as_it_was(repo: Path, carnet) -> None:
    """Only what the command settles moves: documents settled long ago and left behind by
    hand (here the order C2026-0001, invoiced in full, and its accepted quote) are not the
    business of a payment on the order's balance invoice."""
    order = "data/interactions/2026/devis-site-garage-brotteaux-commande.yaml"
    quote = "data/interactions/2026/devis-site-garage-brotteaux.yaml"
    for rel, old, new in (
        (order, "state: done", "state: in_progress"),
        (quote, 'type: "Vente - 6 - Gagné"', 'type: "Vente - 3 - Devis"'),
    ):
        text = (repo / rel).read_text()
        assert old in text
        (repo / rel).write_text(text.replace(old, new))
    git(repo, "commit", "-qam", "Remis à la main")
    result = carnet("invoice", "pay", "F2026-0004", "100,00", "--date", "2026-11-25", repo=repo)
    assert result.exit_code == 0, result.output
    balance = "data/interactions/2026/devis-site-garage-brotteaux-commande-facture-3.yaml"
    assert result.stdout.splitlines() == [balance]
    assert fields(repo, balance)[1] == "in_progress"
    assert fields(repo, order) == (WON, "in_progress")
    assert fields(repo, quote) == ("Vente - 3 - Devis", "done")


def test_order_issue_moves_a_typed_order_in_progress(repo: Path, carnet) -> None:
    typed = "data/interactions/2026/commande-cartes-menus.yaml"
    (repo / typed).write_text(
        "kind: sale\ntype: Vente - 6 - Gagné\nuser: claire\n"
        "subject: Impression / Cartes menus / Les Jardins d'Ainay\ndate: 2026-11-25\n"
        "company: jardins-d-ainay\nstate: open\ndocument:\n  kind: order\n  lines:\n"
        "    - {description: Cartes menus, quantity: 200, unit_price: 1.50, vat_rate: 20}\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Commande reçue")
    result = carnet("order", "issue", "commande-cartes-menus", repo=repo)
    assert result.exit_code == 0, result.output
    assert fields(repo, typed)[1] == "in_progress"
    assert last_commit(repo) == {typed, original(repo, typed)}
