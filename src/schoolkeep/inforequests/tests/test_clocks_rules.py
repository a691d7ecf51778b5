"""Each clock's rule over every day of 2026 and 2027, against gov.uk's bank holidays and a
school's year typed into test_clocks_support (never read from the holidays library, which the
clocks use): month ends, February in a common year (2027) and a leap year (2028), weekends,
every bank holiday of England including the substitute days, Scotland's and Northern
Ireland's for freedom of information, and half-terms, INSET days and a closure for school
days. Then pauses, restarts and extensions, as properties. No database."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.inforequests.clocks.calendar import ClockCalendar, TermSpan
from schoolkeep.inforequests.clocks.deadline import work_out
from schoolkeep.inforequests.models import RIGHTS_KINDS, Kind
from schoolkeep.inforequests.tests.test_clocks_support import (
    ENGLAND_AND_WALES,
    NORTHERN_IRELAND,
    SCOTLAND,
    TERMS,
    england_working_day,
    school_day,
    uk_working_day,
)

CALENDAR = ClockCalendar.fixed(terms=[TermSpan(first, last, breaks=tuple(off))
                                      for first, last, off in TERMS])
FIRST, LAST = date(2026, 1, 1), date(2027, 12, 31)
EVERY_DAY = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
DAYS = st.dates(min_value=FIRST, max_value=LAST)
ONE_DAY = timedelta(days=1)


def request(kind: str, received_on: date, **fields: Any) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, received_on=received_on, pk=None,
                           results_announced_on=fields.pop("results_announced_on", None),
                           acknowledged_on=fields.pop("acknowledged_on", None), **fields)


def hold(reason: str, asked_on: date, answered_on: date | None = None) -> SimpleNamespace:
    return SimpleNamespace(reason=reason, asked_on=asked_on, answered_on=answered_on)


def extension(amount: int, decided_on: date, told_on: date | None = None) -> SimpleNamespace:
    return SimpleNamespace(amount=amount, decided_on=decided_on, told_on=told_on)


def clock(kind: str, received_on: date, *, holds: list[Any] | None = None,
          extensions: list[Any] | None = None, today: date | None = None,
          **fields: Any) -> Any:
    return work_out(request(kind, received_on, **fields), holds=holds or [],
                    extensions=extensions or [], calendar=CALENDAR,
                    today=today or received_on)


# --- the oracles: the rules written the plain way, on the typed tables ------------------------


def months_on(day: date, months: int) -> date:
    """The corresponding date ``months`` later, or that month's last day."""
    year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    return date(year, month, min(day.day, stdlib_calendar.monthrange(year, month)[1]))


def next_england_working_day(day: date) -> date:
    while not england_working_day(day):
        day += ONE_DAY
    return day


def rights_due(start: date, *, paused_days: int = 0, extra_months: int = 0) -> date:
    return next_england_working_day(months_on(start, 1 + extra_months)
                                    + timedelta(days=paused_days))


def foi_due(start: date, paused: frozenset[date] = frozenset()) -> date:
    day, school_days, working_days = start, 0, 0
    while True:
        day += ONE_DAY
        if day in paused or not uk_working_day(day):
            continue
        working_days += 1
        school_days += school_day(day)
        if school_days == 20 or working_days == 60:
            return day


def nth_day_after(start: date, count: int, counts: Any,
                  paused: frozenset[date] = frozenset()) -> date:
    day = start
    while count:
        day += ONE_DAY
        if day not in paused and counts(day):
            count -= 1
    return day


# --- every day of two years ------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RIGHTS_KINDS))
def test_the_rights_give_one_month_moved_off_weekends_and_england_bank_holidays(kind: str
                                                                                ) -> None:
    for day in EVERY_DAY:
        result = clock(kind, day)
        assert result.starts_on == day
        assert result.due_on == rights_due(day), day
        assert result.extension_tell_by == result.due_on
        assert england_working_day(result.due_on)
        assert result.waiting_since is None and not result.estimated


