"""Reading an import file of people: its cells and rows (formats and encodings are read by
schoolkeep.lib.tabular, shared with the other imports)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone

from schoolkeep.lib.import_bounds import LongCell, Problem, ProblemList, quoted
from schoolkeep.lib.tabular import (
    ImportFileError,
    Source,
    cell_text,
    column_letter,
    heading_key,
)
from schoolkeep.people import derive
from schoolkeep.people.imports.columns import (
    BY_HEADING,
    CHECK_PREFIXES,
    Column,
    heading_of,
)
from schoolkeep.people.models import Check, PersonKind
from schoolkeep.tenancy.models import School, Site

MAX_ROWS = 20_000
# A check's dates that may lie in the future; its other dates record something done.
FUTURE_DATES = {"right_to_work_expires_on"}


class BadValue(Exception):
    pass


MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
], start=1) for name in names}
MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
_MIDNIGHT = r"(?:[ T]00:00(?::00)?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_MIDNIGHT}$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d+){_MIDNIGHT}$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d+)$")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


def _make_date(year: int, month: int, day: int, written: str) -> date:
    if not 1900 <= year <= 2100:
        raise BadValue(f"{quoted(written)} is not a possible date: the year {year} is out of "
                       "range.")
    if not 1 <= month <= 12:
        raise BadValue(f"{quoted(written)} is not a possible date: there is no month {month}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(f"{quoted(written)} is not a possible date: there is no {day} "
                       f"{MONTH_NAMES[month]} {year}.") from None


def parse_date(value: Any) -> date:
    """A date in UK day-first form (03/09/2024, 3/9/2024, 3 September 2024) or ISO
    (2024-09-03), or a spreadsheet date cell. Raises BadValue saying what is wrong."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        raise BadValue("This is a number, not a date. Format the cell as a date, or type "
                       "it as 03/09/2024.")
    return _date_of_text(" ".join(str(value).split()))


@functools.lru_cache(maxsize=4096)
def _date_of_text(text: str) -> date:
    """``parse_date`` of a tidied text, kept for the texts seen last: a file repeats the
    same few dates in many cells (a BadValue is raised again each time, never kept)."""
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day, text)
    if match := _NUMERIC.match(text):
        first, second, year_text = int(match[1]), int(match[3]), match[4]
        if len(year_text) != 4:
            short = f"{year_text[-2:]:0>2}"
            raise BadValue(f"{quoted(text)} is ambiguous: write the year in full, as in "
                           f"{first:02d}/{second:02d}/19{short} or "
                           f"{first:02d}/{second:02d}/20{short}.")
        if first <= 12 < second:
            raise BadValue(f"{quoted(text)} looks like month first (the American order). Dates are "
                           f"read day first: write {second:02d}/{first:02d}/{year_text} or "
                           f"{year_text}-{first:02d}-{second:02d}.")
        return _make_date(int(year_text), second, first, text)
    if match := _WORDS.match(text.lower()):
        day, month_text, year_text = int(match[1]), match[2], match[3]
        if month_text not in MONTHS:
            raise BadValue(f"{quoted(text)} is not a date: {quoted(match[2])} is not a month.")
        if len(year_text) != 4:
            raise BadValue(f"{quoted(text)} is ambiguous: write the year in full.")
        return _make_date(int(year_text), MONTHS[month_text], day, text)
    raise BadValue(f"{quoted(text)} is not a date. Write it as 03/09/2024, 3 September 2024 or "
                   "2024-09-03.")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(f"{quoted(cell_text(value))} is not yes or no.")


_KINDS = {heading_key(v): v for v in PersonKind.values} | {
    heading_key(label): value for value, label in PersonKind.choices}


def parse_kind(value: Any) -> str:
    text = cell_text(value)
    kind = _KINDS.get(heading_key(text))
    if kind is None:
        raise BadValue(f"{quoted(text)} is not a kind of person. Use one of: "
                       + ", ".join(PersonKind.values) + " (or their full labels).")
    return kind


class _EmailValidator(EmailValidator):
    """Django's e-mail check, the same verdicts, cheaper for a file of thousands: the user
    part's pattern compiled once (Django's is a lazy object, resolved at every match) and
    each domain's verdict remembered (a school's file repeats a few domains; checking one
    cost two-thirds of checking an address)."""

    user_regex = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)

    def validate_domain_part(self, domain_part: str) -> bool:
        return _domain_ok(domain_part)


_domain_ok = functools.lru_cache(maxsize=64)(EmailValidator().validate_domain_part)
_email_validator = _EmailValidator()


