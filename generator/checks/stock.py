"""Stock movements: serial numbers, managed products, never below zero."""

from __future__ import annotations

from generator.book.book import Book
from generator.checks.base import at
from generator.problems import Problem, did_you_mean
from generator.schema.common import DocumentKind


def check_movement_lines(book: Book) -> list[Problem]:
    """Serial counts and whole quantities on tracked products; managed products only.

    Movement lines always; document lines when they carry serials, and delivery-note
    lines of serial-tracked products always (a delivery note lists the serials it delivers).
    """
    problems: list[Problem] = []
    for entry in book.of("movement"):
        for index, line in enumerate(entry.record.lines):
            product = book.get("product", line.product)
            if product is None:
                continue  # unknown products are reported by the reference check
            loc = ("lines", index)
            if not product.stock_managed:
                problems.append(
                    at(
                        book,
                        entry.path,
                        (*loc, "product"),
                        "stock-unmanaged",
                        product=line.product,
                    )
                )
            problems.extend(_serial_problems(book, entry.path, loc, line, product))
    for entry in book.of("interaction"):
        document = entry.record.document
        if document is None:
            continue
        delivery = document.kind is DocumentKind.DELIVERY_NOTE
        for index, line in enumerate(document.lines):
            product = book.get("product", line.product)
            if product is None:
                continue
            # A delivery note names the items it delivers (the seed: « sélectionnez le ou
            # les numéros de série »); other documents may carry serials, then checked too.
            if line.serials or (delivery and product.serial_tracked and product.stock_managed):
                loc = ("document", "lines", index)
                problems.extend(_serial_problems(book, entry.path, loc, line, product))
    return problems


def _serial_problems(book, path, loc, line, product) -> list[Problem]:
    problems: list[Problem] = []
    if not product.serial_tracked:
        if line.serials:
            problems.append(
                at(book, path, (*loc, "serials"), "serials-untracked", product=line.product)
            )
        return problems
    if line.quantity != line.quantity.to_integral_value():
        problems.append(
            at(book, path, (*loc, "quantity"), "quantity-not-whole", quantity=line.quantity)
        )
        return problems
    seen: set[str] = set()
    for s_index, serial in enumerate(line.serials):
        if serial in seen:
            problems.append(
                at(book, path, (*loc, "serials", s_index), "serial-duplicate", serial=serial)
            )
        seen.add(serial)
    if len(line.serials) != line.quantity:
        problems.append(
            at(
                book,
                path,
                (*loc, "serials"),
                "serials-count",
                count=len(line.serials),
                quantity=line.quantity,
            )
        )
    return problems


def check_stock_replay(book: Book) -> list[Problem]:
    """Validated movements never drive a product below zero nor misuse a serial (the
    Book's replay of every movement met these issues)."""
    problems: list[Problem] = []
    for issue in book.stock_issues:
        params = dict(issue.params)
        if issue.code == "serial-not-in-stock":
            params["suggestion"] = did_you_mean(params["serial"], params.pop("in_stock"), book.lang)
        problems.append(at(book, issue.path, issue.loc, issue.code, **params))
    return problems
