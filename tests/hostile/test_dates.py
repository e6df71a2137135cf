"""A date from the future frozen into a number: a stray ``CARNET_TODAY`` blocks invoicing.

With ``CARNET_TODAY=2099-12-31`` left in a shell, an invoice was issued as F2099-0001 and
every real-date invoice was refused afterwards. Commands that issue now refuse a
``--today`` or a date after the real clock's unless ``--allow-future-date``, and
``validate`` reports a document issued after the real date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.locale import day_date
from tests.hostile.conftest import (
    TODAY,
    add_draft_invoice,
    assert_no_crash,
    commit_all,
    git,
    snapshot,
)

FUTURE = "2099-12-31"
DRAFT = "brouillon-futur"


def carnet_unpinned(repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """``carnet --repo REPO ARGS…`` in-process, without the suite's pinned ``--today``."""
    from generator.cli.main import main

    result = CliRunner().invoke(main, ["--repo", str(repo), *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def drafted(repo: Path) -> Path:
    """The example business with one committed draft invoice."""
    add_draft_invoice(repo, DRAFT)
    commit_all(repo, "Brouillon")
    return repo


def _refused_unchanged(repo: Path, run: Callable[[], Result]) -> str:
    before = snapshot(repo / "data")
    head = git(repo, "rev-parse", "HEAD").stdout
    result = run()
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert snapshot(repo / "data") == before
    assert git(repo, "rev-parse", "HEAD").stdout == head
    return result.output


def test_a_stray_carnet_today_issues_nothing(drafted: Path) -> None:
    output = _refused_unchanged(
        drafted,
        lambda: carnet_unpinned(drafted, "invoice", "issue", DRAFT, env={"CARNET_TODAY": FUTURE}),
    )
    assert f"CARNET_TODAY={FUTURE} est dans le futur" in output, output
    assert "--allow-future-date" in output
    issued = carnet_unpinned(drafted, "--today", TODAY, "invoice", "issue", DRAFT)
    assert issued.exit_code == 0, issued.output
    assert "F2026-0007" in issued.output


def test_the_refusal_speaks_english(drafted: Path) -> None:
    output = _refused_unchanged(
        drafted,
        lambda: carnet_unpinned(
            drafted, "--lang", "en", "--today", FUTURE, "invoice", "issue", DRAFT
        ),
    )
    assert f"--today={FUTURE} is in the future" in output, output


ISSUING = {
    "invoice issue": ("invoice", "issue", DRAFT),
    "quote issue": ("quote", "issue", "devis-accompagnement-2027-mbs"),
    "delivery new": ("delivery", "new", "commande-sapins-mbs-2026"),
}


@pytest.mark.parametrize("command", sorted(ISSUING))
def test_every_issuing_command_refuses_a_future_today(drafted: Path, command: str) -> None:
    output = _refused_unchanged(
        drafted, lambda: carnet_unpinned(drafted, "--today", FUTURE, *ISSUING[command])
    )
    assert "dans le futur" in output and "--allow-future-date" in output, output


def test_accepting_a_quote_in_the_future_is_refused(
    drafted: Path, carnet: Callable[..., Result]
) -> None:
    quote = carnet(drafted, "quote", "issue", "devis-accompagnement-2027-mbs", "--date", TODAY)
    assert quote.exit_code == 0, quote.output
    assert "devis D2026-0002 émis le" in quote.output, quote.output
    output = _refused_unchanged(
        drafted,
        lambda: carnet_unpinned(drafted, "--today", FUTURE, "quote", "accept", "D2026-0002"),
    )
    assert "dans le futur" in output, output


def test_a_future_delivery_date_is_refused(drafted: Path, carnet: Callable[..., Result]) -> None:
    """``delivery new --date`` was not compared with any today: BL2099-0001 went through."""
    output = _refused_unchanged(
        drafted,
        lambda: carnet(drafted, "delivery", "new", "commande-sapins-mbs-2026", "--date", FUTURE),
    )
    assert f"la date du bon {day_date(date.fromisoformat(FUTURE))} est dans le futur" in output


def test_a_movement_dated_in_the_future_is_not_validated(
    repo: Path, carnet: Callable[..., Result]
) -> None:
    rel = "data/stock/movements/2026/entree-2026-0005.yaml"
    text = (repo / rel).read_text(encoding="utf-8")
    (repo / rel).write_text(text.replace("date: 2026-11-30", "date: 2099-11-30"))
    commit_all(repo, "Réception prévue en 2099")
    output = _refused_unchanged(repo, lambda: carnet(repo, "stock", "validate", "entree-2026-0005"))
    assert "30 novembre 2099 est dans le futur" in output, output


def test_allow_future_date_issues_and_validate_reports_it(
    drafted: Path, carnet: Callable[..., Result]
) -> None:
    """Wanted on purpose: issued, and ``validate`` (real clock, not --today) flags it."""
    result = carnet_unpinned(
        drafted, "--today", FUTURE, "--allow-future-date", "invoice", "issue", DRAFT
    )
    assert result.exit_code == 0, result.output
    assert "F2099-0001" in result.output
    checked = carnet_unpinned(drafted, "--today", FUTURE, "validate")
    assert checked.exit_code == 1
    line = next(x for x in checked.output.splitlines() if "[document-issued-in-future]" in x)
    assert line.startswith(f"data/interactions/2026/{DRAFT}.yaml:"), line
    future, today = day_date(date.fromisoformat(FUTURE)), day_date(date.today())
    assert f"émis le {future}, après la date réelle ({today})" in line


def test_validate_uses_the_real_clock_not_today(repo: Path, carnet: Callable[..., Result]) -> None:
    """An issue date one day after the real date is an error even when --today says
    later."""
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    rel = "data/interactions/2026/commande-sapins-mbs-2026-facture-1-avoir.yaml"
    text = (repo / rel).read_text(encoding="utf-8")
    assert "issued: 2026-11-23" in text
    (repo / rel).write_text(text.replace("issued: 2026-11-23", f"issued: {tomorrow}"))
    result = carnet_unpinned(repo, "--today", FUTURE, "validate")
    assert "[document-issued-in-future]" in result.output, result.output
    assert result.exit_code == 1
