"""Which term each school is in today, and the one before it, for many schools at once.

An access review counts for the term of the day it was made (``tenancy.calendar``: a day in
the holiday between two terms belongs to the term that follows). The duties, the measure and
the list need, for every school, the current term and the previous one. ``TermCalendar``
answers that for one school at a time; ``review_terms`` answers it for any number of schools
in TWO queries (the schools' organisations, then every stored term of those schools and
organisations for the two academic years that can hold today), with the same rule of
precedence: for an academic year, a school's own dates, else its organisation's, else the
default pattern. The default is computed (``default_term_dates``), not read, so nothing is
written on a read; its terms are marked estimated, as the calendar marks them.

Today (calendar year X) always lies in a term of the academic year X-1 or X; the term before
it may be in X-2 only for odd dates a school typed, so the three years are read together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from schoolkeep.tenancy.calendar import default_term_dates, term_label
from schoolkeep.tenancy.models import School, Term


@dataclass(frozen=True)
class TermDates:
    """One term as a school sees it."""

    academic_year: int
    name: str
    starts_on: date
    ends_on: date
    estimated: bool

    @property
    def label(self) -> str:
        """"Autumn 2026"."""
        return term_label(self.name, self.academic_year)


@dataclass(frozen=True)
class ReviewTerms:
    """The term a school is in today (a holiday counts for the term that follows) and the
    term before it."""

    previous: TermDates
    current: TermDates


def _as_dates(term: Term) -> TermDates:
    return TermDates(term.academic_year, term.name, term.starts_on, term.ends_on,
                     term.estimated)


def _defaults(years: Iterable[int]) -> dict[int, list[TermDates]]:
    return {year: [TermDates(year, name, starts_on, ends_on, True)
                   for name, (starts_on, ends_on) in default_term_dates(year).items()]
            for year in years}


def review_terms(school_ids: Iterable[int], today: date) -> dict[int, ReviewTerms]:
    """{school id: its previous and current term on ``today``}: two queries."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    years = [today.year - 2, today.year - 1, today.year]
    organisation_of = dict(School.objects.filter(pk__in=ids).values_list("pk", "organisation_id"))
    organisations = {org for org in organisation_of.values() if org is not None}
    own: dict[int, dict[int, list[TermDates]]] = {}
    shared: dict[int, dict[int, list[TermDates]]] = {}
    for term in Term.objects.filter(Q(school_id__in=ids) | Q(organisation_id__in=organisations),
                                    academic_year__in=years).order_by():
        if term.school_id is not None:
            own.setdefault(term.school_id, {}).setdefault(term.academic_year, []).append(
                _as_dates(term))
        elif term.organisation_id is not None:
            shared.setdefault(term.organisation_id, {}).setdefault(
                term.academic_year, []).append(_as_dates(term))
    defaults = _defaults(years)
    result = {}
    for school_id in ids:
        terms: list[TermDates] = []
        for year in years:
            terms += (own.get(school_id, {}).get(year)
                      or shared.get(organisation_of.get(school_id) or 0, {}).get(year)
                      or defaults[year])
        result[school_id] = _pick(sorted(terms, key=lambda t: t.starts_on), today)
    return result


def _pick(terms: list[TermDates], today: date) -> ReviewTerms:
    """The first term that has not ended (as ``tenancy.calendar.pick_term``) and the one
    before it."""
    for index, term in enumerate(terms):
        if today <= term.ends_on:
            if index == 0:
                break
            return ReviewTerms(previous=terms[index - 1], current=term)
    raise LookupError(f"No term around {today.isoformat()} is known.")  # pragma: no cover