@dataclass(frozen=True)
class Sites:
    """The school's sites: id by name (compared like headings), and their names."""

    ids: dict[str, int]
    names: dict[int, str]

    @classmethod
    def of(cls, school: School) -> Sites:
        names = dict(Site.objects.filter(school=school).values_list("pk", "name"))
        return cls({heading_key(name): pk for pk, name in names.items()}, names)


def _parse_cell(column: Column, raw: Any, sites: Sites) -> Any:
    """The value of one non-blank cell, or BadValue."""
    parser = column.parser
    if parser == "date":
        return parse_date(raw)
    if parser in ("bool", "optional_bool"):
        return parse_bool(raw)
    if parser == "kind":
        return parse_kind(raw)
    text = cell_text(raw)
    if parser == "status":
        status = text.casefold()
        if status not in (Check.Status.DONE, Check.Status.PENDING):
            raise BadValue(f"{quoted(text)} is not a status: use done or pending, or leave blank.")
        return status
    if parser == "sites":
        chosen: list[int] = []
        for name in (part for part in text.split(";") if part.strip()):
            site_id = sites.ids.get(heading_key(name))
            if site_id is None:
                known = ", ".join(sorted(sites.names.values()))
                raise BadValue(f"The school has no site called {quoted(name.strip())}. " + (
                    f"Its sites are: {known}." if known else "It has no sites recorded."))
            chosen.append(site_id)
        return sorted(set(chosen))
    if parser in ("name", "text", "staff_number"):
        text = derive.clean_name(text)  # one space between words, as the services store
    elif parser == "dbs_number":
        text = derive.normalise_dbs_number(text)
        if not re.fullmatch(r"[0-9]{12}", text):
            raise BadValue("A DBS certificate number has 12 digits.")
    elif parser == "email":
        text = text.lower()
        try:
            _email_validator(text)
        except ValidationError:
            raise BadValue(f"{quoted(text)} is not an e-mail address.") from None
    if column.max_length and len(text) > column.max_length:
        raise BadValue(f"This is {len(text)} characters long; at most "
                       f"{column.max_length} fit.")
    return text


@dataclass
class RowData:
    """What one row gives: only the cells that are not blank."""

    number: int
    person: dict[str, Any] = field(default_factory=dict)
    sites: list[int] | None = None
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    dob_hash: str = ""  # of the date of birth given, set by matching (the writer reuses it)

    @property
    def name(self) -> str:
        return str(self.person.get("full_name", ""))


# Values kept per column (see _Layout.parsed): a column's first distinct cells, at most.
PARSED_PER_COLUMN = 512


@dataclass
class _Layout:
    """The file's columns, from its heading row."""

    columns: list[Column | None]  # None: a column to ignore (unknown or repeated heading)
    blank: set[int]  # positions (from 0) of columns without a heading
    has_full_name: bool
    # Per column, the values of cells already parsed, by their text: a file repeats the
    # same dates, yes/no, statuses and sites in most rows. Parsing depends only on the
    # cell and the school's sites, which do not change during an import. Bounded, so
    # memory does not grow with the file; a wrong cell is never kept (parsed each time).
    parsed: list[dict[str, Any]] = field(default_factory=list)

    def column(self, position: int) -> Column | None:
        return self.columns[position] if position < len(self.columns) else None

    def unheaded(self, position: int) -> bool:
        return position >= len(self.columns) or position in self.blank

    def value(self, position: int, column: Column, raw: Any, sites: Sites) -> Any:
        """``_parse_cell`` of the cell, kept for the texts seen before."""
        if type(raw) is not str:
            return _parse_cell(column, raw, sites)
        kept = self.parsed[position]
        value = kept.get(raw, kept)  # the dict itself: not kept
        if value is kept:
            value = _parse_cell(column, raw, sites)
            if len(kept) < PARSED_PER_COLUMN:
                kept[raw] = value
        # A list (the sites) is copied, so that no row shares it with another.
        return list(value) if type(value) is list else value


def _layout(headings: list[Any]) -> tuple[_Layout, list[Problem]]:
    columns: list[Column | None] = []
    blank: set[int] = set()
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for position, raw in enumerate(headings):
        text = cell_text(raw)
        if not text:
            columns.append(None)
            blank.add(position)
            continue
        column = BY_HEADING.get(heading_key(text))
        if column is None:
            problems.append(Problem(1, text, "Schoolkeep does not know this heading (an error, "
                                    "so that no column is ignored by mistake). Correct it to "
                                    "one of the template's headings or remove the column."))
        elif column.heading in seen:
            problems.append(Problem(1, text, f"This heading appears twice (also as "
                                    f"{quoted(seen[column.heading])}). Keep one of them."))
            column = None
        else:
            seen[column.heading] = text
        columns.append(column)
    if "Full name" not in seen:
        problems.append(Problem(1, "Full name", "The file has no “Full name” column; every "
                                "row needs one."))
    return _Layout(columns, blank, "Full name" in seen, [{} for _ in columns]), problems


def parse_row(number: int, cells: list[Any], layout: _Layout, sites: Sites,
              today: date) -> tuple[RowData, list[Problem]]:
    """One data row: its given values and the problems of the row on its own."""
    row = RowData(number)
    problems: list[Problem] = []
    columns, parsed, width = layout.columns, layout.parsed, len(layout.columns)
    for position, raw in enumerate(cells):
        if raw is None or raw == "":
            continue
        if type(raw) is str and position < width:  # a text parsed before: its value
            known = columns[position]
            kept = parsed[position]
            value = kept.get(raw, kept)
            if known is not None and value is not kept:
                _put(row, known, list(value) if type(value) is list else value)
                continue
        if isinstance(raw, str) and not raw.strip():
            continue
        column = layout.column(position)
        if column is None:
            if layout.unheaded(position):
                problems.append(Problem(number, f"column {column_letter(position + 1)}",
                                        "This cell has a value but its column has no heading."))
            continue
        if isinstance(raw, LongCell):  # reported, never parsed
            problems.append(Problem(number, column.heading, raw.message))
            continue
        try:
            value = layout.value(position, column, raw, sites)
        except BadValue as exc:
            problems.append(Problem(number, column.heading, str(exc)))
            continue
        _put(row, column, value)
    if layout.has_full_name and not row.person.get("full_name") and not any(
            p.column == "Full name" for p in problems):
        problems.append(Problem(number, "Full name", "Every row needs the person's full name."))
    problems.extend(_person_rules(row, today))
    for check_type, values in row.checks.items():
        problems.extend(_check_rules(number, check_type, values, today))
    return row, problems


def _put(row: RowData, column: Column, value: Any) -> None:
    if column.field == "sites":
        row.sites = value
    elif column.check_type:
        row.checks.setdefault(column.check_type, {})[column.field] = value
    else:
        row.person[column.field] = value


def _person_rules(row: RowData, today: date) -> Iterator[Problem]:
    dob = row.person.get("date_of_birth")
    if dob and dob >= today:
        yield Problem(row.number, "Date of birth", "The date of birth must be in the past.")
    start, leaving = row.person.get("start_date"), row.person.get("leaving_date")
    if start and leaving and leaving < start:
        yield Problem(row.number, "Leaving date", "The leaving date is before the start date.")


def _check_rules(number: int, check_type: str, values: dict[str, Any],
                 today: date) -> Iterator[Problem]:
    """The rules of one check's cells; a blank status with a date done means done."""
    prefix = CHECK_PREFIXES[check_type]
    status = values.get("status")
    if status == Check.Status.DONE and "done_on" not in values:
        yield Problem(number, f"{prefix} date", "The check is marked done but has no date: "
                      "give the date it was done.")
    elif status == Check.Status.PENDING and "done_on" in values:
        yield Problem(number, f"{prefix} status", "The check is marked pending but has a "
                      "date done: mark it done or remove the date.")
    elif status is None and "done_on" in values:
        values["status"] = Check.Status.DONE
    for name, value in values.items():
        if isinstance(value, date) and value > today and name not in FUTURE_DATES:
            yield Problem(number, heading_of(name, check_type),
                          "This date is in the future; it records something already done.")
    if "update_service_checked_on" in values and values.get("on_update_service") is not True:
        yield Problem(number, "DBS update service checked", "A status check is recorded only "
                      "for someone on the Update Service: put yes in “DBS update service”.")


def rows_of(source: Source, problems: ProblemList,
          sites: Sites) -> Iterator[tuple[RowData, bool]]:
    """Every data row that is not blank, parsed, and whether its cells had problems (which
    are added to ``problems``)."""
    rows = iter(source.rows())
    headings = next(rows, None)
    if headings is None or not any(cell_text(c) for c in headings):
        raise ImportFileError("The file has no headings in its first row. Start from the "
                              "template.")
    layout, heading_problems = _layout(headings)
    today = timezone.localdate()
    problems.extend(heading_problems)
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(cell_text(c) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS} rows. Split it.")
        row, row_problems = parse_row(number, cells, layout, sites, today)
        problems.extend(row_problems)
        yield row, bool(row_problems)
