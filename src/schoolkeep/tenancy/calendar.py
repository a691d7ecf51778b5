"""The school calendar: the one helper later modules use to reason about terms.

Terms are named by the calendar year they fall in: Autumn 2026, Spring 2027 and Summer 2027 make
up the academic year 2026 (2026/27). For an academic year, a school's own dates replace its
organisation's (trust or local authority) for the whole year, which replace the default pattern.
The default is saved as rows marked ``estimated`` the first time a year is needed, so that SQL can
join due dates to terms.

A date in the holiday between two terms belongs to the term that follows; a half-term holiday lies
inside its term and belongs to it.

Use the module functions for a single answer, or a ``TermCalendar`` when answering many questions
for one school: it loads each academic year once (one query per resolution, several years at a
time with ``preload``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Q

from schoolkeep.tenancy.models import School, Term

MIN_ACADEMIC_YEAR = 1900
MAX_ACADEMIC_YEAR = 2199

AUTUMN, SPRING, SUMMER = Term.Name.AUTUMN.value, Term.Name.SPRING.value, Term.Name.SUMMER.value
TERM_NAMES: tuple[str, ...] = (AUTUMN, SPRING, SUMMER)

MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4


class TermSource(StrEnum):
    """Where a school's dates for an academic year come from."""

    SCHOOL = "school"
    ORGANISATION = "organisation"
    DEFAULT = "default"


# --- the default pattern (pure, no database) -------------------------------------------------


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _last_weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def default_term_dates(academic_year: int) -> dict[str, tuple[date, date]]:
    """The default pattern for an academic year: {term name: (first day, last day)}.

    Autumn: the first Wednesday of September to the last Friday on or before 21 December.
    Spring: the first Monday after 1 January to the last Friday before Good Friday.
    Summer: the second Monday after Easter Sunday to the last Friday on or before 22 July.
    """
    _check_year(academic_year)
    year, next_year = academic_year, academic_year + 1
    easter = easter_sunday(next_year)
    good_friday = easter - timedelta(days=2)
    return {
        AUTUMN: (
            _first_weekday_on_or_after(date(year, 9, 1), WEDNESDAY),
            _last_weekday_on_or_before(date(year, 12, 21), FRIDAY),
        ),
        SPRING: (
            _first_weekday_on_or_after(date(next_year, 1, 2), MONDAY),
            good_friday - timedelta(days=7),
        ),
        SUMMER: (
            easter + timedelta(days=8),  # Easter Monday is the first Monday after Easter Sunday
            _last_weekday_on_or_before(date(next_year, 7, 22), FRIDAY),
        ),
    }


def academic_year_of(day: date) -> int:
    """The academic year a day belongs to under the default pattern (no query).

    The summer holiday belongs to the autumn term that follows, so the academic year starts on
    the day after the default summer term ends. A school's own dates can move that boundary by a
    few days: ``term_for_date(school, day).academic_year`` is the school's answer.
    """
    summer_end = _last_weekday_on_or_before(date(day.year, 7, 22), FRIDAY)
    return day.year if day > summer_end else day.year - 1


def calendar_year_of(name: str, academic_year: int) -> int:
    """The calendar year in a term's name: Autumn 2026, but Spring and Summer 2027."""
    return academic_year if name == AUTUMN else academic_year + 1


def term_label(name: str, academic_year: int) -> str:
    """The term's name as people write it: "Spring 2027" for (spring, 2026)."""
    return f"{Term.Name(name).label} {calendar_year_of(name, academic_year)}"


def academic_year_label(academic_year: int) -> str:
    """The academic year as people write it: "2026/27" for 2026."""
    return f"{academic_year}/{(academic_year + 1) % 100:02d}"


_TERM_NAME_RE = re.compile(r"^\s*(autumn|spring|summer)(?:\s+term)?\s+(\d{4})\s*$", re.IGNORECASE)


def parse_term_name(text: str) -> tuple[str, int]:
    """A term's name and academic year: "Spring 2022" -> ("spring", 2021).

    Raises ValueError with a plain message for anything else.
    """
    match = _TERM_NAME_RE.match(text or "")
    if match is None:
        raise ValueError(
            f'"{text}" is not a term. Write the term and its year, such as "Spring 2022".'
        )
    name = match.group(1).lower()
    calendar_year = int(match.group(2))
    academic_year = calendar_year if name == AUTUMN else calendar_year - 1
    _check_year(academic_year)
    return name, academic_year


def _check_year(academic_year: int) -> None:
    if not MIN_ACADEMIC_YEAR <= academic_year <= MAX_ACADEMIC_YEAR:
        raise ValueError(
            f"{academic_year} is outside the years Schoolkeep handles"
            f" ({MIN_ACADEMIC_YEAR} to {MAX_ACADEMIC_YEAR})."
        )


def pick_term(terms: Sequence[Term], day: date) -> Term:
    """The term a day is in, from terms sorted by start: the first one that has not ended.

    So a day inside a term (half-term included) is in that term, and a day in the holiday
    between two terms is in the term that follows.
    """
    for term in terms:
        if day <= term.ends_on:
            return term
    raise LookupError(f"No term on or after {day.isoformat()} is known.")