@pytest.mark.parametrize(("received", "due"), [
    (date(2027, 1, 31), date(2027, 3, 1)),   # 28 February 2027 is a Sunday
    (date(2027, 1, 28), date(2027, 3, 1)),
    (date(2028, 1, 31), date(2028, 2, 29)),  # leap year: Tuesday 29 February
    (date(2026, 1, 30), date(2026, 3, 2)),   # 28 February 2026 is a Saturday
    (date(2026, 3, 31), date(2026, 4, 30)),  # April has no 31st
    (date(2026, 8, 31), date(2026, 9, 30)),
    (date(2026, 3, 3), date(2026, 4, 7)),    # Good Friday, the weekend, Easter Monday
    (date(2026, 11, 28), date(2026, 12, 29)),  # 28 December 2026: Boxing Day's substitute
    (date(2027, 11, 27), date(2027, 12, 29)),  # 27 and 28 December 2027: substitutes
    (date(2026, 9, 3), date(2026, 10, 5)),   # Saturday 3 October
    (date(2026, 6, 15), date(2026, 7, 15)),  # Scotland's holiday is not England's
])
def test_the_month_on_worked_examples(received: date, due: date) -> None:
    assert clock(Kind.SUBJECT_ACCESS, received).due_on == due


@pytest.mark.parametrize("holiday", sorted(d for d in ENGLAND_AND_WALES if d.year < 2028))
def test_a_month_ending_on_each_england_bank_holiday_moves_past_it(holiday: date) -> None:
    # The request whose month ends on the holiday or on the days off just before it (29
    # March 2027 ends no month: 27 February's month ends on Saturday 27 March).
    received = max(day for day in EVERY_DAY + [date(2026, 1, 1) - ONE_DAY * n
                                               for n in range(1, 40)]
                   if months_on(day, 1) <= holiday
                   and not any(england_working_day(months_on(day, 1) + ONE_DAY * n)
                               for n in range((holiday - months_on(day, 1)).days + 1)))
    due = clock(Kind.SUBJECT_ACCESS, received).due_on
    assert due > holiday
    assert due == next_england_working_day(holiday)


def test_freedom_of_information_is_20_school_days_or_60_working_days() -> None:
    for day in EVERY_DAY:
        result = clock(Kind.FOI, day)
        assert result.due_on == foi_due(day), day
        assert uk_working_day(result.due_on)
        assert result.extension_tell_by == result.due_on


@pytest.mark.parametrize(("received", "due"), [
    # Across Christmas: 13 school days to 18 December, then 4 January 2027 is an INSET day
    # and a bank holiday in Scotland, so 5 to 13 January.
    (date(2026, 12, 1), date(2027, 1, 13)),
    # Received in the summer holiday: no school day until 2 September (1 September is an
    # INSET day); the 20th school day, 29 September, still comes before the 60th working day.
    (date(2026, 7, 23), date(2026, 9, 29)),
    # Scotland's World Cup bank holiday (Monday 15 June 2026) is not a working day under FOI:
    # the 20th school day is 30 June, not 29 June.
    (date(2026, 6, 1), date(2026, 6, 30)),
])
def test_freedom_of_information_worked_examples(received: date, due: date) -> None:
    assert clock(Kind.FOI, received).due_on == due == foi_due(received)


def test_sixty_working_days_come_first_when_the_school_is_closed() -> None:
    closed = ClockCalendar.fixed(terms=[])
    result = work_out(request(Kind.FOI, date(2026, 5, 1)), holds=[], extensions=[],
                      calendar=closed, today=date(2026, 5, 1))
    assert result.due_on == nth_day_after(date(2026, 5, 1), 60, uk_working_day)


def test_northern_ireland_and_scotland_days_are_not_foi_working_days() -> None:
    for day in NORTHERN_IRELAND | SCOTLAND:
        assert not CALENDAR.working_day_uk(day)
    assert CALENDAR.working_day_england(date(2026, 3, 17))  # St Patrick's Day
    assert not CALENDAR.working_day_uk(date(2026, 3, 17))


def test_environmental_information_is_20_uk_working_days() -> None:
    for day in EVERY_DAY:
        assert clock(Kind.EIR, day).due_on == nth_day_after(day, 20, uk_working_day), day


def test_the_educational_record_is_15_school_days() -> None:
    for day in EVERY_DAY:
        result = clock(Kind.EDUCATIONAL_RECORD, day)
        assert result.due_on == nth_day_after(day, 15, school_day), day
        assert not result.estimated


