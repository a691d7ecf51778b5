"""ClockCalendar against the database: the school's own term dates with half-terms, INSET
days and closures, the trust's, the default pattern (estimated, never saved by reading), and
the school's extra bank holidays; and the terms-changed hook, which works an FOI deadline out
again when the school's dates are entered."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.inforequests.clocks.calendar import ClockCalendar
from schoolkeep.inforequests.models import ExtraBankHoliday, Kind, Request
from schoolkeep.inforequests.tests.test_clocks_support import TERMS, school_day, stored_request
from schoolkeep.tenancy.models import Term
from schoolkeep.tenancy.services_terms import terms_set_for_year

pytestmark = pytest.mark.django_db

ACADEMIC_2026 = {  # the school's own dates for 2026/27, as in the typed table
    "autumn": (date(2026, 9, 1), date(2026, 12, 18)),
    "spring": (date(2027, 1, 4), date(2027, 3, 25)),
    "summer": (date(2027, 4, 12), date(2027, 7, 21)),
}
DAYS_OFF_2026 = [
    ("autumn", date(2026, 9, 1), date(2026, 9, 1), "inset"),
    ("autumn", date(2026, 10, 26), date(2026, 10, 30), "holiday"),
    ("spring", date(2027, 1, 4), date(2027, 1, 4), "inset"),
    ("spring", date(2027, 2, 15), date(2027, 2, 19), "holiday"),
    ("summer", date(2027, 5, 6), date(2027, 5, 6), "closure"),
    ("summer", date(2027, 6, 1), date(2027, 6, 4), "holiday"),
]


def enter_terms(**owner: object) -> None:
    terms_set_for_year(academic_year=2026, terms=ACADEMIC_2026, holidays=DAYS_OFF_2026,
                       actor=None, **owner)


def test_school_days_follow_the_entered_terms_and_every_kind_of_day_off() -> None:
    school = SchoolFactory()
    enter_terms(school=school)
    calendar = ClockCalendar(school)
    day = date(2026, 9, 1)
    while day <= date(2027, 7, 21):
        assert calendar.school_day(day) == school_day(day), day
        assert calendar.estimated(day) is False
        day = date.fromordinal(day.toordinal() + 1)
    assert not calendar.school_day(date(2026, 9, 1))  # INSET
    assert not calendar.school_day(date(2027, 5, 6))  # closure
    assert not calendar.school_day(date(2026, 10, 27))  # half-term
    assert calendar.school_day(date(2026, 9, 2))


def test_the_trust_s_dates_count_until_the_school_enters_its_own() -> None:
    trust = OrganisationFactory()
    school = SchoolFactory(organisation=trust)
    enter_terms(organisation=trust)
    assert ClockCalendar(school).school_day(date(2026, 10, 27)) is False
    assert ClockCalendar(school).estimated(date(2026, 10, 27)) is False
    own = {**ACADEMIC_2026, "autumn": (date(2026, 9, 1), date(2026, 12, 18))}
    terms_set_for_year(school=school, academic_year=2026, terms=own, holidays=[], actor=None)
    assert ClockCalendar(school).school_day(date(2026, 10, 27)) is True


def test_reading_the_default_pattern_saves_nothing_and_says_it_is_estimated() -> None:
    school = SchoolFactory()
    before = Term.objects.count()
    calendar = ClockCalendar(school)
    assert calendar.school_day(date(2031, 10, 7)) is True  # a Tuesday of the default autumn
    assert calendar.estimated(date(2031, 10, 7)) is True
    assert calendar.estimated(date(2031, 8, 10)) is True  # the holiday before it
    assert calendar.school_day(date(2031, 8, 12)) is False
    assert Term.objects.count() == before


def test_the_calendar_reads_a_year_in_few_queries(django_assert_max_num_queries) -> None:
    school = SchoolFactory()
    enter_terms(school=school)
    calendar = ClockCalendar(school)
    with django_assert_max_num_queries(3):  # extra days, terms, their days off
        for day in (date(2026, 9, 2), date(2026, 11, 3), date(2026, 12, 31)):
            calendar.school_day(day)
            calendar.working_day_uk(day)


def test_extra_bank_holidays_count_where_they_are() -> None:
    school = SchoolFactory()
    ExtraBankHoliday.objects.create(school=school, day=date(2026, 10, 14), name="England day")
    ExtraBankHoliday.objects.create(school=school, day=date(2026, 10, 15), name="Elsewhere",
                                    nations=ExtraBankHoliday.Nations.ELSEWHERE)
    calendar = ClockCalendar(school)
    assert not calendar.working_day_england(date(2026, 10, 14))
    assert not calendar.working_day_uk(date(2026, 10, 14))
    assert calendar.working_day_england(date(2026, 10, 15))
    assert not calendar.working_day_uk(date(2026, 10, 15))
    assert calendar.bank_holiday_name(date(2026, 10, 14)) == "England day"
    other = ClockCalendar(SchoolFactory())
    assert other.working_day_england(date(2026, 10, 14))


def test_entering_term_dates_works_an_estimated_foi_deadline_out_again() -> None:
    school = SchoolFactory()
    foi = stored_request(school, kind=Kind.FOI, received_on=date(2026, 10, 19))
    record = stored_request(school, kind=Kind.EDUCATIONAL_RECORD,
                            received_on=date(2026, 10, 19))
    rights = stored_request(school, received_on=date(2026, 10, 19))
    assert foi.due_estimated and record.due_estimated and not rights.due_estimated
    estimated_due = foi.due_on  # the default pattern knows no half-term
    enter_terms(school=school)
    foi.refresh_from_db()
    record.refresh_from_db()
    assert not foi.due_estimated and not record.due_estimated
    # Half-term 26 to 30 October does not count: the deadline moves a week on.
    assert foi.due_on == date(2026, 11, 23) and foi.due_on > estimated_due
    assert record.due_on == date(2026, 11, 16)
    assert Request.objects.get(pk=rights.pk).due_on == date(2026, 11, 19)


def test_the_typed_school_year_is_consistent() -> None:
    for first, last, off in TERMS:
        assert first <= last
        assert all(first <= a <= b <= last for a, b in off)
