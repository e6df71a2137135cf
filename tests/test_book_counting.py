"""Margins counted per opportunity (PRODUCT.md "Counting"), on inline fixtures and on the
example business's training and trade projects."""

from __future__ import annotations

from decimal import Decimal

from conftest import ROOT, TODAY

from generator.book.counting import DocumentChain
from generator.load import load
from generator.testing import MINIMAL_SETTINGS, book_from_yaml

D = Decimal
I = "data/interactions/2026/"  # noqa: E741


def sale(stage: str, budget: str, **fields: str) -> str:
    """A sale opportunity of project ``p`` (fields override the defaults)."""
    values = {
        "kind": "sale",
        "type": f'"{stage}"',
        "user": "benoit",
        "subject": "Vente",
        "date": "2026-03-01",
        "project": "p",
        "budget": budget,
        "state": "done",
        **fields,
    }
    return "".join(f"{k}: {v}\n" for k, v in values.items() if v)


def document(
    kind: str, links: str = "", number: str = "", price: str = "1000", **fields: str
) -> str:
    """A document of project ``p``: issued when it has a ``number``; ``links`` are extra
    lines of the block (``from: x``)."""
    issued = f"  number: {number}\n  issued: 2026-03-10\n" if number else ""
    if "company" not in fields:
        fields.setdefault("contact", "client")  # a buyer the e-invoice can address
    head = sale("Vente - 6 - Gagné", "", **fields)
    return (
        f"{head}document:\n  kind: {kind}\n{issued}{links}"
        f"  lines: [{{description: Prestation, quantity: 1, unit_price: {price}, vat_rate: 20}}]\n"
    )


PROJECT = {
    "data/projects/p.yaml": "title: Projet P\n",
    "data/projects/q.yaml": "title: Projet Q\n",
    "data/contacts/client.yaml": "first_name: Claude\nlast_name: Client\nemail: claude@example.org\n",
}


def margin_of(files: dict[str, str], project: str = "p", **kwargs: object):
    """The margin of ``project`` in the Book of ``files``."""
    book = book_from_yaml({**PROJECT, **files}, **kwargs)
    return book.project_margins[project], book


def test_an_invoice_counts_for_its_opportunity_through_quote_and_order() -> None:
    margin, book = margin_of(
        {
            I + "vente-a.yaml": sale("Vente - 6 - Gagné", "1000.00"),
            I + "vente-b.yaml": sale("Vente - 6 - Gagné", "500.00"),
            I + "devis-a.yaml": document("quote", "  from: vente-a\n", "D2026-0001"),
            I + "commande-a.yaml": document(
                "order", "  from: devis-a\n", "C2026-0001", price="1200"
            ),
            I + "facture-a.yaml": document(
                "invoice", "  order: commande-a\n", "F2026-0001", price="1200"
            ),
        }
    )
    # vente-a counts its invoice (1 200, not its budget 1 000); vente-b its budget
    assert margin.sales == D(1700)
    assert (margin.invoiced, margin.won) == (D(1200), D(500))
    assert book.chains["facture-a"] == DocumentChain(head="devis-a", opportunity="vente-a")
    assert {"facture-a", "commande-a", "devis-a", "vente-a", "vente-b"} <= margin.counted
    assert book.turnover_by_month == {"2026-03": D(1200)}


def test_a_hand_made_invoice_names_its_opportunity_and_credit_notes_are_net() -> None:
    margin, book = margin_of(
        {
            I + "vente-a.yaml": sale("Vente - 6 - Gagné", "890.00"),
            I + "vente-b.yaml": sale("Vente - 6 - Gagné", "890.00"),
            I + "facture-a.yaml": document(
                "invoice", "  from: vente-a\n", "F2026-0001", price="980"
            ),
            I + "avoir-a.yaml": document(
                "credit_note", "  corrects: facture-a\n", "F2026-0002", price="80"
            ),
        }
    )
    assert margin.margin == D(1790)
    assert (margin.invoiced, margin.won) == (D(900), D(890))
    assert book.chains["avoir-a"].opportunity == "vente-a"
    # turnover is still issued invoices minus credit notes, by issue month
    assert book.turnover_by_month == {"2026-03": D(900)}


def test_an_invoice_that_bills_no_opportunity_counts_on_its_own() -> None:
    margin, book = margin_of(
        {
            I + "vente-a.yaml": sale("Vente - 6 - Gagné", "700.00"),
            I + "facture-seule.yaml": document("invoice", "", "F2026-0001", price="300"),
            I + "brouillon.yaml": document("invoice", "  from: vente-a\n", price="999"),
        }
    )
    # the won sale's draft invoice is not issued: the sale counts its budget
    assert margin.sales == D(1000)
    assert (margin.invoiced, margin.won) == (D(300), D(700))
    assert book.chains["facture-seule"] == DocumentChain("facture-seule", None)


def test_an_invoice_counts_in_the_project_of_the_opportunity_it_bills() -> None:
    p, book = margin_of(
        {
            I + "vente-a.yaml": sale("Vente - 5 - Bon de commande", "3510.00"),
            I + "commande.yaml": document(
                "order", "  from: vente-a\n", "C2026-0001", price="3510", project="q"
            ),
            I + "facture.yaml": document(
                "invoice", "  order: commande\n", "F2026-0001", price="1584", project="q"
            ),
        }
    )
    q = book.project_margins.get("q")
    assert p.sales == D(1584)
    assert (p.invoiced, p.pipeline) == (D(1584), D(0))
    assert q is None or q.sales == 0
    assert "facture" in p.counted