def test_a_complaint_is_acknowledged_within_30_days_beginning_with_its_day() -> None:
    for day in EVERY_DAY:
        result = clock(Kind.COMPLAINT, day)
        assert result.due_on == day + timedelta(days=29)
    acknowledged = clock(Kind.COMPLAINT, date(2026, 7, 1), acknowledged_on=date(2026, 7, 3))
    assert acknowledged.due_on == date(2026, 7, 30)
    assert "no further legal deadline" in acknowledged.moves[-1].what


def test_exam_marks_are_five_months_or_40_days_from_the_results() -> None:
    for day in EVERY_DAY:
        assert clock(Kind.EXAM_MARKS, day).due_on == months_on(day, 5), day
    # Results on 20 August 2026: the 40 days begin with that day and end on 28 September.
    early = clock(Kind.EXAM_MARKS, date(2026, 6, 1), results_announced_on=date(2026, 8, 20))
    assert early.due_on == date(2026, 9, 28)
    # Asked for after the results: the usual month of subject access.
    after = clock(Kind.EXAM_MARKS, date(2026, 9, 3), results_announced_on=date(2026, 8, 20))
    assert after.due_on == date(2026, 10, 5)  # Saturday 3 October -> Monday
    # Results long after: five months come first.
    late = clock(Kind.EXAM_MARKS, date(2026, 1, 10), results_announced_on=date(2026, 8, 20))
    assert late.due_on == date(2026, 6, 10)


# --- pauses, restarts and extensions -----------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(received=DAYS, asked_after=st.integers(0, 40), waited=st.integers(0, 30),
       kind=st.sampled_from(sorted(RIGHTS_KINDS)))
def test_a_clarification_excludes_the_days_from_asking_to_the_answer(
        received: date, asked_after: int, waited: int, kind: str) -> None:
    asked = received + timedelta(days=asked_after)
    answered = asked + timedelta(days=waited)
    result = clock(kind, received, holds=[hold("clarification", asked, answered)],
                   today=answered)
    if asked <= months_on(received, 1):
        assert result.due_on == rights_due(received, paused_days=waited + 1)
        assert result.extension_tell_by == result.due_on
    else:  # asked after the month ended: it moves nothing
        assert result.due_on == rights_due(received)
    assert result.starts_on == received and result.waiting_since is None


@settings(max_examples=200, deadline=None)
@given(received=DAYS, asked_after=st.integers(0, 20), waited=st.integers(0, 40),
       reason=st.sampled_from(["identity", "authority", "fee"]))
def test_identity_authority_or_a_fee_restarts_the_month_when_it_arrives(
        received: date, asked_after: int, waited: int, reason: str) -> None:
    asked = received + timedelta(days=asked_after)
    answered = asked + timedelta(days=waited)
    result = clock(Kind.SUBJECT_ACCESS, received, holds=[hold(reason, asked, answered)],
                   today=answered + timedelta(days=3))
    start = max(received, answered)
    assert result.starts_on == start
    assert result.due_on == rights_due(start)
    assert result.waiting_since is None


@settings(max_examples=150, deadline=None)
@given(received=DAYS, asked_after=st.integers(0, 20), today_after=st.integers(0, 60),
       reason=st.sampled_from(["identity", "clarification"]))
def test_while_waiting_the_deadline_is_as_if_the_answer_came_today(
        received: date, asked_after: int, today_after: int, reason: str) -> None:
    asked = received + timedelta(days=asked_after)
    today = asked + timedelta(days=today_after)
    waiting = clock(Kind.SUBJECT_ACCESS, received, holds=[hold(reason, asked)], today=today)
    answered = clock(Kind.SUBJECT_ACCESS, received, holds=[hold(reason, asked, today)],
                     today=today)
    assert waiting.waiting_since == asked
    assert waiting.due_on == answered.due_on
    assert answered.waiting_since is None


