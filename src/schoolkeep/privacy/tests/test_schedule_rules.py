"""Retention rules over their events: leap years, a date of birth plus 25 years, the end of a
financial year, month ends, and the latest event date whose period has ended."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from schoolkeep.privacy.schedule.rules import (
    add_months,
    describe_period,
    financial_year_end,
    latest_event_on,
    retention_ends_on,
)


def rule(event: str, years: int = 0, months: int = 0, days: int = 0) -> SimpleNamespace:
    return SimpleNamespace(event=event, years=years, months=months, days=days)


def test_29_february_plus_one_year_is_28_february() -> None:
    assert retention_ends_on(rule("creation", years=1), date(2024, 2, 29)) == date(2025, 2, 28)


def test_29_february_plus_four_years_stays_29_february() -> None:
    assert retention_ends_on(rule("creation", years=4), date(2024, 2, 29)) == date(2028, 2, 29)


def test_date_of_birth_plus_25_years() -> None:
    pupil = rule("date_of_birth", years=25)
    assert retention_ends_on(pupil, date(2012, 9, 3)) == date(2037, 9, 3)
    assert retention_ends_on(pupil, date(2008, 2, 29)) == date(2033, 2, 28)


def test_month_end_is_clamped() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert retention_ends_on(rule("decision", months=6), date(2025, 8, 31)) == date(2026, 2, 28)


def test_days_are_added_after_years_and_months() -> None:
    assert retention_ends_on(rule("creation", days=30), date(2026, 12, 7)) == date(2027, 1, 6)


@pytest.mark.parametrize(("kind", "event_on", "expected"), [
    # A maintained school's year runs April to March.
    ("maintained", date(2020, 3, 31), date(2026, 3, 31)),
    ("maintained", date(2020, 4, 1), date(2027, 3, 31)),
    ("maintained", date(2020, 12, 25), date(2027, 3, 31)),
    # An academy's runs September to August.
    ("academy", date(2020, 8, 31), date(2026, 8, 31)),
    ("academy", date(2020, 9, 1), date(2027, 8, 31)),
    ("independent", date(2021, 1, 15), date(2027, 8, 31)),
])
def test_finance_runs_from_the_end_of_the_financial_year(kind: str, event_on: date,
                                                          expected: date) -> None:
    school = SimpleNamespace(kind=kind)
    finance = rule("financial_year_end", years=6)
    assert retention_ends_on(finance, event_on, school=school) == expected


def test_financial_year_without_a_school_is_april_to_march() -> None:
    assert financial_year_end(date(2026, 12, 7)) == date(2027, 3, 31)
    assert financial_year_end(date(2026, 2, 1)) == date(2026, 3, 31)


@pytest.mark.parametrize("period", [
    rule("creation", years=1), rule("date_of_birth", years=25), rule("decision", months=6),
    rule("creation", days=30), rule("leaving", years=6, months=1, days=3),
])
@pytest.mark.parametrize("today", [date(2026, 12, 7), date(2028, 2, 29), date(2027, 2, 28),
                                   date(2026, 3, 31)])
def test_latest_event_on_is_the_last_day_whose_period_has_ended(period, today) -> None:
    latest = latest_event_on(period, today)
    assert retention_ends_on(period, latest) < today
    assert retention_ends_on(period, latest + timedelta(days=1)) >= today


@pytest.mark.parametrize("kind", ["maintained", "academy"])
def test_latest_event_on_for_finance(kind: str) -> None:
    school = SimpleNamespace(kind=kind)
    finance = rule("financial_year_end", years=6)
    for today in (date(2026, 12, 7), date(2026, 3, 31), date(2026, 8, 31), date(2026, 4, 1)):
        latest = latest_event_on(finance, today, school=school)
        assert retention_ends_on(finance, latest, school=school) < today
        assert retention_ends_on(finance, latest + timedelta(days=1), school=school) >= today


def test_period_in_plain_words() -> None:
    assert describe_period(rule("leaving", years=6)) == "6 years after leaving"
    assert describe_period(rule("creation", days=30)) == "30 days after the record is made"
    assert describe_period(rule("decision", years=1, months=6)) == (
        "1 year and 6 months after the decision")


def test_the_anniversary_day_is_still_within_the_period() -> None:
    """A period ends at the end of its anniversary day: a leaver of 7 December 2020 kept 6
    years is due on 8 December 2026, not on the 7th."""
    leavers = rule("leaving", years=6)
    assert retention_ends_on(leavers, date(2020, 12, 7)) == date(2026, 12, 7)
    assert latest_event_on(leavers, date(2026, 12, 7)) == date(2020, 12, 6)
    assert latest_event_on(leavers, date(2026, 12, 8)) == date(2020, 12, 7)
