"""Opening an XLSX workbook for an import with openpyxl, within bounds set before it reads.

openpyxl reads a workbook's shared strings (the text of its cells, each stored once) whole,
then hands the same string to every cell that refers to it; a zip member of a few kilobytes
can hold hundreds of megabytes of one string. So, before openpyxl reads anything:

- the size of every part is bounded from the zip's directory (nothing is extracted): the
  shared strings SHARED_STRINGS_MAX_BYTES, each part that openpyxl parses whole (styles,
  workbook, theme) PART_MAX_BYTES, the number of parts as an uploaded document's (the whole
  workbook, XLSX_MAX_UNCOMPRESSED, is bounded earlier: ``tabular.detect_format``);
  worksheets are streamed, so they are not bounded by size but
- every worksheet is first scanned as a stream: no value in it (an inline string, a formula,
  an attribute) may be longer than a cell may hold, and no row beyond Excel's last;
- the shared strings are read by ``read_shared_strings``, also as a stream: a string longer
  than a cell may hold is never built, it becomes a LongCell (its length and its start), so
  the import reports the cells that refer to it.

Documents type declarations (which no workbook has) are refused. See ``lib.import_bounds``.
"""

from __future__ import annotations

import zipfile
from typing import IO, Any
from xml.parsers import expat

from schoolkeep.lib.import_bounds import (
    EXCERPT_CHARS,
    MAX_CELL_CHARS,
    ImportFileError,
    LongCell,
    excerpt,
)
from schoolkeep.lib.uploads import ZIP_MAX_MEMBERS, ZIP_MAX_UNPACKED

# A workbook unpacks to no more than an uploaded document may.
XLSX_MAX_UNCOMPRESSED = ZIP_MAX_UNPACKED
SHARED_STRINGS_MAX_BYTES = 32 * 1024 * 1024
SHARED_STRINGS_MAX_COUNT = 500_000
PART_MAX_BYTES = 16 * 1024 * 1024
MAX_SHEET_ROWS = 1_048_576  # Excel's last row
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
UNREADABLE = "The workbook cannot be read. Save it again as XLSX."


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_sizes(archive: zipfile.ZipFile, *, worksheets: set[str], shared_strings: set[str]
                ) -> None:
    """Refuse a workbook whose parts are larger than an import reads (sizes from the zip's
    directory; zipfile never inflates a member beyond the size it states). Their total was
    checked when the file's format was (``tabular.detect_format``)."""
    parts = archive.infolist()
    if len(parts) > ZIP_MAX_MEMBERS:  # a workbook has a few dozen; thousands cost memory
        raise ImportFileError(f"The workbook has {len(parts):,} parts, more than the "
                              f"{ZIP_MAX_MEMBERS:,} an import reads. Save it again as XLSX.")
    for info in parts:
        if info.filename in worksheets:
            continue  # streamed, and scanned first
        if info.filename in shared_strings:
            if info.file_size > SHARED_STRINGS_MAX_BYTES:
                raise ImportFileError(
                    f"The workbook is too large to import: its text takes "
                    f"{_mb(info.file_size)}, more than the {_mb(SHARED_STRINGS_MAX_BYTES)} an "
                    "import reads. Split it into smaller files, or check that no cell holds "
                    "a very long text.")
        elif info.file_size > PART_MAX_BYTES:
            raise ImportFileError(
                f"The workbook is too large to import: its part "
                f"“{excerpt(info.filename, 60)}” takes {_mb(info.file_size)}. Save it again "
                "as XLSX, or as CSV.")


def _parser() -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_: Any) -> None:
        raise ImportFileError(UNREADABLE)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _parse(parser: Any, source: IO[bytes]) -> None:
    try:
        parser.ParseFile(source)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ImportFileError(UNREADABLE) from None


