"""An export's bytes: CSV (UTF-8 with BOM, for Excel), xlsx (openpyxl) or vCard 4.0.

Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as
text, never as a formula: in CSV with a leading ``'`` (which ``carnet import`` takes off),
in xlsx as a text cell with Excel's quote prefix.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from generator.exporters.rows import Export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: Any) -> str:
    """A cell's text; a date as ``AAAA-MM-JJ``."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def defused(text: str) -> str:
    """``text`` that a spreadsheet will not take for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(export: Export, lang: str, delimiter: str = ";") -> bytes:
    """The export as CSV, UTF-8 with a BOM (Excel then reads the accents right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(export.header(lang))
    for row in export.rows():
        writer.writerow([defused(as_text(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


XLSX_CELL = 32767
"""The most characters an Excel cell holds: openpyxl cuts a longer text there."""


def xlsx_bytes(export: Export, lang: str) -> tuple[bytes, list[tuple[int, int, str, int]]]:
    """The export as an Excel workbook: bold header, filter on, first row frozen; and
    each text longer than an Excel cell, which openpyxl cuts (its row and column in the
    sheet, the column's header, its length)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = (
        "Contacts"
        if export.kind == "contact"
        else ("Companies" if lang.startswith("en") else "Sociétés")
    )
    header = export.header(lang)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) + 2 for h in header]
    cut: list[tuple[int, int, str, int]] = []
    for number, row in enumerate(export.rows(), start=2):
        for index, value in enumerate(row, start=1):
            text = as_text(value)
            if not text:
                continue
            if len(text) > XLSX_CELL:
                cut.append((number, index, header[index - 1], len(text)))
            cell = sheet.cell(row=number, column=index)
            cell.value = text
            cell.data_type = "s"
            if text.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
            widths[index - 1] = min(max(widths[index - 1], len(text) + 2), 50)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), cut


def _escape(text: str) -> str:
    """A vCard 4.0 text value (RFC 6350 §3.4): backslash, comma, semicolon, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 6350 §3.2), never inside a character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _tel(number: str) -> str:
    """A ``tel:`` URI: E.164 when the number reads as a French or international one."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, "FR")
        if phonenumbers.is_valid_number(parsed):
            return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "tel:" + _escape(number.replace(" ", ""))


def _custom_lines(record: Any) -> list[str]:
    """The firm's own fields (``settings.custom_fields``) as vCard extension properties
    (RFC 6350 §6.10): ``X-CARNET-SITUATION:pacsé(e)``; a list as one text, its values
    separated by commas (escaped: readers take an extension's first value only)."""
    lines = []
    for key, value in (getattr(record, "custom", None) or {}).items():
        if value is None or value == []:
            continue
        name = "X-CARNET-" + re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-").upper()
        values = value if isinstance(value, list) else [value]
        lines.append(f"{name}:" + _escape(", ".join(as_text(v) for v in values)))
    return lines


def vcard_bytes(export: Export) -> bytes:
    """The export as vCard 4.0: one card per contact (or company)."""
    cards: list[str] = []
    for record, company in export.records:
        lines = ["BEGIN:VCARD", "VERSION:4.0"]
        if export.kind == "contact":
            lines.append("FN:" + _escape(record.full_name))
            lines.append(
                f"N:{_escape(record.last_name)};{_escape(record.first_name or '')};;{_escape(record.civility or '')};"
            )
            if company is not None:
                lines.append("ORG:" + _escape(company.name))
            if record.role:
                lines.append("TITLE:" + _escape(record.role))
            if record.mobile:
                lines.append("TEL;TYPE=cell;VALUE=uri:" + _tel(record.mobile))
        else:
            lines += ["KIND:org", "FN:" + _escape(record.name), "ORG:" + _escape(record.name)]
        if record.email:
            lines.append("EMAIL:" + _escape(record.email))
        if record.phone:
            lines.append("TEL;TYPE=work;VALUE=uri:" + _tel(record.phone))
        address = record.address
        if address is not None:
            parts = [
                "",
                "",
                address.street or "",
                address.city or "",
                "",
                address.postcode or "",
                address.country,
            ]
            lines.append("ADR:" + ";".join(_escape(p) for p in parts))
        if record.interests:
            lines.append("CATEGORIES:" + ",".join(_escape(i) for i in record.interests))
        if record.note:
            lines.append("NOTE:" + _escape(record.note))
        lines += _custom_lines(record)
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    return ("\r\n".join(cards) + "\r\n").encode("utf-8") if cards else b""
