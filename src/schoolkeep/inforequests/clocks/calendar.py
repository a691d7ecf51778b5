"""The days a request's clock counts: bank holidays, working days and school days.

- Bank holidays come from the maintained ``holidays`` package (never a list typed in here):
  England's (``UK``, subdivision ``ENG``) for the rights, and the union of England's,
  Scotland's, Wales's and Northern Ireland's for freedom of information, whose working days
  exclude a bank holiday "in any part of the United Kingdom". A school's ``ExtraBankHoliday``
  rows add a day proclaimed after the library was released: an England one counts for both,
  an "elsewhere" one for the UK only.
- School days come from the school's term dates (its own, else its trust's, else the default
  pattern, chosen per academic year as ``tenancy.calendar.TermCalendar`` chooses them), read
  without saving anything: a day inside a term, Monday to Friday, not inside one of the
  term's holidays of any kind (half-term, INSET, closure) and not an England bank holiday.
  A day decided by the default pattern (or by rows marked estimated) is ``estimated``.

A ``ClockCalendar`` reads lazily, one calendar year at a time (two queries for the terms and
their holidays, one for the school's extra days the first time), and keeps what it read; pass
``years`` to read several at once. ``ClockCalendar.fixed`` builds one from values, with no
database, for tests and for working out a clock by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays as holidays_lib

from schoolkeep.tenancy.calendar import default_term_dates, source_of

UK_NATIONS = ("ENG", "SCT", "WLS", "NIR")
SATURDAY = 5


@dataclass(frozen=True)
class TermSpan:
    """One term as the clocks see it: its first and last day, whether its dates are an
    estimate, and the days inside it with no sessions (half-term, INSET, closures)."""

    starts_on: date
    ends_on: date
    estimated: bool = False
    breaks: tuple[tuple[date, date], ...] = field(default=())

    def holds_session(self, day: date) -> bool:
        if not self.starts_on <= day <= self.ends_on:
            return False
        return not any(first <= day <= last for first, last in self.breaks)


@lru_cache(maxsize=512)
def library_year(subdivision: str, year: int) -> tuple[tuple[date, str], ...]:
    """One nation's bank holidays of one year from the library (kept: they never change
    while the process runs, and a new release comes with a restart)."""
    return tuple(sorted(holidays_lib.country_holidays("GB", subdiv=subdivision,
                                                      years=[year]).items()))


def _library_days(subdivisions: Sequence[str], years: Iterable[int]) -> dict[date, str]:
    found: dict[date, str] = {}
    for year in sorted(set(years)):
        for subdivision in subdivisions:
            for day, name in library_year(subdivision, year):
                found.setdefault(day, name)
    return found


def england_bank_holidays(years: Iterable[int]) -> dict[date, str]:
    """{day: name} of England's bank holidays in these years, from the library."""
    return _library_days(("ENG",), years)


def uk_bank_holidays(years: Iterable[int]) -> dict[date, str]:
    """{day: name} of the bank holidays of any UK nation in these years, from the library."""
    return _library_days(UK_NATIONS, years)