def test_won_sales_count_their_budget_open_ones_are_pipeline_lost_or_done_nothing() -> None:
    margin, _ = margin_of(
        {
            I + "gagnee.yaml": sale("Vente - 6 - Gagné", "1000.00"),
            I + "devis.yaml": sale("Vente - 3 - Devis", "400.00", state="in_progress"),
            I + "decouverte.yaml": sale("Vente - 2 - Découverte", "100.00", state="open"),
            I + "perdue.yaml": sale("Vente - 7 - Perdu", "300.00"),
            I + "abandonnee.yaml": sale("Vente - 2 - Découverte", "250.00", state="done"),
        }
    )
    assert (margin.sales, margin.pipeline, margin.margin) == (D(1000), D(500), D(1000))
    assert margin.outlook == D(1500) and margin.pending


def test_a_loop_of_links_counts_each_invoice_on_its_own() -> None:
    margin, book = margin_of(
        {
            I + "vente-a.yaml": sale("Vente - 6 - Gagné", "100.00"),
            I + "devis.yaml": document("quote", "  from: commande\n"),
            I + "commande.yaml": document("order", "  from: devis\n"),
            I + "facture.yaml": document("invoice", "  order: commande\n", "F2026-0001"),
        }
    )
    assert margin.sales == D(1100)
    assert (margin.invoiced, margin.won) == (D(1000), D(100))
    assert {c.opportunity for c in book.chains.values()} == {None}


def purchase(stage: str, budget: str, state: str = "done", extra: str = "") -> str:
    return (
        f'kind: purchase\ntype: "{stage}"\nuser: benoit\nsubject: Achat\ndate: 2026-02-10\n'
        f"project: p\nstate: {state}\n" + (f"budget: {budget}\n" if budget else "") + extra
    )


PURCHASES = {
    I + "besoin.yaml": purchase("Achat - 1 - Besoin", "-400.00", "open"),
    I + "consultation.yaml": purchase("Achat - 1 - Besoin", "-3300.00", "done"),
    I + "commande.yaml": purchase("Achat - 5 - Commande", "-1000.00", "in_progress"),
    I + "reception.yaml": purchase("Achat - 6 - Réception", "-250.00"),
    I + "bon.yaml": purchase(
        "Achat - 1 - Besoin",
        "",
        "open",
        "document:\n  kind: purchase_order\n"
        "  lines: [{description: Sapins, quantity: 10, unit_price: 20, vat_rate: 20}]\n",
    ),
}
COMMITTED = MINIMAL_SETTINGS.replace(
    "  purchase: {label: Achat, budget_sign: negative,",
    '  purchase: {label: Achat, budget_sign: negative, committed_from: "Achat - 5 - Commande",',
)


def test_purchases_count_from_committed_from_on_earlier_stages_are_planned() -> None:
    assert COMMITTED != MINIMAL_SETTINGS
    margin, book = margin_of(PURCHASES, settings=COMMITTED)
    # ordered, received, or carrying a purchase order: committed; an open need: planned;
    # a done consultation that never became an order: neither
    assert margin.purchases == D(-1450)
    assert margin.planned == D(-400)
    assert margin.margin == D(-1450) and margin.outlook == D(-1850)
    assert book.purchases_by_month == {"2026-02": D(1450)}
    # without committed_from, every purchase counts, as before
    margin, _ = margin_of(PURCHASES)
    assert (margin.purchases, margin.planned) == (D(-5150), D(0))


def task(user: str, extra: str) -> str:
    return (
        f'kind: project\ntype: "Projet - 1 - À faire"\nuser: {user}\nsubject: Tâche\n'
        f"date: 2026-02-10\nproject: p\nstate: open\n{extra}"
    )


def test_a_task_costs_its_hours_at_its_users_hourly_cost_else_its_budget() -> None:
    margin, book = margin_of(
        {
            I + "heures.yaml": task("benoit", "hours: 2.5\nbudget: -10.00\n"),
            I + "forfait.yaml": task("claire", "budget: -40.00\n"),
        }
    )
    assert margin.costs == D("-115.00")  # 2.5 h × 30 € + 40 €
    assert dict(book.hours_costs) == {"heures": D("-75.00")}


# --- the example business ---------------------------------------------------------------


def example_margins():
    result = load(ROOT, today=TODAY, use_cache=False)
    assert result.book is not None, [p.format_text() for p in result.problems]
    return result.book


def test_the_training_counts_all_four_won_sales() -> None:
    book = example_margins()
    training = book.project_margins["formation-html-2026"]
    # three won sales at 890 € and Léa Fontaine's invoice (890 € + 5 lunches at 18 €)
    assert training.margin == D("1270.00")
    assert (training.invoiced, training.won) == (D("980.00"), D("2670.00"))
    assert (training.sales, training.purchases, training.costs) == (
        D("3650.00"),
        D("-2250.00"),
        D("-130.00"),
    )
    assert training.margin == D("1270.00")
    assert book.chains["facture-formation-html-fontaine"].opportunity == (
        "vente-formation-html-fontaine"
    )
    assert book.hours_costs["projet-formation-html-local"] == D("-70.00")


def test_the_trade_project_counts_its_order_once() -> None:
    book = example_margins()
    trade = book.project_margins["negoce-sapins-2026"]
    # the order received counts; the complement quote is planned; the consultation that
    # led to the order is over
    assert trade.purchases == D("-3150.00")
    assert trade.planned == D("-880.00")
    # the first lot invoiced (1 350 € of trees + 324 € of stands − 90 € credited) counts
    # for the order's opportunity; the two other sales are in the pipeline
    assert (trade.invoiced, trade.won, trade.pipeline) == (D("1584.00"), D(0), D("2450.00"))
    assert trade.margin == trade.sales + trade.purchases + trade.costs
