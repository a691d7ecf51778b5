"""The school calendar: default rules, overrides, which term a date is in, term names."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.tenancy.calendar import (
    TermCalendar,
    TermSource,
    academic_year_label,
    academic_year_of,
    default_term_dates,
    easter_sunday,
    parse_term_name,
    resolve_term_name,
    term_end,
    term_for_date,
    terms_for,
)
from schoolkeep.tenancy.models import Term, TermHoliday

# --- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (1961, date(1961, 4, 2)),
        (2000, date(2000, 4, 23)),
        (2008, date(2008, 3, 23)),  # early
        (2011, date(2011, 4, 24)),  # late
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),  # latest possible
        (2285, date(2285, 3, 22)),  # earliest possible
    ],
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter
    assert easter_sunday(year).weekday() == 6


def test_default_dates_2023_24_with_early_easter():
    # Easter Sunday 31 March 2024, Good Friday 29 March.
    assert default_term_dates(2023) == {
        "autumn": (date(2023, 9, 6), date(2023, 12, 15)),
        "spring": (date(2024, 1, 8), date(2024, 3, 22)),  # 1 January 2024 was a Monday
        "summer": (date(2024, 4, 8), date(2024, 7, 19)),
    }


def test_default_dates_2024_25_with_late_easter():
    # Easter Sunday 20 April 2025, Good Friday 18 April: spring runs three weeks longer.
    assert default_term_dates(2024) == {
        "autumn": (date(2024, 9, 4), date(2024, 12, 20)),
        "spring": (date(2025, 1, 6), date(2025, 4, 11)),
        "summer": (date(2025, 4, 28), date(2025, 7, 18)),
    }


def test_default_dates_2026_27():
    # Easter Sunday 28 March 2027.
    assert default_term_dates(2026) == {
        "autumn": (date(2026, 9, 2), date(2026, 12, 18)),
        "spring": (date(2027, 1, 4), date(2027, 3, 19)),
        "summer": (date(2027, 4, 5), date(2027, 7, 16)),
    }


def test_default_autumn_end_on_21_december_when_it_is_a_friday():
    # 21 December 2029 is a Friday: "on or before" includes it.
    assert default_term_dates(2029)["autumn"][1] == date(2029, 12, 21)


def test_default_summer_end_on_22_july_when_it_is_a_friday():
    # 22 July 2022 was a Friday.
    assert default_term_dates(2021)["summer"][1] == date(2022, 7, 22)


def test_default_autumn_starts_on_1_september_when_it_is_a_wednesday():
    assert default_term_dates(2027)["autumn"][0] == date(2027, 9, 1)


def test_academic_year_of():
    assert academic_year_of(date(2026, 9, 1)) == 2026
    assert academic_year_of(date(2027, 3, 1)) == 2026
    assert academic_year_of(date(2027, 7, 16)) == 2026  # last day of the default summer term
    assert academic_year_of(date(2027, 7, 17)) == 2027  # the summer holiday leads to autumn
    assert academic_year_label(2026) == "2026/27"
    assert academic_year_label(1999) == "1999/00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spring 2022", ("spring", 2021)),
        ("summer 2022", ("summer", 2021)),
        ("Autumn 2022", ("autumn", 2022)),
        ("  AUTUMN   term 2022 ", ("autumn", 2022)),
    ],
)
def test_parse_term_name(text, expected):
    assert parse_term_name(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Spring", "Winter 2022", "Spring 22", "2022 Spring", "Spring 2022/23", "Spring 9999"],
)
def test_parse_term_name_refuses_with_a_plain_message(text):
    with pytest.raises(ValueError, match=r"(is not a term|outside the years)"):
        parse_term_name(text)


# --- stored dates ----------------------------------------------------------------------------


def _store(owner: dict, year: int, dates: dict[str, tuple[date, date]]) -> list[Term]:
    return [
        Term.objects.create(academic_year=year, name=name, starts_on=s, ends_on=e, **owner)
        for name, (s, e) in dates.items()
    ]


def _shifted(year: int, days: int) -> dict[str, tuple[date, date]]:
    from datetime import timedelta

    delta = timedelta(days=days)
    return {n: (s + delta, e + delta) for n, (s, e) in default_term_dates(year).items()}


@pytest.mark.django_db
def test_default_rows_are_saved_once_and_marked_estimated(django_assert_num_queries):
    school = SchoolFactory()
    assert not Term.objects.exists()
    with django_assert_num_queries(3):  # read, insert the defaults, read them back
        terms = terms_for(school, 2026)
    assert [(t.name, t.starts_on, t.ends_on) for t in terms] == [
        (name, s, e) for name, (s, e) in default_term_dates(2026).items()
    ]
    assert all(t.estimated and t.school_id is None and t.organisation_id is None for t in terms)
    assert Term.objects.count() == 3
    with django_assert_num_queries(1):
        again = terms_for(SchoolFactory.build(pk=school.pk), 2026)
    assert [t.pk for t in again] == [t.pk for t in terms]
    terms_for(None, 2026)
    assert Term.objects.count() == 3


@pytest.mark.django_db
def test_saving_defaults_twice_is_harmless():
    from schoolkeep.tenancy.calendar import ensure_default_terms

    ensure_default_terms([2030, 2031])
    ensure_default_terms([2030, 2031])
    assert Term.objects.filter(estimated=True).count() == 6


@pytest.mark.django_db
def test_school_dates_override_trust_dates_override_default():
    trust = OrganisationFactory()
    school = SchoolFactory(organisation=trust)
    sibling = SchoolFactory(organisation=trust)
    lone = SchoolFactory()
    trust_dates = _shifted(2026, 1)
    school_dates = _shifted(2026, 2)
    _store({"organisation": trust}, 2026, trust_dates)
    _store({"school": school}, 2026, school_dates)

    def starts(s):
        return [t.starts_on for t in terms_for(s, 2026)]

    assert starts(school) == [s for s, _ in school_dates.values()]
    assert starts(sibling) == [s for s, _ in trust_dates.values()]
    assert starts(lone) == [s for s, _ in default_term_dates(2026).values()]
    calendar = TermCalendar(school)
    assert calendar.source(2026) is TermSource.SCHOOL
    assert TermCalendar(sibling).source(2026) is TermSource.ORGANISATION
    assert TermCalendar(lone).source(2026) is TermSource.DEFAULT
    # The default rows exist for SQL joins even where a school has its own dates.
    assert Term.objects.filter(academic_year=2026, estimated=True).count() == 3


@pytest.mark.django_db
def test_school_dates_replace_the_trust_for_that_year_only():
    trust = OrganisationFactory()
    school = SchoolFactory(organisation=trust)
    _store({"organisation": trust}, 2026, _shifted(2026, 1))
    _store({"organisation": trust}, 2027, _shifted(2027, 1))
    _store({"school": school}, 2026, _shifted(2026, 2))
    calendar = TermCalendar(school)
    assert calendar.source(2026) is TermSource.SCHOOL
    assert calendar.source(2027) is TermSource.ORGANISATION
    assert calendar.source(2028) is TermSource.DEFAULT


@pytest.mark.django_db
def test_term_for_date_inside_holiday_between_and_half_term():
    school = SchoolFactory()
    terms = {t.name: t for t in terms_for(school, 2026)}
    autumn, spring, summer = terms["autumn"], terms["spring"], terms["summer"]
    TermHoliday.objects.create(
        term=autumn, starts_on=date(2026, 10, 26), ends_on=date(2026, 10, 30)
    )
    assert term_for_date(school, date(2026, 9, 2)) == autumn  # first day
    assert term_for_date(school, date(2026, 10, 28)) == autumn  # half-term: same term
    assert term_for_date(school, date(2026, 12, 18)) == autumn  # last day
    assert term_for_date(school, date(2026, 12, 19)) == spring  # Christmas holiday: following
    assert term_for_date(school, date(2027, 1, 1)) == spring
    assert term_for_date(school, date(2027, 3, 28)) == summer  # Easter Sunday 2027
    assert term_for_date(school, date(2027, 7, 16)) == summer
    summer_holiday = term_for_date(school, date(2027, 8, 10))
    assert (summer_holiday.name, summer_holiday.academic_year) == ("autumn", 2027)
    assert str(summer_holiday) == "Autumn 2027"
    august_before = term_for_date(school, date(2026, 8, 10))
    assert (august_before.name, august_before.academic_year) == ("autumn", 2026)


@pytest.mark.django_db
def test_term_for_date_uses_the_schools_own_dates():
    school = SchoolFactory()
    own = _store({"school": school}, 2026, _shifted(2026, 7))
    # A week after the default autumn term ends, the school's autumn term is still running.
    assert term_for_date(school, date(2026, 12, 24)) == own[0]
    assert term_for_date(SchoolFactory(), date(2026, 12, 24)).name == "spring"


@pytest.mark.django_db
def test_term_for_date_reads_two_years_in_one_query(django_assert_num_queries):
    school = SchoolFactory()
    terms_for(school, 2025)
    terms_for(school, 2026)
    with django_assert_num_queries(1):
        term_for_date(school, date(2026, 8, 1))
    calendar = TermCalendar(school)
    with django_assert_num_queries(1):
        for month in range(1, 13):
            calendar.term_for_date(date(2026, month, 15))


@pytest.mark.django_db
def test_resolve_term_name_gives_the_last_day():
    school = SchoolFactory()
    assert resolve_term_name(school, "Spring 2022") == date(2022, 4, 8)  # Good Friday 15 April
    assert resolve_term_name(school, "Summer 2022") == date(2022, 7, 22)
    assert resolve_term_name(school, "Autumn 2022") == date(2022, 12, 16)
    _store({"school": school}, 2021, _shifted(2021, 3))
    assert resolve_term_name(school, "Spring 2022") == date(2022, 4, 11)
    term = TermCalendar(school).term_named("Spring 2022")
    assert term_end(term) == term.ends_on == date(2022, 4, 11)


@pytest.mark.django_db
def test_resolve_term_name_refuses_a_bad_name():
    with pytest.raises(ValueError, match='"Lent 2022" is not a term'):
        resolve_term_name(SchoolFactory(), "Lent 2022")


@pytest.mark.django_db
def test_defaults_saved_by_a_concurrent_request_are_used_not_duplicated(monkeypatch):
    """Another request saves the defaults between our read and our insert: our insert is a
    no-op under the unique constraint and we read back their rows."""
    school = SchoolFactory()
    real_fetch = TermCalendar._fetch

    def fetch_then_race(self, years):
        seen = real_fetch(self, years)
        for name, (s, e) in default_term_dates(2026).items():
            Term.objects.create(
                academic_year=2026, name=name, starts_on=s, ends_on=e, estimated=True
            )
        return seen

    monkeypatch.setattr(TermCalendar, "_fetch", fetch_then_race)
    terms = TermCalendar(school).terms(2026)
    assert Term.objects.count() == 3
    assert sorted(t.pk for t in terms) == sorted(Term.objects.values_list("pk", flat=True))
