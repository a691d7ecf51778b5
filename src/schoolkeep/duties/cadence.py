"""When a recurring task is next due: every so many days, once a term, once a year, or only
when something happens.

One helper for every module that repeats a task (password changes today; continuity tests,
training and compliance checks later): give it the cadence, the day it was last done (or None)
and the day the cycle started counting from, and it answers the next due date and whether that
date rests on estimated term dates.

- Every N days: N days after the last time (or after the start, if never done).
- Once a year: a year after the last time (29 February falls on 28 February in other years).
- Once a term: once within each term, due on the term's last day. A task done in a term covers
  that term, so the next one is due at the end of the following term. A day in the holiday
  between two terms belongs to the term that follows (``TermCalendar.term_for_date``), so a
  task done in the holidays counts for the next term. A term whose dates are the estimated
  default pattern makes the due date ``estimated``.
- Only on events: no due date (None); the events themselves say when.

Pass one ``TermCalendar`` per school when answering many questions: it reads each academic
year once. For many schools at once, ``calendars_for`` reads every school's terms of the years
asked in one query (plus two the first time a year's default rows are needed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from schoolkeep.tenancy.calendar import TermCalendar, TermSource, ensure_default_terms, source_of
from schoolkeep.tenancy.models import School, Term

EVERY_N_DAYS = "every_n_days"
TERMLY = "termly"
YEARLY = "yearly"
EVENTS_ONLY = "events_only"
CADENCES = (EVERY_N_DAYS, TERMLY, YEARLY, EVENTS_ONLY)


@dataclass(frozen=True)
class DueDate:
    """A due date; ``estimated`` when it is the last day of a term whose dates are estimated."""

    on: date
    estimated: bool = False


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def next_due(
    cadence: str,
    every_days: int | None,
    *,
    last_done: date | None,
    starts_on: date,
    calendar: TermCalendar | None,
) -> DueDate | None:
    """The next due date of a task with this cadence (see the module's docstring).

    A task done before the cycle's start does not count: the cycle counts from ``starts_on``.
    ``calendar`` is needed for termly cadences only.
    """
    cadence = str(cadence)
    if cadence == EVENTS_ONLY:
        return None
    counted = last_done if last_done is not None and last_done >= starts_on else None
    if cadence == EVERY_N_DAYS:
        if not every_days or every_days < 1:
            raise ValueError("A cycle of every so many days needs a number of days of 1 or more.")
        return DueDate(on=(counted or starts_on) + timedelta(days=every_days))
    if cadence == YEARLY:
        return DueDate(on=add_years(counted or starts_on, 1))
    if cadence == TERMLY:
        if calendar is None:
            raise ValueError("A termly cadence needs the school's calendar.")
        if counted is None:
            term = calendar.term_for_date(starts_on)
        else:
            done_in = calendar.term_for_date(counted)
            term = calendar.term_for_date(done_in.ends_on + timedelta(days=1))
        return DueDate(on=term.ends_on, estimated=bool(term.estimated))
    raise ValueError(f"{cadence!r} is not a cadence.")


def years_around(days: Iterable[date]) -> set[int]:
    """The academic years ``next_due`` may look at for these days (termly cadences): each
    day's calendar year, the one before and the one after."""
    years: set[int] = set()
    for day in days:
        years.update((day.year - 1, day.year, day.year + 1))
    return years


def calendars_for(schools: Iterable[School], academic_years: Iterable[int]
                  ) -> dict[int, TermCalendar]:
    """{school id: TermCalendar} with the given academic years already read, for all the
    schools in one query: each school's own dates, else its organisation's, else the estimated
    default (as ``TermCalendar.preload`` chooses for one school). A year not given is still
    read when asked for, one query per school."""
    chosen = {school.pk: school for school in schools}
    calendars = {pk: TermCalendar(school) for pk, school in chosen.items()}
    years = sorted(set(academic_years))
    if not chosen or not years:
        return calendars
    org_ids = {s.organisation_id for s in chosen.values() if s.organisation_id is not None}
    owners = (Q(school__isnull=True, organisation__isnull=True) | Q(school_id__in=list(chosen))
              | Q(organisation_id__in=list(org_ids)))
    found = list(Term.objects.filter(owners, academic_year__in=years))
    have_default = {t.academic_year for t in found if source_of(t) == TermSource.DEFAULT}
    missing = [y for y in years if y not in have_default]
    if missing:
        ensure_default_terms(missing)
        found += list(Term.objects.filter(academic_year__in=missing, school__isnull=True,
                                          organisation__isnull=True))
    by_owner: dict[tuple[str, int | None, int], list[Term]] = {}
    for term in found:
        key = (("school", term.school_id, term.academic_year) if term.school_id is not None
               else ("org", term.organisation_id, term.academic_year)
               if term.organisation_id is not None else ("default", None, term.academic_year))
        by_owner.setdefault(key, []).append(term)
    for pk, school in chosen.items():
        loaded = calendars[pk]._years  # filled as preload() would
        for year in years:
            terms = (by_owner.get(("school", pk, year))
                     or by_owner.get(("org", school.organisation_id, year))
                     or by_owner.get(("default", None, year)) or [])
            if terms:
                loaded[year] = sorted(terms, key=lambda t: t.starts_on)
    return calendars
