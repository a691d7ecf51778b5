"""Reading a register file into lines of cells, whatever its format.

- A **policy document** as plain text: a text file with a line that *begins* "Appendix 1"
  (an earlier mention inside a sentence does not count). The table is the lines after it,
  cells separated by tabs, up to the end or to a line that begins another appendix
  ("Appendix 2").
- **CSV** or **TSV**: any other text file; the separator (comma, tab or semicolon) is read
  from the first line.
- **XLSX**: the first sheet of a workbook.

Text may be UTF-8 with or without a byte-order mark, or Windows-1252 (with a note), with
either line ending. Markup such as ``<i>`` is removed from every cell before anything else
reads it, and the cells it marked are remembered (the seed marks "CCTV support company" in
italics: an owner outside the school). Every line comes within the bounds of
``lib.import_bounds``: a cell longer than a cell may hold is kept only as a LongCell (in
``Line.long``), which the parser reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schoolkeep.lib.import_bounds import LongCell, TextBudget, bounded_lines
from schoolkeep.lib.tabular import (
    Source,
    bounded_row,
    cell_text,
    open_source,
    sniff_delimiter,
)

DOCUMENT, CSV, TSV, XLSX = "document", "csv", "tsv", "xlsx"
FORMAT_LABELS = {DOCUMENT: "policy document (text)", CSV: "CSV", TSV: "TSV (tab-separated)",
                 XLSX: "Excel workbook (XLSX)"}

# A line that begins "Appendix 1" (not "Appendix 10"), in any case, after any spaces.
APPENDIX_1 = re.compile(r"^\s*appendix\s*1(?![0-9])", re.IGNORECASE)
# A line that begins another appendix ("Appendix 2", "Appendix B") ends the table.
OTHER_APPENDIX = re.compile(r"^\s*appendix\s*([0-9]+|[A-Z])\b", re.IGNORECASE)
# An opening, closing or empty tag such as <i>, </i>, <span class="x">, <br/>.
MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


@dataclass
class Line:
    """One row of the file: its number as the file counts it, its cells with markup removed
    and whether markup marked each."""

    number: int
    cells: list[str]
    marked: list[bool]
    long: dict[int, LongCell] = field(default_factory=dict)  # by position: too long to read

    def filled(self) -> list[int]:
        """Positions of the cells that are not blank."""
        return [position for position, cell in enumerate(self.cells) if cell.strip()]


def unmark(value: Any) -> tuple[str, bool]:
    """A cell's text with markup removed, and whether there was any."""
    # A CSV cell is text: cell_text would only strip it.
    text = value.strip() if type(value) is str else cell_text(value)
    if "<" not in text:
        return text, False
    cleaned = MARKUP.sub("", text)
    return cleaned.strip(), cleaned != text


def _line(number: int, values: list[Any]) -> Line:
    pairs = [unmark(value) for value in values]
    return Line(number, [text for text, _ in pairs], [marked for _, marked in pairs],
                {position: value for position, value in enumerate(values)
                 if isinstance(value, LongCell)})


@dataclass
class RegisterFile:
    source: Source
    kind: str  # DOCUMENT, CSV, TSV or XLSX
    table_starts: int = 0  # a document: the number of its "Appendix 1" line
    delimiter: str = ","  # CSV or TSV: the separator of cells

    @property
    def label(self) -> str:
        return FORMAT_LABELS[self.kind]

    def lines(self) -> Iterator[Line]:
        """Every row of the table (a document: the lines after "Appendix 1")."""
        if self.kind == DOCUMENT:
            yield from _document_lines(self.source, self.table_starts)
        else:
            rows = self.source.rows(self.delimiter if self.kind != XLSX else "")
            for number, values in enumerate(rows, start=1):
                yield _line(number, values)


def _text_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    # newline=None: "\n", "\r\n" and "\r" all end a line. A line too long for an import
    # is refused before it is split into cells (lib.import_bounds.bounded_lines).
    with open(path, encoding=encoding, newline=None) as handle:
        for number, text in enumerate(bounded_lines(handle), start=1):
            yield number, text.rstrip("\n")


def _document_lines(source: Source, starts: int) -> Iterator[Line]:
    budget = TextBudget()
    for number, text in _text_lines(source.path, source.encoding):
        if number <= starts:
            continue
        if OTHER_APPENDIX.match(text) and not APPENDIX_1.match(text):
            return
        source.deadline.tick()
        yield _line(number, bounded_row(text.split("\t"), budget, number))


def _appendix_line(path: Path, encoding: str) -> int:
    """The number of the first line that begins "Appendix 1", or 0."""
    for number, text in _text_lines(path, encoding):
        if APPENDIX_1.match(text):
            return number
    return 0


def open_register(path: Path, notes: list[str]) -> RegisterFile:
    """The file's kind, by content. Raises ImportFileError when it cannot be read."""
    source = open_source(Path(path), notes, text_label="text (CSV, TSV or a policy document)")
    if source.file_format == "xlsx":
        return RegisterFile(source, XLSX)
    starts = _appendix_line(source.path, source.encoding)
    if starts:
        return RegisterFile(source, DOCUMENT, starts)
    with open(source.path, encoding=source.encoding, newline="") as handle:
        first = next((line for line in handle if line.strip()), "")
    delimiter = sniff_delimiter(first)
    return RegisterFile(source, TSV if delimiter == "\t" else CSV, delimiter=delimiter)
