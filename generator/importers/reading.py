"""Reading a file other tools wrote into rows located in the file.

CSV files are decoded with the encoding charset-normalizer detects (UTF-8 with or without
BOM, cp1252 as Excel writes in France, UTF-16 with or without BOM, UTF-32 with BOM) and
split with the dialect the standard library's sniffer finds among ``,`` ``;`` tab and ``|``; rows are streamed, so
a file of 100,000 rows is never held at once. An xlsx is read with openpyxl (first sheet
or the one named), a vCard file with vobject, one row per card. Every row carries the
line it starts on in the file, so a problem can be located ``file:line:column``.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from generator.importers.vcards import VCARD_COLUMNS, card_cells, extension_columns, read_cards
from generator.problems import Problem, Refused, make_problem

MAX_BYTES = 100 * 1024 * 1024
"""Files larger than this are refused: an import is a list of people, not a database."""
MAX_INFLATED = 4 * MAX_BYTES
"""An xlsx whose parts weigh more than this once inflated is refused (a zip bomb)."""
SAMPLE_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_MARK = "\x00carnet: end of file\x00"
END = END_MARK + "\n"
"""A last line added after the file's own: read as a row of its own, unless a quote
opened in the file was never closed (the csv module, lenient, then takes every line
after it, this one too, into one cell)."""
DELIMITERS = ",;\t|"
ONE_COLUMN = "\x1f"
"""The delimiter of a file whose header has none (one column): a character no text has."""
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x7fELF", b"Rar!", b"\x1f\x8b")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the file: the line it starts on (1-based) and its cells."""

    line: int
    cells: list[str]


@dataclass(slots=True)
class Table:
    """A file opened for import: what was detected, the header, and its rows (streamed)."""

    path: Path
    shown: str
    """The file's name as problems show it."""
    format: str
    """``csv``, ``xlsx`` or ``vcf``."""
    header: list[str]
    header_line: int
    encoding: str | None = None
    delimiter: str | None = None
    quoting: str | None = None
    sheet: str | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """Lines of a vCard that could not be read, left out: (line, its text)."""
    _rows: Iterator[Row] | None = field(default=None, repr=False)

    def skipped_problems(self, lang: str = "fr") -> list[Problem]:
        """A warning for each line of the file left out, located."""
        return [
            make_problem("import-line-skipped", self.shown, line=n, column=1, lang=lang, text=t)
            for n, t in self.skipped
        ]

    def rows(self) -> Iterator[Row]:
        """The data rows, each once (a second call gets nothing)."""
        rows, self._rows = self._rows, iter(())
        return rows if rows is not None else iter(())


def open_table(path: Path, shown: str, *, sheet: str | None = None) -> Table:
    """Open ``path`` for import, by its extension (``.xlsx``, ``.vcf``, else CSV).

    Refuses (one clear line, nothing read further) a missing, empty, oversized or binary
    file, a file without a header row, and an xlsx or vCard that cannot be read.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused("import-file-unreadable", file=shown, detail=exc.strerror) from exc
    if not path.is_file():
        raise Refused("import-file-unreadable", file=shown, detail="not a file")
    if size == 0:
        raise Refused("import-file-empty", file=shown)
    if size > MAX_BYTES:
        raise Refused("import-file-too-large", file=shown, size=size // (1024 * 1024))
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == OLE_MAGIC:  # Excel 97-2003, which openpyxl does not read
        raise Refused("import-file-xls", file=shown)
    if suffix in (".xlsx", ".xlsm") or magic.startswith(ZIP_MAGIC):  # a workbook renamed
        return _open_xlsx(path, shown, sheet)
    if suffix in (".vcf", ".vcard"):
        return _open_vcard(path, shown)
    return open_csv(path, shown)


WESTERN = ("cp1252", "latin_1", "iso8859_1", "iso8859_15", "cp1250")
"""What charset-normalizer names a French file written by Excel (read as cp1252)."""
CP1252_HOLES = bytes.maketrans(b"\x81\x8d\x8f\x90\x9d", b"?????")
"""The five bytes cp1252 leaves undefined, as a question mark."""


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` for text in UTF-16 without its BOM (every other byte
    NUL, as Latin text is), else ``None``."""
    head = sample[:4096]
    half = len(head) // 2
    if half < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= half * 0.7 and even == 0:
        return "utf-16-le"
    if even >= half * 0.7 and odd == 0:
        return "utf-16-be"
    return None


def _normalised_guess(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    found = from_bytes(sample)
    best = found.best()
    if best is None:
        return "cp1252"
    for match in found:  # a file that reads as cleanly in cp1252 is Excel's in France:
        if match.encoding in WESTERN and match.chaos <= best.chaos:  # not cp850 nor cp775
            return "cp1252"
    return "cp1252" if best.encoding in WESTERN else best.encoding


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file that starts with ``sample`` (BOMs first, then
    charset-normalizer; cp1252 stands for Latin-1, which Excel writes in France)."""
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16's
        return "utf-32"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bomless = _utf16_without_bom(sample)
    if bomless is not None:
        return bomless
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # the sample cut a character in two
            return "utf-8"
    name = _normalised_guess(sample)
    # a byte cp1252 does not define rules it out for charset-normalizer, which then picks
    # a far-off code page: without that byte, is the file cp1252 after all?
    plugged = sample.translate(CP1252_HOLES)
    if name != "cp1252" and plugged != sample and _normalised_guess(plugged) == "cp1252":
        return "cp1252"
    return name


def looks_binary(sample: bytes) -> bool:
    if sample.startswith(BINARY_MAGIC):
        return True
    if sample.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        return False
    return b"\x00" in sample[:4096] and _utf16_without_bom(sample) is None


def _sniff(text: str) -> tuple[str, str]:
    """The delimiter and the quote character of a CSV sample."""
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    if not any(d in header for d in DELIMITERS):
        return ONE_COLUMN, '"'  # a comma in the values is no delimiter
    head = "\n".join(lines[:50])
    try:
        dialect = csv.Sniffer().sniff(head, delimiters=DELIMITERS)
        delimiter, quote = dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        quote = '"'
    return delimiter, quote


def open_csv(path: Path, shown: str) -> Table:
    """Open a CSV file (see :func:`open_table`)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if looks_binary(sample):
        raise Refused("import-file-binary", file=shown)
    encoding = detect_encoding(sample)
    try:
        text = sample.decode(encoding, errors="ignore")
    except LookupError:
        encoding, text = "cp1252", sample.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff")
    delimiter, quote = _sniff(text)
    stream: IO[str] = path.open(encoding=encoding, newline="", errors="replace")
    lines = chain(stream, [END])  # see _csv_rows: a quote never closed takes END in
    reader = csv.reader(lines, delimiter=delimiter, quotechar=quote, strict=False)
    rows = _csv_rows(reader, stream, shown)
    first = next(rows, None)
    while first is not None and not any(c.strip() for c in first.cells):
        first = next(rows, None)
    if first is None:
        stream.close()
        raise Refused("import-file-empty", file=shown)
    header = _numbered([c.strip().lstrip("\ufeff") for c in first.cells])
    shown_delimiter = None if delimiter == ONE_COLUMN else delimiter
    table = Table(path, shown, "csv", header, first.line, encoding, shown_delimiter, quote)
    table._rows = rows
    return table


def _csv_rows(reader: Any, stream: IO[str], shown: str) -> Iterator[Row]:
    """Rows with the line each starts on (a quoted newline makes a row span lines)."""
    line = 1
    try:
        for cells in reader:
            start = line
            line = reader.line_num + 1
            if cells and END_MARK in cells[-1]:
                if cells == [END_MARK]:
                    return  # the mark alone on its line: every quote was closed
                # the file ended inside a quoted cell: the rest of the file was one cell
                raise Refused("import-quote-unclosed", file=f"{shown}:{start}", line=start)
            yield Row(start, cells)
    except csv.Error as exc:
        raise Refused("import-file-unreadable", file=f"{shown}:{line}", detail=str(exc)) from exc
    finally:
        stream.close()


def _inflated_size(path: Path, shown: str) -> int:
    """What an xlsx (a zip) says its parts weigh once inflated, in bytes."""
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (BadZipFile, OSError, ValueError) as exc:
        raise Refused("import-file-unreadable", file=shown, detail=type(exc).__name__) from exc


def _open_xlsx(path: Path, shown: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    inflated = _inflated_size(path, shown)
    if inflated > MAX_INFLATED:  # a zip bomb: refused before anything is inflated
        raise Refused("import-file-too-large", file=shown, size=inflated // (1024 * 1024))
    try:
        # a handle, not the path: openpyxl judges a path by its extension (a renamed one)
        book = load_workbook(path.open("rb"), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl lets through whatever a broken part raises
        raise Refused("import-file-unreadable", file=shown, detail=type(exc).__name__) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise Refused(
            "import-sheet-unknown", file=shown, sheet=sheet, known=", ".join(book.sheetnames)
        )
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = _xlsx_rows(ws, shown)
    first = next(rows, None)
    # blank rows and a title above the table (one cell, often merged across) are skipped
    single: list[Row] = []
    while first is not None and sum(1 for c in first.cells if c.strip()) < 2:
        if any(c.strip() for c in first.cells):
            single.append(first)
        first = next(rows, None)
    if first is None and len(single) > 1:  # a table of one column, its header first
        first, rows = single[0], iter(single[1:])
    if first is None:
        others = [name for name in book.sheetnames if name != ws.title]
        if others:
            raise Refused(
                "import-sheet-empty", file=shown, sheet=ws.title, others=", ".join(others)
            )
        raise Refused("import-file-empty", file=shown)
    header = _numbered(_fill_merged(first.cells))
    table = Table(path, shown, "xlsx", header, first.line, sheet=ws.title)
    table._rows = rows
    return table


def _numbered(header: list[str]) -> list[str]:
    """The header with a name given again numbered (« Nom », « Nom 2 »): a mapping names
    its columns by their header, each must be told apart."""
    seen: set[str] = set()
    named: list[str] = []
    for title in header:
        name, n = title, 1
        while title and name in seen:
            n += 1
            name = f"{title} {n}"
        seen.add(name)
        named.append(name)
    return named


def _fill_merged(cells: list[str]) -> list[str]:
    """Header cells of a merged range come empty after the first: they take its title,
    numbered (« Adresse », « Adresse 2 »…)."""
    header: list[str] = []
    last, n = "", 1
    for cell in cells:
        text = cell.strip()
        if text:
            last, n = text, 1
            header.append(text)
        elif last:
            n += 1
            header.append(f"{last} {n}")
        else:
            header.append("")
    return header


def _xlsx_rows(ws: object, shown: str) -> Iterator[Row]:
    """The sheet's rows; a sheet whose XML breaks off is refused where it breaks."""
    number = 0
    try:
        for number, cells in enumerate(_xlsx_cells(ws), start=1):
            yield Row(number, cells)
    except Exception as exc:  # the sheet is parsed as it is read: any error of a broken part
        raise Refused(
            "import-file-unreadable", file=f"{shown}:{number + 1}", detail=type(exc).__name__
        ) from exc


def _xlsx_cells(ws: object) -> Iterator[list[str]]:
    from datetime import date, datetime, time

    for values in ws.iter_rows(values_only=True):  # type: ignore[attr-defined]
        cells = []
        for value in values:
            if value is None:
                cells.append("")
            elif isinstance(value, datetime):
                # a date cell comes as a datetime at midnight (a time object is always true)
                whole = value.time() == time(0)
                cells.append(value.date().isoformat() if whole else value.isoformat())
            elif isinstance(value, date):
                cells.append(value.isoformat())
            elif isinstance(value, float) and value.is_integer():
                cells.append(str(int(value)))
            else:
                cells.append(str(value))
        yield cells


def _open_vcard(path: Path, shown: str) -> Table:
    """Open a vCard file (see :func:`~generator.importers.reading.open_table`): one row
    per card, in the columns of :data:`VCARD_COLUMNS`."""
    raw = path.read_bytes()
    if looks_binary(raw[:SAMPLE_BYTES]):
        raise Refused("import-file-binary", file=shown)
    text = raw.decode(detect_encoding(raw[:SAMPLE_BYTES]), errors="replace").lstrip("\ufeff")
    if "BEGIN:VCARD" not in text.upper():
        return open_csv(path, shown)  # a list saved under the wrong name
    cards, skipped = read_cards(text, shown)
    extensions = extension_columns(cards)  # the firm's own fields, as carnet export writes them
    table = Table(path, shown, "vcf", [*VCARD_COLUMNS, *extensions], 0, encoding="utf-8")
    lines = re.split(r"\r\n|\r|\n", text)  # as vobject counts; not at U+2028
    table.skipped = [(n, lines[n - 1].strip() if 0 < n <= len(lines) else "") for n in skipped]
    starts = [n for n, line in enumerate(lines, start=1) if line.upper().startswith("BEGIN:VCARD")]
    table._rows = (
        Row(line, card_cells(card, extensions)) for line, card in zip(starts, cards, strict=False)
    )
    return table
