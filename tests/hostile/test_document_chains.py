"""A hostile repository chaining thousands of documents (each made ``from`` the previous
one) costs linear time to count: every document's chain is walked once."""

from __future__ import annotations

import gc
import time
from decimal import Decimal

from generator.book.counting import count, document_chains
from generator.book.records import Entry
from generator.money import document_totals
from generator.schema.interaction import Interaction
from generator.testing import book_from_yaml


def chained(length: int) -> dict[str, Entry]:
    """A won sale and ``length`` issued invoices, each made from the one before, the first
    from the sale."""
    base = {
        "kind": "sale",
        "type": "Vente - 6 - Gagné",
        "user": "benoit",
        "subject": "Vente",
        "date": "2026-03-01",
        "state": "done",
    }
    entries = {"vente": Interaction.model_validate({**base, "budget": Decimal(100)})}
    for n in range(length):
        entries[f"f{n}"] = Interaction.model_validate(
            {
                **base,
                "document": {
                    "kind": "invoice",
                    "number": f"F2026-{n + 1:06}",
                    "issued": "2026-03-02",
                    "from": f"f{n - 1}" if n else "vente",
                    "lines": [{"description": "x", "unit_price": Decimal(1)}],
                },
            }
        )
    return {
        k: Entry("interaction", k, f"data/interactions/{k}.yaml", r) for k, r in entries.items()
    }


def test_a_long_chain_of_documents_is_counted_in_linear_time() -> None:
    settings = book_from_yaml({}).settings

    def seconds(interactions: dict[str, Entry]) -> float:
        documents = {k: e for k, e in interactions.items() if e.record.document is not None}
        length = len(documents)
        gc.collect()
        gc.disable()
        started = time.process_time()
        try:
            chains = document_chains(settings, interactions, documents)
        finally:
            elapsed = time.process_time() - started
            gc.enable()
        assert chains[f"f{length - 1}"].opportunity == "vente"
        assert chains[f"f{length - 1}"].head == "f0"
        return elapsed

    short, long = chained(1000), chained(8000)
    seconds(short)  # warm-up
    small, large = min(seconds(short) for _ in range(3)), min(seconds(long) for _ in range(3))
    # linear is 8 ×, quadratic would be 64 ×: room for a busy machine, none for a square
    assert large < 8 * small * 2.5, (small, large)


def test_every_invoice_of_a_long_chain_counts_once_for_the_sale() -> None:
    settings = book_from_yaml({}).settings
    interactions = chained(300)
    documents = {k: e for k, e in interactions.items() if e.record.document is not None}
    totals = {k: document_totals(e.record.document.lines) for k, e in documents.items()}
    counting = count(settings, interactions, documents, totals)
    assert counting.total.invoiced == Decimal(300)
    assert counting.total.won == 0
