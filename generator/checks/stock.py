"""Stock movements: serial numbers, managed products, never below zero."""

from __future__ import annotations

from generator.book.inventory import replay
from generator.book.records import Records
from generator.checks.base import at
from generator.problems import Problem, did_you_mean
from generator.schema.common import DocumentKind


def check_movement_lines(records: Records) -> list[Problem]:
    """Serial counts and whole quantities on tracked products; managed products only.

    Movement lines always; document lines when they carry serials, and delivery-note
    lines of serial-tracked products always (a delivery note lists the serials it delivers).
    """
    problems: list[Problem] = []
    for entry in records.of("movement"):
        for index, line in enumerate(entry.record.lines):
            product = records.get("product", line.product)
            if product is None:
                continue  # unknown products are reported by the reference check
            loc = ("lines", index)
            if not product.stock_managed:
                problems.append(
                    at(
                        records,
                        entry.path,
                        (*loc, "product"),
                        "stock-unmanaged",
                        product=line.product,
                    )
                )
            problems.extend(_serial_problems(records, entry.path, loc, line, product))
    for entry in records.of("interaction"):
        document = entry.record.document
        if document is None:
            continue
        delivery = document.kind is DocumentKind.DELIVERY_NOTE
        for index, line in enumerate(document.lines):
            product = records.get("product", line.product)
            if product is None:
                continue
            # A delivery note names the items it delivers (the seed: « sélectionnez le ou
            # les numéros de série »); other documents may carry serials, then checked too.
            if line.serials or (delivery and product.serial_tracked and product.stock_managed):
                loc = ("document", "lines", index)
                problems.extend(_serial_problems(records, entry.path, loc, line, product))
    return problems


def _serial_problems(records, path, loc, line, product) -> list[Problem]:
    problems: list[Problem] = []
    if not product.serial_tracked:
        if line.serials:
            problems.append(
                at(records, path, (*loc, "serials"), "serials-untracked", product=line.product)
            )
        return problems
    if line.quantity != line.quantity.to_integral_value():
        problems.append(
            at(records, path, (*loc, "quantity"), "quantity-not-whole", quantity=line.quantity)
        )
        return problems
    seen: set[str] = set()
    for s_index, serial in enumerate(line.serials):
        if serial in seen:
            problems.append(
                at(records, path, (*loc, "serials", s_index), "serial-duplicate", serial=serial)
            )
        seen.add(serial)
    if len(line.serials) != line.quantity:
        problems.append(
            at(
                records,
                path,
                (*loc, "serials"),
                "serials-count",
                count=len(line.serials),
                quantity=line.quantity,
            )
        )
    return problems


def check_stock_replay(records: Records) -> list[Problem]:
    """Validated movements never drive a product below zero nor misuse a serial."""
    managed = {e.id for e in records.of("product") if e.record.stock_managed}
    state = replay(records.of("movement"), managed)
    problems: list[Problem] = []
    for issue in state.issues:
        params = dict(issue.params)
        if issue.code == "serial-not-in-stock":
            params["suggestion"] = did_you_mean(
                params["serial"], params.pop("in_stock"), records.lang
            )
        problems.append(at(records, issue.path, issue.loc, issue.code, **params))
    return problems
