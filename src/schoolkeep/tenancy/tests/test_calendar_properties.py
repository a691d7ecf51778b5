"""Properties of the calendar that must hold for every year and every date."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolkeep.tenancy.calendar import (
    TermCalendar,
    academic_year_of,
    default_term_dates,
    easter_sunday,
    term_for_date,
    terms_for,
)
from schoolkeep.tenancy.models import School, Term

YEARS = st.integers(min_value=1901, max_value=2198)


@given(YEARS)
def test_easter_is_a_sunday_between_22_march_and_25_april(year):
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


@given(YEARS)
def test_default_terms_follow_the_rules_in_order_without_overlap(year):
    dates = default_term_dates(year)
    (a_start, a_end), (sp_start, sp_end), (su_start, su_end) = (
        dates["autumn"],
        dates["spring"],
        dates["summer"],
    )
    easter = easter_sunday(year + 1)
    assert a_start.weekday() == 2 and a_start.month == 9 and a_start.day <= 7
    assert a_end.weekday() == 4 and date(year, 12, 15) <= a_end <= date(year, 12, 21)
    assert sp_start.weekday() == 0 and date(year + 1, 1, 2) <= sp_start <= date(year + 1, 1, 8)
    assert sp_end.weekday() == 4 and sp_end == easter - timedelta(days=9)
    assert su_start.weekday() == 0 and su_start == easter + timedelta(days=8)
    assert su_end.weekday() == 4 and date(year + 1, 7, 16) <= su_end <= date(year + 1, 7, 22)
    assert a_start < a_end < sp_start < sp_end < su_start < su_end
    # ... and the next academic year starts after this one ends.
    assert su_end < default_term_dates(year + 1)["autumn"][0]


def _dates_of(year: int) -> list[date]:
    return [
        date(year, 1, 1) + timedelta(days=n)
        for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
    ]


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(year=st.integers(min_value=1990, max_value=2100), shift=st.integers(-5, 5))
def test_every_date_of_a_year_is_in_exactly_one_term(year, shift):
    """For a school with its own (shifted) dates and for the default: terms do not overlap,
    and each date maps to one term, the one containing it or else the next to start."""
    school = School.objects.create(name=f"Property {year} {shift}", slug=f"p-{uuid.uuid4().hex}")
    delta = timedelta(days=shift)
    for academic_year in (year - 1, year):
        for name, (s, e) in default_term_dates(academic_year).items():
            Term.objects.create(
                school=school,
                academic_year=academic_year,
                name=name,
                starts_on=s + delta,
                ends_on=e + delta,
            )
    for owner in (school, None):
        calendar = TermCalendar(owner)
        terms = sorted(
            [t for y in (year - 1, year) for t in _terms(owner, y)], key=lambda t: t.starts_on
        )
        for earlier, later in pairwise(terms):
            assert earlier.ends_on < later.starts_on
        for day in _dates_of(year):
            found = calendar.term_for_date(day)
            if day.day == 1:
                assert term_for_date(owner, day) == found
            containing = [t for t in terms if t.starts_on <= day <= t.ends_on]
            assert len(containing) <= 1
            if containing:
                assert found == containing[0]
            else:  # a holiday between terms: the next term to start
                assert found == min(
                    (t for t in terms if t.starts_on > day), key=lambda t: t.starts_on
                )
            if owner is None:
                assert found.academic_year == academic_year_of(day)


def _terms(owner: School | None, academic_year: int) -> list[Term]:
    return terms_for(owner, academic_year)
