"""``document-state-stale``: a settled document whose interaction is not done (or, for an
accepted quote and its opportunity, not at the pipeline's won stage), on inline fixtures."""

from __future__ import annotations

import pytest

from generator.book.progress import Settled, Step
from generator.testing import book_from_yaml, load_yaml

CODE = "document-state-stale"
COMPANY = {
    "data/companies/acme.yaml": """\
        name: Acme
        kind: client
        siren: "732829320"
        address: {street: 3 rue du Bois, postcode: "69100", city: Villeurbanne, country: FR}
        """
}
LINE = "    - {description: Conseil, quantity: 1, unit_price: 100, vat_rate: 20}\n"


def record(
    document: str | None,
    *,
    state: str = "open",
    stage: str = "Vente - 6 - Gagné",
    day: str = "2026-03-01",
) -> str:
    """A sale of Acme (``document``: the lines of its document block, indented by two)."""
    text = (
        f'kind: sale\ntype: "{stage}"\nuser: benoit\nsubject: Acme\ndate: {day}\n'
        f"company: acme\nstate: {state}\n"
    )
    return text + (f"document:\n{document}" if document is not None else "")


def issued(kind: str, number: str, extra: str = "", day: str = "2026-03-01") -> str:
    """The lines of an issued document block with one line of 100 € HT (120 € TTC)."""
    return f"  kind: {kind}\n  number: {number}\n  issued: {day}\n{extra}  lines:\n{LINE}"


def stale(files: dict[str, str], lang: str | None = None) -> list:
    """The ``document-state-stale`` problems of ``files``; no other problem allowed."""
    result = load_yaml({**COMPANY, **files}, lang=lang)
    others = [p.format_text() for p in result.problems if p.code != CODE and p.severity != "info"]
    assert others == []
    return [p for p in result.problems if p.code == CODE]


IN = "data/interactions/2026/"
PAID = issued("invoice", "F2026-0001", "  payments: [{date: 2026-03-05, amount: 120}]\n")


def test_a_paid_invoice_still_open_is_stale_at_its_state() -> None:
    [problem] = stale({IN + "f.yaml": record(PAID)})
    assert problem.severity == "warning"
    assert (problem.path, problem.line, problem.column) == (IN + "f.yaml", 7, 8)
    assert (
        problem.message
        == "facture F2026-0001 réglée, mais son interaction en est encore à « Ouvert »"
    )
    assert (
        problem.hint
        == "corrigez : state: done (ce que « carnet invoice pay » fait désormais de lui-même)"
    )
    assert stale({IN + "f.yaml": record(PAID, state="done")}) == []


def test_what_is_left_to_do_is_never_stale() -> None:
    unpaid = issued(
        "invoice",
        "F2026-0001",
        "  due: 2026-03-31\n  payments: [{date: 2026-03-05, amount: 119.99}]\n",
    )
    files = {
        IN + "f.yaml": record(unpaid),  # 0,01 € still due
        IN + "d.yaml": record(f"  kind: invoice\n  lines:\n{LINE}"),  # a draft
        IN + "q.yaml": record(issued("quote", "D2026-0001"), stage="Vente - 3 - Devis"),
        IN + "o.yaml": record(issued("order", "C2026-0001")),  # nothing invoiced yet
        IN + "p.yaml": record(None, stage="Vente - 3 - Devis"),  # an opportunity
    }
    assert stale(files) == []
    book = book_from_yaml({**COMPANY, **files})
    steps = {key: progress.steps for key, progress in book.progress.items()}
    assert steps == {
        "f": (Step.REMIND,),  # due on 31 March: long past on 25 November
        "d": (Step.ISSUE,),
        "q": (Step.FOLLOW_UP,),
        "o": (Step.INVOICE,),
    }


def test_an_invoice_credited_in_full_and_its_credit_note_are_stale() -> None:
    credit = issued("credit_note", "F2026-0002", "  corrects: f\n", day="2026-03-02")
    found = stale(
        {IN + "f.yaml": record(issued("invoice", "F2026-0001")), IN + "a.yaml": record(credit)}
    )
    assert sorted((p.path, p.message) for p in found) == [
        (IN + "a.yaml", "avoir F2026-0002 émis, mais son interaction en est encore à « Ouvert »"),
        (
            IN + "f.yaml",
            "facture F2026-0001 créditée en entier, mais son interaction en est encore à « Ouvert »",
        ),
    ]
    assert {p.hint.split("« carnet ")[1] for p in found} == {
        "invoice issue » fait désormais de lui-même)"
    }