class ClockCalendar:
    """The calendar one school's clocks count on (``school=None``: no extra days and the
    default term pattern)."""

    def __init__(self, school: Any, *, years: Iterable[int] | None = None) -> None:
        self.school = school
        self._fixed = False
        self._england: dict[date, str] = {}
        self._uk: dict[date, str] = {}
        self._years: set[int] = set()
        self._terms: dict[int, list[TermSpan]] = {}  # academic year -> its terms, sorted
        self._extra_england: dict[date, str] | None = None
        self._extra_uk: dict[date, str] = {}
        self._fixed_terms: list[TermSpan] = []
        if years is not None:
            self.preload(years)

    @classmethod
    def fixed(cls, *, terms: Sequence[TermSpan] = (), extra_england: Iterable[date] = (),
              extra_uk: Iterable[date] = ()) -> ClockCalendar:
        """A calendar from values (no database): these terms (every other day is outside
        term) and these extra days; bank holidays still come from the library."""
        calendar = cls(None)
        calendar._fixed = True
        calendar._extra_england = {day: "Extra bank holiday" for day in extra_england}
        calendar._extra_uk = {day: "Extra bank holiday" for day in extra_uk}
        calendar._fixed_terms = sorted(terms, key=lambda t: t.starts_on)
        return calendar

    # --- reading ----------------------------------------------------------------------------

    def preload(self, years: Iterable[int]) -> None:
        """Read these calendar years (bank holidays, and the terms touching them)."""
        wanted = sorted({int(y) for y in years} - self._years)
        if not wanted:
            return
        self._england.update(england_bank_holidays(wanted))
        self._uk.update(uk_bank_holidays(wanted))
        if not self._fixed:
            self._load_extra()
            self._load_terms(sorted({y for year in wanted for y in (year - 1, year)}
                                    - set(self._terms)))
        self._years.update(wanted)

    def _ensure(self, day: date) -> None:
        if day.year not in self._years:
            self.preload([day.year])

    def _load_extra(self) -> None:
        if self._extra_england is not None:
            return
        self._extra_england = {}
        if self.school is None:
            return
        from schoolkeep.inforequests.models import ExtraBankHoliday

        for extra in ExtraBankHoliday.objects.filter(school=self.school):
            if extra.nations == ExtraBankHoliday.Nations.ENGLAND:
                self._extra_england[extra.day] = extra.name
            else:
                self._extra_uk[extra.day] = extra.name

    def _load_terms(self, academic_years: list[int]) -> None:
        """The terms of these academic years as ``TermCalendar`` chooses them (the school's,
        else its trust's, else the stored default, else the default pattern worked out here
        and never saved), with their holidays: two queries."""
        if not academic_years:
            return
        from django.db.models import Q

        from schoolkeep.tenancy.calendar import TermSource
        from schoolkeep.tenancy.models import Term

        owners = Q(school__isnull=True, organisation__isnull=True)
        if self.school is not None:
            owners |= Q(school=self.school)
            if self.school.organisation_id is not None:
                owners |= Q(organisation_id=self.school.organisation_id)
        found: dict[int, dict[TermSource, list[Term]]] = {}
        for term in Term.objects.filter(owners, academic_year__in=academic_years
                                        ).prefetch_related("holidays"):
            found.setdefault(term.academic_year, {}).setdefault(source_of(term), []).append(term)
        for year in academic_years:
            sources = found.get(year, {})
            chosen: list[TermSpan] | None = None
            for source in (TermSource.SCHOOL, TermSource.ORGANISATION, TermSource.DEFAULT):
                if sources.get(source):
                    chosen = [TermSpan(
                        starts_on=term.starts_on, ends_on=term.ends_on,
                        estimated=term.estimated or source == TermSource.DEFAULT,
                        breaks=tuple((h.starts_on, h.ends_on) for h in term.holidays.all()))
                        for term in sources[source]]
                    break
            if chosen is None:
                chosen = [TermSpan(starts_on=first, ends_on=last, estimated=True)
                          for first, last in default_term_dates(year).values()]
            self._terms[year] = sorted(chosen, key=lambda t: t.starts_on)

    def _terms_around(self, day: date) -> list[TermSpan]:
        if self._fixed:
            return self._fixed_terms
        self._ensure(day)
        return [*self._terms.get(day.year - 1, []), *self._terms.get(day.year, [])]

    # --- the questions the clocks ask -------------------------------------------------------

    def england_bank_holiday(self, day: date) -> bool:
        self._ensure(day)
        return day in self._england or day in (self._extra_england or {})

    def uk_bank_holiday(self, day: date) -> bool:
        self._ensure(day)
        return (day in self._uk or day in (self._extra_england or {})
                or day in self._extra_uk)

    def bank_holiday_name(self, day: date) -> str:
        """The name of the bank holiday on this day (England's first), or ""."""
        self._ensure(day)
        for names in (self._england, self._extra_england or {}, self._uk, self._extra_uk):
            if day in names:
                return names[day]
        return ""

    def working_day_england(self, day: date) -> bool:
        return day.weekday() < SATURDAY and not self.england_bank_holiday(day)

    def working_day_uk(self, day: date) -> bool:
        return day.weekday() < SATURDAY and not self.uk_bank_holiday(day)

    def school_day(self, day: date) -> bool:
        if day.weekday() >= SATURDAY or self.england_bank_holiday(day):
            return False
        return any(term.holds_session(day) for term in self._terms_around(day))

    def estimated(self, day: date) -> bool:
        """Whether the term dates that decide this day are estimated: the term it is in, or,
        in a holiday between terms, the term before it or the one after."""
        terms = sorted(self._terms_around(day), key=lambda t: t.starts_on)
        before = None
        for term in terms:
            if term.starts_on <= day <= term.ends_on:
                return term.estimated
            if term.ends_on < day:
                before = term
            else:
                return term.estimated or (before is not None and before.estimated)
        # After every known term: as the last one; none known at all: an estimate (unless
        # the calendar was given by hand).
        return before.estimated if before is not None else not self._fixed

    # --- counting ---------------------------------------------------------------------------

    def next_working_day_england(self, day: date) -> date:
        """This day if it is a working day in England, else the next one."""
        while not self.working_day_england(day):
            day += timedelta(days=1)
        return day
