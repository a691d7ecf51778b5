"""Reading the files that imports accept: CSV or tab-separated text and XLSX workbooks.

Shared by the imports of people and of information assets. The content decides the format,
never the file's name: a workbook is a zip holding ``[Content_Types].xml``; anything else
must be text in UTF-8 (with or without a byte-order mark) or, failing that, Windows-1252.
Rows are streamed, so a large file is never held whole, and every row an import reads comes
through ``bounded_rows``, which applies the bounds of ``lib.import_bounds`` (long cells, the
file's text, the import's deadline); workbooks are opened by ``lib.xlsx_reading``. Also the
pieces of the template files those imports offer (``headings_csv``, ``add_notes_sheet``,
``workbook_bytes``).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from schoolkeep.lib.import_bounds import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_LINE_CHARS,
    Deadline,
    ImportFileError,
    LongCell,
    TextBudget,
    bound_cell,
    bounded_lines,
)
from schoolkeep.lib.xlsx_reading import XLSX_MAX_UNCOMPRESSED, load_workbook_bounded

ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def detect_format(path: Path, *, text_label: str = "CSV text") -> str:
    """"xlsx" or "csv" (any text), decided by content: an XLSX file is a zip holding
    ``[Content_Types].xml``; anything else must be text. Raises ImportFileError."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head.strip(b" \t\r\n" + UTF8_BOM):
        raise ImportFileError("The file is empty.")
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            raise ImportFileError("The file is a damaged zip file, not a workbook.") from None
        if "[Content_Types].xml" not in names:
            raise ImportFileError("The file is a zip file but not an Excel workbook (XLSX).")
        if size > XLSX_MAX_UNCOMPRESSED:
            raise ImportFileError("The workbook is too large to import. Split it into parts.")
        return "xlsx"
    if b"\x00" in head:
        raise ImportFileError(
            f"The file is neither {text_label} nor an Excel workbook (XLSX). Older .xls "
            "workbooks are not read: save the file as XLSX or CSV.")
    return "csv"