def read_shared_strings(source: IO[bytes]) -> list[str | LongCell]:
    """The shared strings of a workbook, read as a stream: the text of each string item (its
    runs, not its phonetic guides, as openpyxl reads it), or a LongCell when it is longer
    than a cell may hold (the rest of it is counted, never kept)."""
    strings: list[str | LongCell] = []
    stack: list[str] = []
    parts: list[str] = []
    length = 0

    def start(name: str, _attributes: dict[str, str]) -> None:
        nonlocal length
        local = _local(name)
        stack.append(local)
        if local == "si":
            parts.clear()
            length = 0

    def end(_name: str) -> None:
        local = stack.pop()
        if local != "si":
            return
        if length > MAX_CELL_CHARS:
            strings.append(LongCell(length, "".join(parts)[:EXCERPT_CHARS]))
        else:
            strings.append("".join(parts).replace("x005F_", ""))  # as openpyxl does
        if len(strings) > SHARED_STRINGS_MAX_COUNT:
            raise ImportFileError(
                f"The workbook holds more than {SHARED_STRINGS_MAX_COUNT:,} different texts, "
                "more than an import reads. Split it into smaller files.")

    def text(data: str) -> None:
        nonlocal length
        if stack and stack[-1] == "t" and "si" in stack and "rPh" not in stack:
            if length <= MAX_CELL_CHARS:
                parts.append(data[:MAX_CELL_CHARS + 1 - length])
            length += len(data)

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _parse(parser, source)
    return strings


def _cell_words(reference: str) -> str:
    letters = reference.rstrip("0123456789")
    digits = reference[len(letters):]
    return f"Row {digits}, column {letters}" if letters and digits else "A cell"


def scan_worksheet(source: IO[bytes], *, first: bool) -> None:
    """Read a worksheet as a stream and refuse it when a value in it is longer than a cell
    may hold (naming the cell, on the first sheet) or a row lies beyond Excel's last."""
    reference = ""
    length = 0

    def too_long(chars: int) -> None:
        where = _cell_words(reference) if first and reference else (
            "A value of the first sheet" if first else "A cell of another sheet")
        raise ImportFileError(
            f"{where} holds more than {MAX_CELL_CHARS:,} characters ({chars:,} or more), more "
            "than a cell of an import may hold. Shorten it"
            + (", or remove the other sheets (only the first is imported)." if not first
               else "."))

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal reference, length
        length = 0
        local = _local(name)
        if local == "c":
            reference = attributes.get("r", "")[:12]
        elif local == "row":
            number = attributes.get("r", "1")
            if not number.isdigit() or int(number) > MAX_SHEET_ROWS:
                raise ImportFileError(UNREADABLE)
        for value in attributes.values():
            if len(value) > MAX_CELL_CHARS:
                too_long(len(value))

    def end(name: str) -> None:
        nonlocal reference, length
        length = 0
        if _local(name) == "c":
            reference = ""

    def text(data: str) -> None:
        nonlocal length
        length += len(data)
        if length > MAX_CELL_CHARS:
            too_long(length)

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _parse(parser, source)


def load_workbook_bounded(handle: IO[bytes]) -> Any:
    """An openpyxl workbook (read-only, values only) of an import's file, with its parts
    checked and its shared strings read as above. Raises ImportFileError."""
    from openpyxl.reader.excel import ExcelReader

    class BoundedReader(ExcelReader):  # type: ignore[misc]
        def read_manifest(self) -> None:
            super().read_manifest()
            overrides = self.package.Override
            check_sizes(self.archive, worksheets={
                o.PartName.lstrip("/") for o in overrides if o.ContentType == WORKSHEET_TYPE
            }, shared_strings={
                o.PartName.lstrip("/") for o in overrides
                if o.ContentType == SHARED_STRINGS_TYPE})

        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS_TYPE)
            if part is not None and part.PartName.lstrip("/") in self.valid_files:
                with self.archive.open(part.PartName.lstrip("/")) as source:
                    self.shared_strings = read_shared_strings(source)

        def read_worksheets(self) -> None:
            for position, (_sheet, relation) in enumerate(self.parser.find_sheets()):
                if relation.target in self.valid_files:
                    with self.archive.open(relation.target) as source:
                        scan_worksheet(source, first=position == 0)
            super().read_worksheets()

    reader = BoundedReader(handle, read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb
