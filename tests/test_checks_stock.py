"""`carnet validate` on stock: levels, serials, whole quantities, managed products."""

from __future__ import annotations

from datetime import date

from stock_helpers import FILES

from generator.testing import book_from_yaml, load_yaml

MOVEMENTS = "data/stock/movements/2026/"


def movement(direction: str, day: str, lines: str, status: str = "validated") -> str:
    """A movement file; ``lines`` are flow mappings, one per line."""
    body = "".join(f"  - {line}\n" for line in lines.split(";"))
    return f"direction: {direction}\ndate: {day}\nstatus: {status}\nlines:\n{body}"


def problems(files: dict[str, str]) -> list[str]:
    """``path:line:col code`` of every problem."""
    result = load_yaml({**FILES, **files})
    return [
        f"{p.path}:{p.line}:{p.column} {p.code}" for p in result.problems if p.severity != "info"
    ]


def messages(files: dict[str, str]) -> list[str]:
    """The problems as printed (notices about git left out: these repos have none)."""
    found = load_yaml({**FILES, **files}).problems
    return [p.format_text() for p in found if p.severity != "info"]


IN_3 = movement("in", "2026-11-02", "{product: selfibox, quantity: 3, serials: [S-1, S-2, S-3]}")


def test_stock_below_zero_is_reported_on_the_movement_that_causes_it() -> None:
    found = messages(
        {
            MOVEMENTS + "entree-1.yaml": movement("in", "2026-11-02", "{product: nordmann-200, quantity: 5}"),
            MOVEMENTS + "sortie-1.yaml": movement("out", "2026-11-03", "{product: nordmann-200, quantity: 3}"),
            MOVEMENTS + "sortie-2.yaml": movement("out", "2026-11-04", "{product: nordmann-200, quantity: 4}"),
        }
    )  # fmt: skip
    assert found == [
        "data/stock/movements/2026/sortie-2.yaml:5:39: error: le stock de « nordmann-200 » "
        "passe à -2 le 4 novembre 2026 [stock-negative]\n"
        "    le mouvement sort plus que le stock disponible (2)"
    ]


def test_stock_below_zero_at_a_past_date_even_if_it_recovers_later() -> None:
    found = problems(
        {
            MOVEMENTS + "sortie-1.yaml": movement("out", "2026-11-01", "{product: nordmann-200, quantity: 1}"),
            MOVEMENTS + "entree-1.yaml": movement("in", "2026-11-02", "{product: nordmann-200, quantity: 5}"),
        }
    )  # fmt: skip
    assert found == [f"{MOVEMENTS}sortie-1.yaml:5:39 stock-negative"]


def test_receipts_of_a_day_count_before_its_shipments() -> None:
    found = problems(
        {
            MOVEMENTS + "a-sortie.yaml": movement("out", "2026-11-02", "{product: nordmann-200, quantity: 5}"),
            MOVEMENTS + "b-entree.yaml": movement("in", "2026-11-02", "{product: nordmann-200, quantity: 5}"),
        }
    )  # fmt: skip
    assert found == []


def test_drafts_do_not_count() -> None:
    draft = movement("out", "2026-11-03", "{product: nordmann-200, quantity: 9}", status="draft")
    assert problems({MOVEMENTS + "sortie-1.yaml": draft}) == []


def test_a_serial_received_twice_while_in_stock() -> None:
    again = movement("in", "2026-11-05", "{product: selfibox, quantity: 1, serials: [S-2]}")
    found = messages({MOVEMENTS + "entree-1.yaml": IN_3, MOVEMENTS + "entree-2.yaml": again})
    assert found == [
        "data/stock/movements/2026/entree-2.yaml:5:48: error: numéro de série « S-2 » de "
        "« selfibox » déjà en stock le 5 novembre 2026 [serial-already-in-stock]"
    ]