@settings(max_examples=150, deadline=None)
@given(received=DAYS, amounts=st.lists(st.integers(1, 2), min_size=1, max_size=3))
def test_extensions_add_up_to_two_months_and_leave_the_tell_by_day(
        received: date, amounts: list[int]) -> None:
    result = clock(Kind.SUBJECT_ACCESS, received,
                   extensions=[extension(a, received + timedelta(days=5)) for a in amounts])
    assert result.due_on == rights_due(received, extra_months=min(2, sum(amounts)))
    assert result.extension_tell_by == rights_due(received)


def test_a_clarification_moves_an_extended_deadline_and_the_tell_by_day() -> None:
    received = date(2026, 3, 2)
    result = clock(Kind.SUBJECT_ACCESS, received,
                   holds=[hold("clarification", date(2026, 3, 10), date(2026, 3, 14))],
                   extensions=[extension(2, date(2026, 3, 20))], today=date(2026, 3, 20))
    # 2 June + 5 days = Sunday 7 June -> Monday 8 June; the month: 2 April + 5 = 7 April.
    assert result.due_on == date(2026, 6, 8)
    assert result.extension_tell_by == date(2026, 4, 7)
    assert [move.due_on for move in result.moves if move.due_on][-1] == date(2026, 6, 8)


def test_an_extension_holds_only_if_the_requester_is_told_within_the_first_month() -> None:
    received = date(2026, 3, 2)  # the month runs to Thursday 2 April
    told = clock(Kind.SUBJECT_ACCESS, received, today=date(2026, 5, 1),
                 extensions=[extension(1, date(2026, 3, 20), told_on=date(2026, 4, 2))])
    untold_in_time = clock(Kind.SUBJECT_ACCESS, received, today=date(2026, 3, 25),
                           extensions=[extension(1, date(2026, 3, 20))])
    lapsed = clock(Kind.SUBJECT_ACCESS, received, today=date(2026, 4, 3),
                   extensions=[extension(1, date(2026, 3, 20))])
    told_late = clock(Kind.SUBJECT_ACCESS, received, today=date(2026, 5, 1),
                      extensions=[extension(1, date(2026, 3, 20), told_on=date(2026, 4, 3))])
    assert told.due_on == untold_in_time.due_on == date(2026, 5, 5)  # 2 May is a Saturday
    assert lapsed.due_on == told_late.due_on == date(2026, 4, 2)
    assert "does not apply" in lapsed.moves[-1].what or any(
        "does not apply" in move.what for move in lapsed.moves)


@settings(max_examples=150, deadline=None)
@given(received=DAYS, asked_after=st.integers(1, 15), waited=st.integers(0, 25))
def test_a_fees_notice_pauses_foi_and_a_clarification_restarts_it(
        received: date, asked_after: int, waited: int) -> None:
    asked = received + timedelta(days=asked_after)
    paid = asked + timedelta(days=waited)
    paused = frozenset(asked + timedelta(days=n) for n in range(waited + 1))
    fees = clock(Kind.FOI, received, holds=[hold("fees_notice", asked, paid)], today=paid)
    assert fees.due_on == foi_due(received, paused)
    assert fees.due_on >= foi_due(received)
    restarted = clock(Kind.FOI, received, holds=[hold("clarification", asked, paid)],
                      today=paid)
    assert restarted.starts_on == paid
    assert restarted.due_on == foi_due(paid)


@settings(max_examples=100, deadline=None)
@given(received=DAYS, days=st.integers(1, 20), kind=st.sampled_from([Kind.FOI, Kind.EIR]))
def test_foi_and_eir_extensions_add_working_days(received: date, days: int, kind: str) -> None:
    plain = clock(kind, received)
    extended = clock(kind, received, extensions=[extension(days, received + ONE_DAY)])
    assert extended.due_on == nth_day_after(plain.due_on, days, uk_working_day)
    assert extended.extension_tell_by == plain.due_on


def test_every_clock_says_its_rule_and_how_it_moved() -> None:
    for kind in Kind.values:
        result = clock(kind, date(2026, 5, 1))
        assert result.rule
        assert result.moves and result.moves[0].on == date(2026, 5, 1)
    moved = clock(Kind.SUBJECT_ACCESS, date(2026, 3, 3))
    assert moved.moves[-1].what == ("The deadline, Friday 3 April 2026, is a bank holiday in "
                                    "England (Good Friday): it moves to Tuesday 7 April 2026")
