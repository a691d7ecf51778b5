"""Reading a training file: its headings (``columns``) and its rows, one completed course
each. Formats, encodings and the bounds of every import come from ``schoolkeep.lib.tabular``;
dates are read as the people import reads them (day first, or ISO, or a date cell)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from schoolkeep.lib.import_bounds import LongCell, Problem, ProblemList, quoted
from schoolkeep.lib.tabular import ImportFileError, Source, cell_text, column_letter, heading_key
from schoolkeep.people.imports import parse_date
from schoolkeep.training.imports.columns import BY_FIELD, BY_HEADING, Fact
from schoolkeep.training.records.services import EARLIEST_COMPLETED

MAX_ROWS = 20_000
KEPT_VALUES = 10_000  # distinct cells kept per import (then forgotten: memory stays bounded)
MAX_LENGTHS = {"staff_number": 50, "email": 254, "full_name": 200, "course": 200,
               "notes": 500}


class BadValue(Exception):
    pass


@dataclass(slots=True)
class TrainingRow:
    """One row of the file as read ("" or None: not given)."""

    number: int
    staff_number: str = ""
    email: str = ""
    full_name: str = ""
    date_of_birth: date | None = None
    course: str = ""
    completed_on: date | None = None
    notes: str = ""

    @property
    def who(self) -> str:
        """How the preview names the row's person when the row is not matched."""
        return self.full_name or self.email or self.staff_number


def _day(raw: Any) -> date:
    try:
        return parse_date(raw)
    except Exception as exc:  # people's BadValue: its message says what is wrong
        raise BadValue(str(exc)) from None


def parse_cell(fact: Fact, raw: Any, today: date) -> Any:
    """A cell's value for ``fact`` (``today``: the import's day, read once, as a date
    cell's bound). Raises BadValue saying what is wrong."""
    if fact.parser == "date":
        day = _day(raw)
        if day > today:
            raise BadValue(f"{day:%d/%m/%Y} is in the future: write the day the course was "
                           "completed.")
        if day < EARLIEST_COMPLETED:
            # The same bound as a record entered by hand (records/services.py).
            raise BadValue(f"{day:%d/%m/%Y} is too early: the day completed must be on or "
                           f"after {EARLIEST_COMPLETED:%d/%m/%Y}.")
        return day
    if fact.parser == "dob":
        day = _day(raw)
        if day >= today:
            raise BadValue(f"{day:%d/%m/%Y} cannot be a date of birth.")
        return day
    if fact.parser == "notes":
        text = cell_text(raw)
    else:
        text = " ".join((raw if type(raw) is str else cell_text(raw)).split())
    limit = MAX_LENGTHS.get(fact.field, 0)
    if limit and len(text) > limit:
        raise BadValue(f"This has {len(text)} characters; at most {limit} fit.")
    if fact.parser == "email":
        text = text.lower()
        try:
            validate_email(text)
        except ValidationError:
            raise BadValue(f"{quoted(text)} is not an e-mail address.") from None
    return text


@dataclass
class Layout:
    """The columns read, in order: (position, fact); the ignored headings."""

    read: list[tuple[int, Fact]]
    ignored: list[str]
    today: date = field(default_factory=timezone.localdate)
    # The values of cells already read, by (field, text): a file repeats the same people,
    # courses and days in many rows, each cell read once per import.
    kept: dict[tuple[str, str], Any] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return any(fact.field == name for _, fact in self.read)


def layout_of(headings: list[Any], problems: ProblemList) -> Layout:
    """Each heading's fact; a problem for a fact given twice, and for a file without the
    columns every row needs (a course, a date, and a way to find the person)."""
    read: list[tuple[int, Fact]] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(headings):
        text = cell_text(cell)
        fact = BY_HEADING.get(heading_key(text)) if text else None
        if fact is None:
            if text:
                ignored.append(text)
            continue
        if fact.field in seen:
            problems.append(Problem(1, text, f"This column gives the same fact as "
                                    f"{quoted(seen[fact.field])}. Keep one of them."))
            continue
        seen[fact.field] = f"{text} (column {column_letter(position + 1)})"
        read.append((position, fact))
    layout = Layout(read, ignored)
    for name in ("course", "completed_on"):
        if not layout.has(name):
            heading = BY_FIELD[name].heading
            problems.append(Problem(1, heading, f"The file has no {heading} column: every "
                                    "row needs one."))
    if not (layout.has("staff_number") or layout.has("email")
            or (layout.has("full_name") and layout.has("date_of_birth"))):
        problems.append(Problem(1, BY_FIELD["staff_number"].heading,
                                "The file has no column that finds the person: give a Staff "
                                "number column, an Email column, or both Full name and Date "
                                "of birth."))
    return layout


def _blank(raw: Any) -> bool:
    return raw is None or (type(raw) is str and not raw.strip())


def parse_row(number: int, cells: list[Any], layout: Layout,
              problems: ProblemList) -> TrainingRow:
    """One data row, its problems added (a needed cell left blank is one of them)."""
    row = TrainingRow(number)
    width = len(cells)
    kept, today = layout.kept, layout.today
    given: set[str] = set()
    for position, fact in layout.read:
        if position >= width:
            continue
        raw = cells[position]
        if _blank(raw):
            continue
        given.add(fact.field)
        if isinstance(raw, LongCell):
            problems.append(Problem(number, fact.heading, raw.message))
            continue
        key = (fact.field, raw) if type(raw) is str else None
        if key is not None and key in kept:
            setattr(row, fact.field, kept[key])
            continue
        try:
            value = parse_cell(fact, raw, today)
        except BadValue as exc:
            problems.append(Problem(number, fact.heading, str(exc)))
            continue
        setattr(row, fact.field, value)
        if key is not None:
            if len(kept) >= KEPT_VALUES:
                kept.clear()
            kept[key] = value
    for name in ("course", "completed_on"):
        if name not in given:
            problems.append(Problem(number, BY_FIELD[name].heading,
                                    "This is blank: every row needs it."))
    if not ({"staff_number", "email", "full_name"} & given):
        problems.append(Problem(number, BY_FIELD["full_name"].heading,
                                "Nothing in this row says who completed the course: give a "
                                "staff number, an e-mail address, or a full name with the "
                                "date of birth."))
    return row


def rows_of(source: Source, problems: ProblemList, notes: list[str]) -> Iterator[TrainingRow]:
    """Every row of the file with something in it (at most MAX_ROWS)."""
    rows = iter(source.rows())
    headings = next(rows, None)
    if headings is None or not any(cell_text(c) for c in headings):
        raise ImportFileError("The file has no headings in its first row. Start from the "
                              "template, or export the list again with its headings.")
    before = problems.total
    layout = layout_of(headings, problems)
    if problems.total > before:
        return  # the headings' problems say it all: each row would repeat them
    if layout.ignored:
        shown = ", ".join(quoted(h) for h in layout.ignored[:12])
        more = len(layout.ignored) - 12
        notes.append(f"Columns Schoolkeep does not use, ignored: {shown}"
                     + (f" and {more} more." if more > 0 else "."))
    count = 0
    for number, cells in enumerate(rows, start=2):
        if all(_blank(cell) for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows. Split it.")
        yield parse_row(number, cells, layout, problems)