def source_of(term: Term) -> TermSource:
    """Where a stored term's dates come from."""
    if term.school_id is not None:
        return TermSource.SCHOOL
    if term.organisation_id is not None:
        return TermSource.ORGANISATION
    return TermSource.DEFAULT


# --- resolution against stored dates ---------------------------------------------------------


def ensure_default_terms(academic_years: Iterable[int]) -> None:
    """Save the estimated default rows of these academic years where they are missing.

    Safe under concurrency: the unique constraint on default rows makes a second writer's
    insert a no-op.
    """
    rows = []
    for year in sorted(set(academic_years)):
        for name, (starts_on, ends_on) in default_term_dates(year).items():
            rows.append(
                Term(
                    school=None,
                    organisation=None,
                    academic_year=year,
                    name=name,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    estimated=True,
                )
            )
    if rows:
        Term.objects.bulk_create(rows, ignore_conflicts=True)


class TermCalendar:
    """The terms one school sees (``school=None``: the default pattern alone).

    Each academic year is read once and kept for the life of the object.
    """

    def __init__(self, school: School | None) -> None:
        self.school = school
        self._years: dict[int, list[Term]] = {}

    def preload(self, academic_years: Iterable[int]) -> None:
        """Read the years not yet known in one query (plus two the first time a year is
        needed at all, to save its default rows)."""
        wanted = sorted({int(y) for y in academic_years} - set(self._years))
        if not wanted:
            return
        for year in wanted:
            _check_year(year)
        by_year = self._fetch(wanted)
        missing_defaults = [y for y in wanted if TermSource.DEFAULT not in by_year.get(y, {})]
        if missing_defaults:
            ensure_default_terms(missing_defaults)
            for term in Term.objects.filter(
                academic_year__in=missing_defaults, school__isnull=True, organisation__isnull=True
            ):
                by_year.setdefault(term.academic_year, {}).setdefault(
                    TermSource.DEFAULT, []
                ).append(term)
        for year in wanted:
            sources = by_year.get(year, {})
            for source in (TermSource.SCHOOL, TermSource.ORGANISATION, TermSource.DEFAULT):
                if sources.get(source):
                    self._years[year] = sorted(sources[source], key=lambda t: t.starts_on)
                    break

    def _fetch(self, years: list[int]) -> dict[int, dict[TermSource, list[Term]]]:
        owners = Q(school__isnull=True, organisation__isnull=True)
        if self.school is not None:
            owners |= Q(school=self.school)
            if self.school.organisation_id is not None:
                owners |= Q(organisation_id=self.school.organisation_id)
        result: dict[int, dict[TermSource, list[Term]]] = {}
        for term in Term.objects.filter(owners, academic_year__in=years):
            result.setdefault(term.academic_year, {}).setdefault(source_of(term), []).append(term)
        return result

    def terms(self, academic_year: int) -> list[Term]:
        """The three terms of an academic year, in order."""
        self.preload([academic_year])
        return list(self._years[academic_year])

    def source(self, academic_year: int) -> TermSource:
        """Where this school's dates for the year come from."""
        return source_of(self.terms(academic_year)[0])

    def term_for_date(self, day: date) -> Term:
        """The term a day is in; a holiday between two terms belongs to the one that follows."""
        # A day of calendar year X lies in academic year X-1 (spring, summer) or X (autumn,
        # or the holiday before spring): both are read in one query.
        self.preload([day.year - 1, day.year])
        terms = [*self._years[day.year - 1], *self._years[day.year]]
        return pick_term(sorted(terms, key=lambda t: t.starts_on), day)

    def term_named(self, name: str) -> Term:
        """The term called, for example, "Spring 2022". Raises ValueError for a bad name."""
        term_name, academic_year = parse_term_name(name)
        for term in self.terms(academic_year):
            if term.name == term_name:
                return term
        raise LookupError(f"{name} has no stored dates.")  # pragma: no cover - three per year

    def resolve_term_name(self, name: str) -> date:
        """The last day of the term called, for example, "Spring 2022"."""
        return term_end(self.term_named(name))


def terms_for(school: School | None, academic_year: int) -> list[Term]:
    """The school's three terms of an academic year: its own dates, else its organisation's,
    else the (saved, estimated) default."""
    return TermCalendar(school).terms(academic_year)


def term_for_date(school: School | None, day: date) -> Term:
    """Which term a day is in. A half-term is inside its term; a day in the holiday between
    two terms belongs to the term that follows."""
    return TermCalendar(school).term_for_date(day)


def term_end(term: Term) -> date:
    """When the term ends: its last day."""
    return term.ends_on


def resolve_term_name(school: School | None, name: str) -> date:
    """The last day of a term named like "Spring 2022" for this school.

    Raises ValueError with a plain message when the name is not a term.
    """
    return TermCalendar(school).resolve_term_name(name)
