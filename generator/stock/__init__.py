"""Stock and serial numbers: receipts, delivery notes, shipments, validation, reports.

Each module owns one step of PRODUCT.md §6:

- :mod:`serials` — ``SN-0001..SN-0050`` ranges and ``PRODUCT=…`` options;
- :mod:`receive` — a draft incoming movement from a purchase order;
- :mod:`delivery` — a delivery note from an order or an invoice, picking serials in stock;
- :mod:`ship` — a delivery note's lines and serials as a draft outgoing movement;
- :mod:`validate` — draft → validated after the stock checks on the would-be state;
- :mod:`views` — stock rows and the report's views (out of stock, to reorder…);
- :mod:`report`, :mod:`report_pdf`, :mod:`report_xlsx`, :mod:`chart` — outputs.

Refusals are :class:`generator.problems.Refused` (``stock-…``, ``delivery-…``,
``serials-…``); the commands are in :mod:`generator.cli.stock`.
"""