def test_an_order_invoiced_in_full_is_settled_even_after_a_partial_credit_note() -> None:
    order = issued("order", "C2026-0001")
    invoice = issued("invoice", "F2026-0001", "  order: o\n", day="2026-03-02")
    credit = issued("credit_note", "F2026-0002", "  corrects: f\n", day="2026-03-03")
    credit = credit.replace("unit_price: 100", "unit_price: 10")
    files = {
        IN + "o.yaml": record(order, state="in_progress"),
        IN + "f.yaml": record(invoice, state="in_progress"),
        IN + "a.yaml": record(credit, state="done"),
    }
    [problem] = stale(files)
    assert problem.path == IN + "o.yaml"
    assert problem.message.startswith("commande C2026-0001 facturée en entier, mais")
    assert "« En cours »" in problem.message
    half = issued("invoice", "F2026-0001", "  order: o\n", day="2026-03-02")
    half = half.replace("unit_price: 100", "unit_price: 50")
    half_billed = {
        IN + "o.yaml": record(order, state="in_progress"),
        IN + "f.yaml": record(half, state="in_progress"),
    }
    assert stale(half_billed) == []


def test_an_accepted_quote_and_its_opportunity_belong_at_the_won_stage() -> None:
    quote = issued("quote", "D2026-0001", "  from: opportunite\n")
    order = issued("order", "C2026-0001", "  from: devis\n", day="2026-03-02")
    files = {
        IN + "opportunite.yaml": record(None, stage="Vente - 3 - Devis", state="in_progress"),
        IN + "devis.yaml": record(quote, stage="Vente - 3 - Devis", state="done"),
        IN + "commande.yaml": record(order, state="in_progress"),
    }
    found = {p.path: p for p in stale(files)}
    assert set(found) == {IN + "opportunite.yaml", IN + "devis.yaml"}
    quote_problem = found[IN + "devis.yaml"]
    assert (quote_problem.line, quote_problem.column) == (2, 7)  # the type: the state is done
    assert quote_problem.message == (
        "devis D2026-0001 accepté (commande C2026-0001), "
        "mais son interaction en est encore à « Vente - 3 - Devis »"
    )
    assert quote_problem.hint.startswith(
        'corrigez : type: "Vente - 6 - Gagné" (ce que « carnet quote accept »'
    )
    opportunity = found[IN + "opportunite.yaml"]
    assert opportunity.line == 7
    assert opportunity.message.startswith("opportunité gagnée (devis D2026-0001 accepté)")
    assert 'type: "Vente - 6 - Gagné" et state: done' in opportunity.hint
    book = book_from_yaml({**COMPANY, **files})
    assert book.progress["opportunite"].settled is Settled.WON
    assert book.progress["devis"].by == "commande"


def test_an_issued_delivery_note_is_settled_and_the_hint_names_delivery_issue() -> None:
    note = issued("delivery_note", "BL2026-0001")
    [problem] = stale({IN + "bl.yaml": record(note)})
    assert problem.message.startswith("bon de livraison BL2026-0001 émis, mais")
    assert "« carnet delivery issue »" in problem.hint


def test_english() -> None:
    [problem] = stale({IN + "f.yaml": record(PAID)}, lang="en")
    assert problem.message == "invoice F2026-0001 paid, but its interaction is still at 'Open'"
    assert problem.hint == "fix: state: done (what 'carnet invoice pay' now does by itself)"


@pytest.mark.parametrize("state", ["open", "in_progress"])
def test_a_purchase_order_is_the_suppliers_document(state: str) -> None:
    purchase = record(f"  kind: purchase_order\n  lines:\n{LINE}", state=state)
    purchase = purchase.replace("kind: sale", "kind: purchase").replace(
        '"Vente - 6 - Gagné"', '"Achat - 5 - Commande"'
    )
    book = book_from_yaml({**COMPANY, IN + "bc.yaml": purchase})
    assert "bc" not in book.progress


def test_an_order_with_goods_to_deliver_says_so_until_its_notes_carry_them() -> None:
    product = {
        "data/stock/products/sapin.yaml": "name: Sapin\nprice: 45\nvat_rate: 20\nstock_managed: true\n"
    }
    goods = (
        "    - {product: sapin, description: Sapin, quantity: 3, unit_price: 45, vat_rate: 20}\n"
    )
    order = issued("order", "C2026-0001").replace(LINE, goods)
    note = issued("delivery_note", "BL2026-0001", "  from: o\n", day="2026-03-02")
    files = {**COMPANY, **product, IN + "o.yaml": record(order, state="in_progress")}
    book = book_from_yaml(files)
    assert book.progress["o"].steps == (Step.INVOICE, Step.DELIVER)
    partial = record(note.replace(LINE, goods.replace("quantity: 3", "quantity: 2")), state="done")
    book = book_from_yaml({**files, IN + "bl.yaml": partial})
    assert book.progress["o"].steps == (Step.INVOICE, Step.DELIVER)
    full = record(note.replace(LINE, goods), state="done")
    book = book_from_yaml({**files, IN + "bl.yaml": full})
    assert book.progress["o"].steps == (Step.INVOICE,)
    assert book.progress["bl"].settled is Settled.ISSUED
