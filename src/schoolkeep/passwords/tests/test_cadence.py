"""duties.cadence.next_due: every kind of cadence, termly across a holiday, estimated terms,
a 90-day cycle across the year end, never done (counting from the start)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import SchoolFactory

from schoolkeep.duties.cadence import DueDate, add_years, next_due
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.models import Term

pytestmark = pytest.mark.django_db


def _own_terms(school, academic_year, dates):
    for name, (starts_on, ends_on) in dates.items():
        Term.objects.create(school=school, academic_year=academic_year, name=name,
                            starts_on=starts_on, ends_on=ends_on, estimated=False)


@pytest.fixture
def school_with_dates():
    school = SchoolFactory()
    _own_terms(school, 2026, {
        "autumn": (date(2026, 9, 2), date(2026, 12, 18)),
        "spring": (date(2027, 1, 5), date(2027, 3, 26)),
        "summer": (date(2027, 4, 12), date(2027, 7, 21)),
    })
    _own_terms(school, 2027, {
        "autumn": (date(2027, 9, 1), date(2027, 12, 17)),
        "spring": (date(2028, 1, 4), date(2028, 3, 31)),
        "summer": (date(2028, 4, 18), date(2028, 7, 20)),
    })
    return school


def test_termly_change_in_a_term_makes_the_next_term_due(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    due = next_due("termly", None, last_done=date(2026, 10, 1), starts_on=date(2026, 9, 1),
                   calendar=calendar)
    assert due == DueDate(on=date(2027, 3, 26), estimated=False)


def test_termly_change_on_the_last_day_of_a_term_counts_for_that_term(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    due = next_due("termly", None, last_done=date(2026, 12, 18), starts_on=date(2026, 9, 1),
                   calendar=calendar)
    assert due == DueDate(on=date(2027, 3, 26))


def test_termly_change_in_the_christmas_holiday_counts_for_spring(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    # 28 December lies in the holiday before spring: it covers spring, so summer is next.
    due = next_due("termly", None, last_done=date(2026, 12, 28), starts_on=date(2026, 9, 1),
                   calendar=calendar)
    assert due == DueDate(on=date(2027, 7, 21))


def test_termly_across_the_summer_holiday_into_the_next_year(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    in_summer_term = next_due("termly", None, last_done=date(2027, 5, 3),
                              starts_on=date(2026, 9, 1), calendar=calendar)
    in_summer_holiday = next_due("termly", None, last_done=date(2027, 8, 10),
                                 starts_on=date(2026, 9, 1), calendar=calendar)
    assert in_summer_term == DueDate(on=date(2027, 12, 17))
    assert in_summer_holiday == DueDate(on=date(2028, 3, 31))


def test_termly_never_done_is_due_at_the_end_of_the_starting_term(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    due = next_due("termly", None, last_done=None, starts_on=date(2027, 2, 1), calendar=calendar)
    assert due == DueDate(on=date(2027, 3, 26))


def test_termly_change_before_the_cycle_started_does_not_count(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    due = next_due("termly", None, last_done=date(2026, 6, 1), starts_on=date(2026, 10, 1),
                   calendar=calendar)
    assert due == DueDate(on=date(2026, 12, 18))


def test_termly_on_estimated_dates_is_marked_estimated():
    school = SchoolFactory()  # no dates of its own: the default pattern, estimated
    calendar = TermCalendar(school)
    due = next_due("termly", None, last_done=date(2026, 10, 1), starts_on=date(2026, 9, 1),
                   calendar=calendar)
    # Spring 2027 by the default pattern: Good Friday 26 March 2027, so the term ends 19 March.
    assert due == DueDate(on=date(2027, 3, 19), estimated=True)


def test_termly_only_the_estimated_year_is_marked(school_with_dates):
    calendar = TermCalendar(school_with_dates)
    # Summer 2028 is the school's own; autumn 2028 (academic year 2028) is estimated.
    due = next_due("termly", None, last_done=date(2028, 5, 1), starts_on=date(2026, 9, 1),
                   calendar=calendar)
    assert due is not None
    assert due.estimated is True
    assert due.on.year == 2028 and due.on.month == 12


def test_every_90_days_across_the_year_end():
    due = next_due("every_n_days", 90, last_done=date(2026, 11, 20), starts_on=date(2026, 1, 1),
                   calendar=None)
    assert due == DueDate(on=date(2027, 2, 18))


def test_every_90_days_never_done_counts_from_the_start():
    due = next_due("every_n_days", 90, last_done=None, starts_on=date(2026, 12, 1),
                   calendar=None)
    assert due == DueDate(on=date(2027, 3, 1))


def test_every_n_days_needs_days():
    with pytest.raises(ValueError, match="number of days"):
        next_due("every_n_days", None, last_done=None, starts_on=date(2026, 1, 1), calendar=None)


def test_yearly_and_29_february():
    assert next_due("yearly", None, last_done=date(2024, 2, 29), starts_on=date(2024, 1, 1),
                    calendar=None) == DueDate(on=date(2025, 2, 28))
    assert next_due("yearly", None, last_done=None, starts_on=date(2026, 5, 6),
                    calendar=None) == DueDate(on=date(2027, 5, 6))
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_events_only_has_no_due_date():
    assert next_due("events_only", None, last_done=None, starts_on=date(2026, 1, 1),
                    calendar=None) is None


def test_unknown_cadence_is_refused():
    with pytest.raises(ValueError, match="not a cadence"):
        next_due("hourly", None, last_done=None, starts_on=date(2026, 1, 1), calendar=None)