def test_a_serial_may_come_back_after_it_went_out() -> None:
    out = movement("out", "2026-11-04", "{product: selfibox, quantity: 1, serials: [S-2]}")
    back = movement("in", "2026-11-06", "{product: selfibox, quantity: 1, serials: [S-2]}")
    files = {
        MOVEMENTS + "entree-1.yaml": IN_3,
        MOVEMENTS + "sortie-1.yaml": out,
        MOVEMENTS + "entree-2.yaml": back,
    }
    assert problems(files) == []
    book = book_from_yaml({**FILES, **files}, today=date(2026, 11, 5))
    assert book.serials_in_stock["selfibox"] == {"S-1", "S-3"}
    book = book_from_yaml({**FILES, **files}, today=date(2026, 11, 6))
    assert book.serials_in_stock["selfibox"] == {"S-1", "S-2", "S-3"}
    assert book.stock_on_hand["selfibox"] == 3


def test_an_outgoing_serial_not_in_stock_suggests_the_close_one() -> None:
    out = movement("out", "2026-11-04", "{product: selfibox, quantity: 1, serials: [S-4]}")
    found = messages({MOVEMENTS + "entree-1.yaml": IN_3, MOVEMENTS + "sortie-1.yaml": out})
    assert len(found) == 1
    assert found[0].startswith(
        "data/stock/movements/2026/sortie-1.yaml:5:48: error: numéro de série « S-4 » de "
        "« selfibox » absent du stock le 4 novembre 2026 [serial-not-in-stock]"
    )


def test_a_missing_serial() -> None:
    short = movement("in", "2026-11-02", "{product: selfibox, quantity: 3, serials: [S-1, S-2]}")
    found = messages({MOVEMENTS + "entree-1.yaml": short})
    assert found == [
        "data/stock/movements/2026/entree-1.yaml:5:47: error: 2 numéros de série pour une "
        "quantité de 3 [serials-count]\n"
        "    un produit suivi par numéro de série porte un numéro par exemplaire"
    ]


def test_missing_serials_on_a_draft_are_reported_too() -> None:
    draft = movement("in", "2026-11-02", "{product: selfibox, quantity: 1}", status="draft")
    assert problems({MOVEMENTS + "entree-1.yaml": draft}) == [
        f"{MOVEMENTS}entree-1.yaml:5:5 serials-count"
    ]


def test_serial_tracked_quantities_are_whole() -> None:
    half = movement("in", "2026-11-02", "{product: selfibox, quantity: 1.5, serials: [S-1]}")
    assert problems({MOVEMENTS + "entree-1.yaml": half}) == [
        f"{MOVEMENTS}entree-1.yaml:5:35 quantity-not-whole"
    ]


def test_decimal_quantities_are_fine_for_other_products() -> None:
    files = {
        MOVEMENTS + "entree-1.yaml": movement("in", "2026-11-02", "{product: nordmann-200, quantity: 2.5}"),
    }  # fmt: skip
    assert problems(files) == []
    assert str(book_from_yaml({**FILES, **files}).stock_on_hand["nordmann-200"]) == "2.5"


def test_a_movement_of_a_product_whose_stock_is_not_managed() -> None:
    service = movement("in", "2026-11-02", "{product: installation, quantity: 2}")
    assert problems({MOVEMENTS + "entree-1.yaml": service}) == [
        f"{MOVEMENTS}entree-1.yaml:5:15 stock-unmanaged"
    ]


def test_a_delivery_note_lists_one_serial_per_tracked_item() -> None:
    note = """\
        kind: sale
        type: "Vente - 6 - Gagné"
        user: benoit
        subject: Livraison
        date: 2026-11-20
        company: mes-beaux-sapins
        state: done
        document:
          kind: delivery_note
          lines:
            - {product: selfibox, quantity: 2, unit_price: 1490, serials: [S-1]}
            - {product: nordmann-200, quantity: 3, unit_price: 45}
        """
    found = problems({"data/interactions/2026/bl-1.yaml": note})
    assert found == ["data/interactions/2026/bl-1.yaml:11:67 serials-count"]
    without = note.replace(", serials: [S-1]", "")
    assert problems({"data/interactions/2026/bl-1.yaml": without}) == [
        "data/interactions/2026/bl-1.yaml:11:7 serials-count"
    ]
