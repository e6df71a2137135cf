"""Margins shown: project pages and the projects list of the internal site, and
``carnet summary``, each with what is realised and, apart, what is in the pipeline or
planned."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from test_book_counting import PROJECT, I, document, sale
from test_site_build import read

from generator.locale import money
from generator.site.depends import page_inputs
from generator.testing import book_from_yaml


def rows(html: str) -> list[list[str]]:
    """The cells (tags removed) of every row of the page's margin table."""
    table = html.split('<h2 id="marge">', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]


def eur(amount: str, lang: str = "fr") -> str:
    """``amount`` as the site and the terminal show it."""
    return money(Decimal(amount), lang)


def test_the_training_page_shows_all_four_won_sales(site: Path) -> None:
    html = re.sub(
        r'<span class="carnet-sep">[^<]*</span>', "", read(site, "projets/formation-html-2026")
    )
    # a task priced by its hours shows them with their cost
    assert f"<dt>Temps</dt><dd>2 h · {eur('-70')}</dd>" in html
    table = rows(html)
    assert table[0] == ["", "Réalisé", "En cours / prévu"]
    assert ["Ventes", eur("3650"), f"{eur('0')} en cours"] in table
    assert [
        "dont factures émises, nettes des avoirs",
        eur("980"),
        "",
    ] in table
    assert ["dont opportunités gagnées non facturées", eur("2670"), ""] in table
    assert ["Marge", eur("1270"), ""] in table


def test_the_trade_page_shows_the_pipeline_and_planned_purchases_apart(site: Path) -> None:
    table = rows(read(site, "projets/negoce-sapins-2026"))
    assert ["Ventes (factures émises)", eur("1584"), f"{eur('2450')} en cours"] in table
    assert ["Achats", eur("-3150"), f"{eur('-880')} prévus"] in table
    assert ["Marge", eur("-1566"), f"{eur('4')} à terme"] in table


def test_the_projects_list_shows_pipeline_and_planned_under_the_realised(site: Path) -> None:
    html = read(site, "projets")
    row = next(r for r in html.split("<tr>") if "negoce-sapins-2026" in r)
    assert f'data-sort="1584.00">{eur("1584")}<br><small class="carnet-detail">' in row
    assert f"{eur('2450')} en cours" in row and f"{eur('-880')} prévus" in row
    assert 'data-sort="-1566.00"' in row


def test_summary_shows_margins_realised_and_in_brackets_what_is_to_come(
    carnet, example_repo: Path
) -> None:
    for lang, title, whole in (
        (
            "en",
            "Margins: realised (in brackets: sales in the pipeline, planned purchases)",
            "Whole business",
        ),
        (
            "fr",
            "Marges : réalisé (entre parenthèses : ventes en cours, achats prévus)",
            "Toutes les affaires",
        ),
    ):
        result = carnet("--lang", lang, "summary", repo=example_repo)
        assert result.exit_code == 0, result.output
        lines = [line.rstrip() for line in result.stdout.splitlines()]
        assert title in lines
        # the trade project: realised sales, purchases, costs and margin on one line, the
        # sales in the pipeline and the planned purchases in brackets under them
        trade = next(i for i, line in enumerate(lines) if eur("1584", lang) in line)
        assert re.search(
            "  ".join(re.escape(eur(a, lang)) for a in ("1584", "-3150", "0", "-1566")).replace(
                "  ", r"\s+"
            ),
            lines[trade],
        ), lines[trade]
        assert re.search(
            rf"\({re.escape(eur('2450', lang))}\)\s+\({re.escape(eur('-880', lang))}\)\s*$",
            lines[trade + 1],
        ), lines[trade + 1]
        training = next(line for line in lines if eur("3650", lang) in line)
        assert training.rstrip().endswith(eur("1270", lang))
        # the whole business, with or without a project: every sale, purchase and cost
        # (the two purchase orders the README tour receives count: they are documents)
        total = next(line for line in lines if eur("58867", lang) in line)
        assert total.strip().startswith(whole.split()[0]) and total.endswith(eur("27703.50", lang))


def test_a_project_page_depends_on_the_invoices_of_its_opportunities_elsewhere() -> None:
    book = book_from_yaml(
        {
            **PROJECT,
            I + "vente.yaml": sale("Vente - 6 - Gagné", "500.00"),
            I + "facture.yaml": document(
                "invoice", "  from: vente\n", "F2026-0001", price="500", project="q"
            ),
        }
    )
    assert I + "facture.yaml" in page_inputs(book, "project", "p")
