"""Stock and serial numbers: receipts, delivery notes, shipments, validation, reports.

Each module owns one step of PRODUCT.md §6:

- :mod:`serials` — ``SN-0001..SN-0050`` ranges and ``PRODUCT=…`` options;
- :mod:`receive` — a draft incoming movement from a purchase order;
- :mod:`delivery` — a delivery note from an order or an invoice, picking serials in stock;
- :mod:`ship` — a delivery note's lines and serials as a draft outgoing movement;
- :mod:`validate` — draft → validated after the stock checks on the would-be state;
- :mod:`views` — stock rows and the report's views (out of stock, to reorder…);
- :mod:`status`, :mod:`report_pdf`, :mod:`report_xlsx`, :mod:`chart` — outputs;
- :mod:`command` — the ``carnet stock …`` and ``carnet delivery new`` commands.
"""

from __future__ import annotations


class StockError(Exception):
    """An operation refused: a French and an English sentence for the user."""

    def __init__(self, fr: str, en: str | None = None) -> None:
        super().__init__(fr)
        self.fr = fr
        self.en = en or fr

    def message(self, lang: str | None = "fr") -> str:
        """The sentence in ``lang``."""
        return self.en if (lang or "fr").startswith("en") else self.fr
