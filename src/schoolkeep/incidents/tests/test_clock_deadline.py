"""The 72-hour ICO clock (clock.py) across the changes to and from British Summer Time.

The deadline is awareness plus 72 elapsed hours, whatever the clocks do in between: shown in
Europe/London it is 73 wall-clock hours later across the spring change (the clocks jump
forward an hour) and 71 across the autumn one (they go back). The change instants are
computed here on their own (01:00 UTC on the last Sunday of March and of October), not read
from the time zone database the clock uses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.incidents.clock import (
    ICO_HOURS,
    REMINDER_HOURS,
    TimeLeft,
    clock_runs,
    ico_deadline,
    in_london,
    reminder_due_at,
    risk_result,
    time_left,
)
from schoolkeep.incidents.models import Kind, RiskResult

LONDON = ZoneInfo("Europe/London")


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)  # March and October both have 31 days
    return day - timedelta(days=(day.weekday() - 6) % 7)


def change_instant(year: int, month: int) -> datetime:
    """British Summer Time starts and ends at 01:00 UTC on the last Sunday."""
    return datetime.combine(last_sunday(year, month), datetime.min.time(), tzinfo=UTC) + \
        timedelta(hours=1)


def wall_clock_hours(start: datetime, end: datetime) -> float:
    """Hours between the two instants as read off a clock on a wall in London."""
    naive_start = in_london(start).replace(tzinfo=None)
    naive_end = in_london(end).replace(tzinfo=None)
    return (naive_end - naive_start).total_seconds() / 3600


# Awareness within four days either side of a change, to the second.
MONTHS = st.sampled_from([3, 10])
YEARS = st.integers(min_value=2020, max_value=2040)
OFFSETS = st.integers(min_value=-4 * 24 * 3600, max_value=4 * 24 * 3600)


@settings(max_examples=400, deadline=None)
@given(year=YEARS, month=MONTHS, offset=OFFSETS)
def test_the_deadline_is_72_elapsed_hours_across_both_changes(year: int, month: int,
                                                               offset: int) -> None:
    change = change_instant(year, month)
    aware = change + timedelta(seconds=offset)
    deadline = ico_deadline(aware)
    assert deadline.utcoffset() == timedelta(0)
    assert deadline - aware == timedelta(hours=72)
    crosses = aware < change <= deadline
    expected = (73 if month == 3 else 71) if crosses else 72
    assert wall_clock_hours(aware, deadline) == expected


@settings(max_examples=200, deadline=None)
@given(year=YEARS, month=MONTHS, offset=OFFSETS)
def test_the_deadline_does_not_depend_on_the_offset_awareness_is_given_in(
        year: int, month: int, offset: int) -> None:
    aware = change_instant(year, month) + timedelta(seconds=offset)
    as_london = ico_deadline(in_london(aware))
    as_utc = ico_deadline(aware)
    as_new_york = ico_deadline(aware.astimezone(ZoneInfo("America/New_York")))
    as_fixed = ico_deadline(aware.astimezone(timezone(timedelta(hours=5, minutes=30))))
    assert as_london == as_utc == as_new_york == as_fixed


@settings(max_examples=200, deadline=None)
@given(year=YEARS, month=MONTHS, offset=OFFSETS)
def test_reminders_fall_24_48_and_66_elapsed_hours_after_awareness(
        year: int, month: int, offset: int) -> None:
    aware = in_london(change_instant(year, month) + timedelta(seconds=offset))
    moments = [reminder_due_at(aware, hours) for hours in REMINDER_HOURS]
    assert [(m - aware) for m in moments] == [timedelta(hours=h) for h in (24, 48, 66)]
    assert all(moment < ico_deadline(aware) for moment in moments)


def test_spring_forward_example_in_words() -> None:
    # Saturday 28 March 2026, 10:00 GMT; the clocks go forward at 01:00 on Sunday 29th.
    aware = datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)
    deadline = ico_deadline(aware)
    assert deadline == datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert in_london(deadline) == datetime(2026, 3, 31, 11, 0, tzinfo=LONDON)
    assert in_london(deadline).strftime("%H:%M %Z") == "11:00 BST"


def test_fall_back_example_in_words() -> None:
    # Saturday 24 October 2026, 10:00 BST; the clocks go back at 02:00 BST on Sunday 25th.
    aware = datetime(2026, 10, 24, 10, 0, tzinfo=LONDON)
    deadline = ico_deadline(aware)
    assert deadline == datetime(2026, 10, 27, 9, 0, tzinfo=UTC)
    assert in_london(deadline).strftime("%H:%M %Z") == "09:00 GMT"


def test_awareness_in_the_repeated_autumn_hour() -> None:
    # 01:30 happens twice on 25 October 2026: first in BST (fold 0), then in GMT (fold 1).
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    assert ico_deadline(second) - ico_deadline(first) == timedelta(hours=1)
    assert in_london(ico_deadline(first)).strftime("%d %H:%M") == "28 00:30"
    assert in_london(ico_deadline(second)).strftime("%d %H:%M") == "28 01:30"


def test_a_moment_without_its_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        ico_deadline(datetime(2026, 3, 28, 10, 0))


# --- time left --------------------------------------------------------------------------

AWARE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("elapsed", "words"), [
    (timedelta(0), "72 hours 0 minutes left"),
    (timedelta(hours=30, minutes=55), "41 hours 5 minutes left"),
    (timedelta(hours=70, minutes=59), "1 hour 1 minute left"),
    (timedelta(hours=71, minutes=59), "1 minute left"),
    (timedelta(hours=71, minutes=59, seconds=30), "0 minutes left"),
    (timedelta(hours=72), "0 minutes left"),
    (timedelta(hours=72, seconds=59), "overdue by 0 minutes"),
    (timedelta(hours=75, minutes=20), "overdue by 3 hours 20 minutes"),
    (timedelta(hours=73, minutes=2), "overdue by 1 hour 2 minutes"),
    (timedelta(days=10, hours=1), "overdue by 169 hours 0 minutes"),
])
def test_time_left_in_words(elapsed: timedelta, words: str) -> None:
    left = time_left(AWARE, AWARE + elapsed)
    assert left.words() == words
    assert left.overdue == (elapsed > timedelta(hours=72))
    assert left.deadline == AWARE + timedelta(hours=ICO_HOURS)


def test_time_left_shows_the_deadline_in_london() -> None:
    left = time_left(AWARE, AWARE)
    assert left.deadline_london == datetime(2026, 6, 4, 10, 0, tzinfo=LONDON)
    assert left.deadline_london.utcoffset() == timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(seconds=st.integers(min_value=-30 * 24 * 3600, max_value=30 * 24 * 3600))
def test_time_left_words_add_up_to_whole_minutes(seconds: int) -> None:
    words = TimeLeft(deadline=AWARE, seconds=seconds).words()
    overdue = seconds < 0
    assert words.startswith("overdue by ") == overdue
    assert words.endswith(" left") != overdue
    numbers = [int(part) for part in words.split() if part.isdigit()]
    minutes = numbers[-1] + (60 * numbers[0] if len(numbers) == 2 else 0)
    assert minutes == abs(seconds) // 60
    assert 0 <= numbers[-1] < 60


# --- risk and whether the clock runs --------------------------------------------------------

@pytest.mark.parametrize(("likelihood", "severity", "result"), [
    (1, 1, RiskResult.UNLIKELY),  # 1
    (1, 2, RiskResult.UNLIKELY),  # 2
    (2, 1, RiskResult.UNLIKELY),  # 2
    (1, 3, RiskResult.RISK),  # 3
    (3, 1, RiskResult.RISK),  # 3
    (2, 2, RiskResult.RISK),  # 4
    (2, 3, RiskResult.HIGH),  # 6
    (3, 2, RiskResult.HIGH),  # 6
    (3, 3, RiskResult.HIGH),  # 9
])
def test_risk_result_of_every_product(likelihood: int, severity: int, result: str) -> None:
    assert risk_result(likelihood, severity) == result


@pytest.mark.parametrize(("likelihood", "severity"), [(None, 2), (2, None), (None, None)])
def test_no_risk_result_until_both_are_given(likelihood: int | None,
                                             severity: int | None) -> None:
    assert risk_result(likelihood, severity) == ""


@pytest.mark.parametrize(("likelihood", "severity"), [(0, 2), (4, 1), (2, -1), (1, 4)])
def test_risk_out_of_range_is_refused(likelihood: int, severity: int) -> None:
    with pytest.raises(ValueError):
        risk_result(likelihood, severity)


@pytest.mark.parametrize(("kind", "decided", "runs"), [
    ("", False, True),  # waiting for triage: personal data may be involved
    (Kind.BREACH, False, True),
    (Kind.BREACH, True, False),  # the ICO decision is recorded
    (Kind.SECURITY, False, False),  # triage found no personal data
    (Kind.NEAR_MISS, False, False),
])
def test_the_clock_runs_until_no_personal_data_or_the_ico_decision(
        kind: str, decided: bool, runs: bool) -> None:
    assert clock_runs(kind=kind, ico_settled=decided) is runs
