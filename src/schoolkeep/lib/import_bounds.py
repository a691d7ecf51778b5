"""What importing an uploaded file may cost: the bounds every import applies, in one place.

A small file can ask for a great deal of work. An outside review sent a 12 KB workbook whose
cells all refer to one 10-million-character shared string (the worker grew to 4 GB and kept
600 MB of problems), and a 303 KB one whose every name had 150 million characters (seconds of
name clean-up per row, while every other job waited). Every import of rows (people, parents,
the asset register) reads its file through ``lib.tabular``, which applies these bounds as it
reads, before any import sees a cell:

- a row has at most MAX_COLUMNS cells: empty cells beyond them are dropped, a filled one is
  refused; a line of a text file is read only up to MAX_LINE_CHARS characters, so a line of
  millions of empty cells (9 million in a 9 MB file: a list of 9 million cells, about 1 GB
  for the asset register) is refused before it is split into cells;
- a cell longer than MAX_CELL_CHARS arrives as a LongCell (its length and its first
  EXCERPT_CHARS characters), which the import reports as a problem of that row and column:
  no clean-up, parsing or message ever sees the long text;
- one reading of a file holds at most MAX_FILE_CHARS characters of text in all;
- an import keeps the first PROBLEMS_KEPT problems and counts the rest (ProblemList); a
  problem quotes a cell only as an excerpt and is at most MAX_MESSAGE_CHARS long;
- an import stops when it passes its Deadline (DEADLINE_SECONDS after the file was opened,
  checked every CHECK_EVERY rows): ImportTookTooLong, inside the transaction that writes,
  so nothing is saved.

Workbooks have bounds of their own on their parts, applied before openpyxl reads them
(``lib.xlsx_reading``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, SupportsIndex

# The longest cell an import reads: more than any field's text (the longest seen in a real
# register is under 500 characters); Excel's own limit is 32,767.
MAX_CELL_CHARS = 5_000
EXCERPT_CHARS = 80
# The widest row an import reads: every import's template has fewer than 30 columns.
MAX_COLUMNS = 200
# The longest line of a text file an import reads: every column at its longest cell.
MAX_LINE_CHARS = MAX_CELL_CHARS * MAX_COLUMNS
MAX_MESSAGE_CHARS = 400
# The text of all the cells of a file, read once: a full file of 20,000 rows uses far less.
MAX_FILE_CHARS = 25_000_000
PROBLEMS_KEPT = 200
# An honest import of 20,000 rows takes a minute or two; the worker runs one job at a time.
DEADLINE_SECONDS = 10 * 60
CHECK_EVERY = 50


class ImportFileError(Exception):
    """The file cannot be imported at all (not text or XLSX, empty, damaged, too big, too
    slow); nothing is saved."""


class ImportTookTooLong(ImportFileError):
    """The import passed its deadline and was stopped."""


def line_too_long(number: int) -> ImportFileError:
    """The error for a line of a text file longer than MAX_LINE_CHARS."""
    return ImportFileError(
        f"Line {number:,} of the file is too long to import: it has more than "
        f"{MAX_LINE_CHARS:,} characters. An import reads at most {MAX_COLUMNS} columns of "
        f"at most {MAX_CELL_CHARS:,} characters each. Check that this is the right file.")


def bounded_lines(handle: IO[str]) -> Iterator[str]:
    """The lines of a text file opened for reading, each with its line ending. A line longer
    than MAX_LINE_CHARS raises ImportFileError naming it, without reading more of it."""
    # readline(n) stops after n characters: room for the longest line and its ending ("\r\n").
    number = 0
    while text := handle.readline(MAX_LINE_CHARS + 2):
        number += 1
        if len(text.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise line_too_long(number)
        yield text


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text``, with an ellipsis when it is cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(text: str) -> str:
    """A cell's text as a message quotes it: “an excerpt”."""
    return f"“{excerpt(text)}”"


@dataclass(frozen=True)
class LongCell:
    """A cell longer than MAX_CELL_CHARS, as an import receives it: how long it is and how it
    begins (the text itself is never kept)."""

    length: int
    start: str

    @classmethod
    def of(cls, text: str) -> LongCell:
        return cls(len(text), text[:EXCERPT_CHARS])

    @property
    def message(self) -> str:
        return (f"This cell has {self.length:,} characters; a cell may hold at most "
                f"{MAX_CELL_CHARS:,}. It begins “{self.start}…”.")

    def __str__(self) -> str:
        return self.start + "…"


def bound_cell(value: Any) -> Any:
    """A cell as imports receive it: text longer than MAX_CELL_CHARS becomes a LongCell."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return LongCell.of(value)
    return value


@dataclass(frozen=True)
class Problem:
    """What is wrong with a file: a row (as the file numbers it; 0: the file as a whole), a
    column ("" when not one column's) and a message, each bounded whatever the file holds."""

    row: int
    column: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "column", excerpt(self.column))
        object.__setattr__(self, "message", excerpt(self.message, MAX_MESSAGE_CHARS - 1))

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        if self.column:
            where += f", column “{self.column}”"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ProblemList(list[Problem]):
    """The problems an import keeps: the first PROBLEMS_KEPT, and a count of the others
    (``more``); ``total`` counts them all."""

    def __init__(self, problems: Iterable[Problem] = (), *, keep: int = 0) -> None:
        super().__init__()
        self.keep = keep or PROBLEMS_KEPT
        self.more = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        if len(self) < self.keep:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def insert(self, index: SupportsIndex, problem: Problem) -> None:
        super().insert(index, problem)
        if len(self) > self.keep:
            super().pop()
            self.more += 1

    def __iadd__(self, problems: Iterable[Problem]) -> ProblemList:  # type: ignore[override,misc]
        self.extend(problems)
        return self

    @property
    def total(self) -> int:
        return len(self) + self.more


def monotonic() -> float:
    """The clock of deadlines (a test replaces it)."""
    return time.monotonic()


class Deadline:
    """When an import must stop: DEADLINE_SECONDS after it started. ``tick`` counts rows and
    looks at the clock every CHECK_EVERY of them."""

    def __init__(self, seconds: float = 0) -> None:
        self.seconds = seconds or DEADLINE_SECONDS
        self.ends = monotonic() + self.seconds
        self.rows = 0

    def tick(self, rows: int = 1) -> None:
        before, self.rows = self.rows, self.rows + rows
        if self.rows // CHECK_EVERY != before // CHECK_EVERY:
            self.check()

    def check(self) -> None:
        if monotonic() > self.ends:
            minutes = max(1, round(self.seconds / 60))
            raise ImportTookTooLong(
                f"The import took longer than {minutes} minute{'s' if minutes != 1 else ''} "
                "and was stopped; nothing was saved. Split the file into smaller files and "
                "import each.")


class TextBudget:
    """The text of one reading of a file, counted against MAX_FILE_CHARS."""

    def __init__(self) -> None:
        self.chars = 0

    def spend(self, chars: int) -> None:
        self.chars += chars
        if self.chars > MAX_FILE_CHARS:
            raise ImportFileError(
                f"The file holds more than {MAX_FILE_CHARS:,} characters of text, more than "
                "an import reads. Split it into smaller files.")