def text_encoding(path: Path) -> tuple[str, str]:
    """(encoding, note): UTF-8 (with or without BOM), else Windows-1252 with a note."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 16):
                    if b"\x00" in chunk:
                        raise ImportFileError("The file is not CSV text.")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1252":
            return encoding, (
                "The file is not UTF-8, so it was read as Windows-1252 (what Excel on Windows "
                "saves as “CSV (Comma delimited)”). Check that names with accents look right; "
                "saving as “CSV UTF-8” avoids this.")
        return encoding, ""
    raise ImportFileError("The file is not text in UTF-8 or Windows-1252, so it is not a CSV "
                          "file that can be read.")


def sniff_delimiter(first_line: str) -> str:
    """The separator of a delimited file from its heading line: a comma, else a tab, else a
    semicolon (as Excel writes in some countries), else a comma."""
    if "," in first_line:
        return ","
    return "\t" if "\t" in first_line else ";" if ";" in first_line else ","


def delimited_rows(path: Path, encoding: str, delimiter: str = "") -> Iterator[list[Any]]:
    """The records of a CSV (or TSV) file, with either line ending. ``delimiter``: sniffed
    from the first line when not given. A line longer than an import reads is refused before
    csv splits it (``import_bounds.bounded_lines``): a line of millions of empty cells would
    otherwise become a list of millions of cells."""
    with open(path, encoding=encoding, newline="") as handle:
        if not delimiter:
            delimiter = sniff_delimiter(handle.readline(MAX_LINE_CHARS + 2))
            handle.seek(0)
        reader = csv.reader(bounded_lines(handle), delimiter=delimiter, strict=False)
        try:
            yield from reader
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                # csv's own limit (131,072 characters), far beyond MAX_CELL_CHARS
                raise ImportFileError(
                    f"Line {reader.line_num} of the file has a cell of more than "
                    f"{MAX_CELL_CHARS:,} characters, more than a cell may hold. Is a quotation "
                    "mark missing?") from None
            raise ImportFileError(f"The file is not valid CSV: {exc}.") from None


def xlsx_rows(path: Path) -> Iterator[list[Any]]:
    """The rows of a workbook's first sheet, as cell values (a shared string longer than a
    cell may hold: a LongCell)."""
    # A file object, not a path: openpyxl refuses names not ending .xlsx (uploads have none).
    with open(path, "rb") as handle:
        try:
            workbook = load_workbook_bounded(handle)
        except ImportFileError:
            raise
        except Exception:  # openpyxl raises many kinds of error on a bad workbook
            raise ImportFileError("The workbook cannot be read. Save it again as XLSX.") from None
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # read every row, whatever size the file claims
            rows = sheet.iter_rows(values_only=True)
            while True:
                try:
                    row = next(rows, None)
                except Exception:  # a damaged sheet inside a readable workbook
                    raise ImportFileError("The workbook's first sheet cannot be read. Save "
                                          "it again as XLSX.") from None
                if row is None:
                    return
                yield list(row)
        finally:
            workbook.close()


def bounded_rows(rows: Iterable[Iterable[Any]], deadline: Deadline) -> Iterator[list[Any]]:
    """Rows as imports receive them: a cell longer than a cell may hold as a LongCell, the
    text of the whole reading counted against its bound, the deadline checked every few rows
    (``lib.import_bounds``)."""
    budget = TextBudget()
    for number, row in enumerate(rows, start=1):
        deadline.tick()
        yield bounded_row(row, budget, number)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _within_columns(cells: list[Any], number: int) -> list[Any]:
    """The row's first MAX_COLUMNS cells: the empty cells after them are dropped (a
    spreadsheet often saves a few), a filled one is refused naming its row and column."""
    for position in range(MAX_COLUMNS, len(cells)):
        if not _is_empty(cells[position]):
            raise ImportFileError(
                f"{f'Row {number:,}' if number else 'A row'} has something in column "
                f"{column_letter(position + 1)}, "
                f"beyond the {MAX_COLUMNS} columns an import reads. Remove what is beyond "
                "them, or check that this is the right file.")
    del cells[MAX_COLUMNS:]
    return cells


def bounded_row(values: Iterable[Any], budget: TextBudget, number: int = 0) -> list[Any]:
    """One row's cells within bounds (row ``number`` as the file counts it), their text spent
    from ``budget``."""
    # Every row of every import comes through here: one pass without a call per cell, the
    # row's text spent at once (lengths are never negative, so the bound is passed by the
    # row exactly when it would be by one of its cells), a long cell bounded where it is.
    cells = list(values)
    if len(cells) > MAX_COLUMNS:
        cells = _within_columns(cells, number)
    chars = 0
    for position, value in enumerate(cells):
        if isinstance(value, str):
            length = len(value)
            chars += length
            if length > MAX_CELL_CHARS:
                cells[position] = bound_cell(value)
    if chars:
        budget.spend(chars)
    return cells


@dataclass
class Source:
    """A file to import: its path, "csv" (text) or "xlsx", and the text's encoding; the
    deadline of the import that reads it starts when it is opened."""

    path: Path
    file_format: str
    encoding: str = ""
    deadline: Deadline = field(default_factory=Deadline)

    def rows(self, delimiter: str = "") -> Iterator[list[Any]]:
        """Every row of the file (of a workbook, its first sheet), within bounds.
        ``delimiter``: of a text file, sniffed from its first line when not given."""
        raw = xlsx_rows(self.path) if self.file_format == "xlsx" else \
            delimited_rows(self.path, self.encoding, delimiter)
        return bounded_rows(raw, self.deadline)


def open_source(path: Path, notes: list[str], *, text_label: str = "CSV text") -> Source:
    """The file's format and encoding (a note is added when it is not UTF-8). Raises
    ImportFileError when it cannot be read."""
    path = Path(path)
    try:
        file_format = detect_format(path, text_label=text_label)
    except OSError as exc:
        raise ImportFileError(f"The file cannot be read: {exc.strerror or exc}.") from None
    source = Source(path, file_format)
    if file_format == "csv":
        source.encoding, note = text_encoding(path)
        if note:
            notes.append(note)
    return source


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates in ISO form, spaces stripped (a
    LongCell: its excerpt; the import reports it)."""
    if value is None:
        return ""
    if isinstance(value, LongCell):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def heading_key(heading: str) -> str:
    """How headings are compared: case-insensitive, surrounding and repeated spaces ignored."""
    return " ".join(heading.split()).casefold()


def column_letter(position: int) -> str:
    """The spreadsheet letter of a column counted from 1 (1: A, 27: AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position)


# Template files


def headings_csv(headings: Iterable[str]) -> bytes:
    """The headings as a CSV file (UTF-8 with a BOM, so that Excel reads accents right)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(headings)
    return UTF8_BOM + text.getvalue().encode("utf-8")


def add_notes_sheet(workbook: Any, rows: Iterable[tuple[str, str]], *, footnote: str,
                    heading_width: int) -> None:
    """A template's second sheet, "How to fill in": what goes under each heading, then
    ``footnote``."""
    from openpyxl.styles import Font

    notes = workbook.create_sheet("How to fill in")
    notes.append(["Heading", "What goes in it"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for heading, accepts in rows:
        notes.append([heading, accepts])
    notes.append([])
    notes.append(["", footnote])
    notes.column_dimensions["A"].width = heading_width
    notes.column_dimensions["B"].width = 100


def template_workbook(*, title: str, headings: list[str], notes: Iterable[tuple[str, str]],
                      footnote: str) -> bytes:
    """An import's template: a first sheet ``title`` with the headings in bold, a second
    sheet saying what goes under each heading (``notes``), then ``footnote``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 18
    add_notes_sheet(workbook, notes, heading_width=24, footnote=footnote)
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
