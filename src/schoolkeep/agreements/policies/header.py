"""Reading the header of a policy document's text, as schools write it.

A policy starts with a few tab-separated lines, then its title::

        Name of School      Corbets Tey School
        Policy Review Date  18th November 2020
        Next Review Date    Spring 2022
        Reviewed by         Governor Name: Julie Lamb Governor Signature:

    Online Security Policy

Dates are read as written ("18th November 2020", "18 Nov 2020", "18/11/2020", "2020-11-18"),
a next review may be a term ("Spring 2022"). A value that cannot be read is reported with its
line and the value itself, never guessed; so is a missing title. Pure functions: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from schoolkeep.lib.import_bounds import MAX_COLUMNS
from schoolkeep.lib.text import tidy
from schoolkeep.tenancy.calendar import parse_term_name, term_label

TITLE_MAX = 200

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WRITTEN = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2})(st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def ordinal_suffix(day: int) -> str:
    """The suffix written after a day of the month: 1st, 2nd, 3rd, 4th, 11th, 22nd."""
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def read_date(text: str) -> date:
    """A date as written in a policy ("18th November 2020", "1 Sept 2021", "18/11/2020" read
    day first, "2020-11-18"). Raises ValueError for anything else, including a wrong suffix
    ("2th") or a day the month does not have."""
    value = tidy(text)
    match = _WRITTEN.match(value)
    if match:
        day_text, suffix, month_text, year_text = match.groups()
        month = _MONTHS.get(month_text.lower())
        day = int(day_text)
        if month is None:
            raise ValueError(f'"{month_text}" is not a month')
        if suffix and suffix.lower() != ordinal_suffix(day):
            raise ValueError(f'"{day_text}{suffix}" is not how {day} is written')
        return date(int(year_text), month, day)
    match = _NUMERIC.match(value)
    if match:
        day_text, month_text, year_text = match.groups()
        return date(int(year_text), int(month_text), int(day_text))
    match = _ISO.match(value)
    if match:
        return date.fromisoformat(value)
    raise ValueError(f'"{value}" is not a date')


@dataclass(frozen=True)
class NextReview:
    """A next review given either as a date or as a term (its name, written the usual way)."""

    on: date | None = None
    term: str = ""

    def __str__(self) -> str:
        return self.term or (f"{self.on.day} {self.on:%B %Y}" if self.on else "")


def read_next_review(text: str) -> NextReview:
    """A term ("Spring 2022", "spring term 2022") or a date. Raises ValueError otherwise."""
    value = tidy(text)
    try:
        name, academic_year = parse_term_name(value)
    except ValueError:
        pass
    else:
        return NextReview(term=term_label(name, academic_year))
    try:
        return NextReview(on=read_date(value))
    except ValueError:
        raise ValueError(f'"{value}" is neither a date nor a term') from None


# --- the header ------------------------------------------------------------------------------

SCHOOL_NAME = "name of school"
REVIEW_DATE = "policy review date"
NEXT_REVIEW = "next review date"
REVIEWED_BY = "reviewed by"
LABELS = {SCHOOL_NAME: "Name of School", REVIEW_DATE: "Policy Review Date",
          NEXT_REVIEW: "Next Review Date", REVIEWED_BY: "Reviewed by"}

_GOVERNOR = re.compile(
    r"governor\s+name\s*:?\s*(?P<name>.*?)\s*(?:governor\s+signature\s*:?\s*(?P<sig>.*))?$",
    re.IGNORECASE)


@dataclass(frozen=True)
class HeaderProblem:
    line: int  # 1-based, as an editor shows it
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass
class PolicyHeader:
    """What a document's header and title line say, and what could not be read."""

    title: str = ""
    title_line: int = 0
    school_name: str = ""
    review_date: date | None = None
    next_review: NextReview | None = None
    next_review_text: str = ""
    next_review_line: int = 0
    reviewer: str = ""  # the "Reviewed by" value as written
    governor_name: str = ""
    governor_signature: str = ""
    problems: list[HeaderProblem] = field(default_factory=list)
    ignored: list[HeaderProblem] = field(default_factory=list)  # lines not read, as notes

    @property
    def ok(self) -> bool:
        return not self.problems


def _governor(value: str) -> tuple[str, str]:
    """(name, signature) from "Governor Name: Julie Lamb Governor Signature: ..."; a value
    without those words is the name itself."""
    match = _GOVERNOR.match(value)
    if match is None:
        return value, ""
    return tidy(match.group("name")), tidy(match.group("sig") or "")


def _cells(line: str) -> list[str]:
    # A header row has a handful of cells: at most MAX_COLUMNS are split off, so a line of
    # millions of tabs costs no more than a short one.
    return [tidy(cell) for cell in line.split("\t", MAX_COLUMNS)[:MAX_COLUMNS] if tidy(cell)]


def _labelled(cells: list[str]) -> tuple[str, str] | None:
    """(label key, value) when the line starts with a header label we read."""
    first = cells[0]
    for key in LABELS:
        if first.casefold().startswith(key):
            rest = first[len(key):]
            if rest and not (rest[0].isspace() or rest[0] == ":"):
                continue  # "Name of Schools" is not "Name of School"
            value = " ".join([rest.strip().lstrip(":").strip(), *cells[1:]])
            return key, tidy(value)
    return None


def read_header(text: str) -> PolicyHeader:
    """Read the header lines (each "label<TAB>value", or "label: value") and the title: the
    first line after them that is neither blank nor a header line. Every problem is
    collected; nothing is guessed."""
    header = PolicyHeader()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    number = 0
    for number, raw in enumerate(lines, start=1):
        cells = _cells(raw)
        if not cells:
            continue
        labelled = _labelled(cells)
        if labelled is not None:
            _read_line(header, *labelled, number)
        elif len(cells) > 1:
            header.ignored.append(HeaderProblem(
                number, f'"{cells[0]}" is not a header line Schoolkeep reads; it was left out.'))
        else:
            _read_title(header, cells[0], number)
            return header
    header.problems.append(HeaderProblem(
        number or 1, "the document has no title: write it on its own line after the header."))
    return header


def _read_title(header: PolicyHeader, title: str, number: int) -> None:
    title = tidy(title)
    if len(title) > TITLE_MAX:
        header.problems.append(HeaderProblem(
            number, f"the title is missing: this line has {len(title)} characters, more than a "
                    f"title's {TITLE_MAX}. Write the title on its own line after the header."))
        return
    header.title, header.title_line = title, number


def _read_line(header: PolicyHeader, key: str, value: str, number: int) -> None:
    name = LABELS[key]
    if not value:
        return  # a label left blank states nothing
    if key == SCHOOL_NAME:
        header.school_name = value
    elif key == REVIEW_DATE:
        try:
            header.review_date = read_date(value)
        except ValueError:
            header.problems.append(HeaderProblem(
                number, f'{name}: "{value}" is not a date Schoolkeep can read. Write it like '
                        '"18 November 2020".'))
    elif key == NEXT_REVIEW:
        header.next_review_text, header.next_review_line = value, number
        try:
            header.next_review = read_next_review(value)
        except ValueError:
            header.problems.append(HeaderProblem(
                number, f'{name}: "{value}" is neither a date nor a term Schoolkeep can read. '
                        'Write a date like "18 November 2022" or a term like "Spring 2022".'))
    else:
        header.reviewer = value
        header.governor_name, header.governor_signature = _governor(value)
