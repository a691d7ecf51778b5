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
    """The month, any extension counted on from the month's end, the paused days added."""
    return next_england_working_day(months_on(months_on(start, 1), extra_months)
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
        # The notice of an extension is due "before the end of the period of one month": the
        # month's last day itself, even on a weekend or a bank holiday (never moved on).
        assert result.extension_tell_by == months_on(day, 1), day
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
    assert "no further legal deadline" in acknowledged.moves[-1].what.lower()
    assert acknowledged.moves[-1].due_on == date(2026, 7, 30)


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
    if asked <= rights_due(received):
        assert result.due_on == rights_due(received, paused_days=waited + 1)
        # The tell-by day moves only when it was asked within the first month.
        in_month = asked <= months_on(received, 1)
        assert result.extension_tell_by == months_on(received, 1) + timedelta(
            days=waited + 1 if in_month else 0)
    else:  # asked after the deadline: it moves nothing, and says so
        assert result.due_on == rights_due(received)
        assert not any("do not count" in move.what for move in result.moves)
        assert [hold_ for hold_, _limit in result.ignored] and "moves nothing" in " ".join(
            move.what for move in result.moves)
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
    assert result.extension_tell_by == months_on(received, 1)


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
    assert [move.what for move in moved.moves[-2:]] == [
        "The deadline, Friday 3 April 2026, is a bank holiday in England (Good Friday): it "
        "moves to Tuesday 7 April 2026",
        "The deadline is Tuesday 7 April 2026"]
    assert moved.moves[-1].on == moved.moves[-1].due_on == date(2026, 4, 7)


# --- the reviews' cases, each on exact dates ---------------------------------------------------


def test_the_tell_by_day_is_the_last_day_of_the_first_month_even_on_a_weekend() -> None:
    # 31 January 2027: the month ends on Sunday 28 February; the response is due on Monday
    # 1 March, but the requester must be told of an extension "before the end of the period
    # of one month", so by Sunday 28 February: told on 1 March, the extension does not count.
    plain = clock(Kind.SUBJECT_ACCESS, date(2027, 1, 31))
    assert (plain.extension_tell_by, plain.due_on) == (date(2027, 2, 28), date(2027, 3, 1))
    told_on_the_sunday = clock(Kind.SUBJECT_ACCESS, date(2027, 1, 31), today=date(2027, 3, 5),
                               extensions=[extension(2, date(2027, 2, 10), date(2027, 2, 28))])
    told_on_the_monday = clock(Kind.SUBJECT_ACCESS, date(2027, 1, 31), today=date(2027, 3, 5),
                               extensions=[extension(2, date(2027, 2, 10), date(2027, 3, 1))])
    assert told_on_the_sunday.due_on == date(2027, 4, 28)
    assert told_on_the_monday.due_on == date(2027, 3, 1)
    untold = clock(Kind.SUBJECT_ACCESS, date(2027, 1, 31), today=date(2027, 3, 1),
                   extensions=[extension(2, date(2027, 2, 10))])
    assert untold.due_on == date(2027, 3, 1)  # lapsed on Monday 1 March


def test_an_extension_runs_on_from_the_end_of_the_first_month() -> None:
    # 31 January 2027 + 1 month = 28 February; one month more is 28 March (a Sunday, then
    # Easter Monday 29 March): Tuesday 30 March, not 31 March (31 January + 2 months).
    one = clock(Kind.SUBJECT_ACCESS, date(2027, 1, 31),
                extensions=[extension(1, date(2027, 2, 10), date(2027, 2, 10))])
    two = clock(Kind.SUBJECT_ACCESS, date(2027, 1, 31),
                extensions=[extension(2, date(2027, 2, 10), date(2027, 2, 10))])
    assert one.due_on == date(2027, 3, 30)
    assert two.due_on == date(2027, 4, 28)  # not 30 April


def test_foi_and_eir_extensions_hold_only_if_told_within_the_20_working_days() -> None:
    # FOI received Monday 2 March 2026: the 20th school day is Tuesday 14 April (17 March is
    # a bank holiday in Northern Ireland; the Easter holiday has no school days).
    received = date(2026, 3, 2)
    assert foi_due(received) == date(2026, 4, 14)

    def foi(told_on: date | None, today: date) -> Any:
        return clock(Kind.FOI, received, today=today,
                     extensions=[extension(10, date(2026, 3, 20), told_on)])

    assert foi(date(2026, 4, 14), date(2026, 5, 1)).due_on == date(2026, 4, 28)
    assert foi(date(2026, 4, 15), date(2026, 5, 1)).due_on == date(2026, 4, 14)
    assert foi(None, date(2026, 4, 14)).due_on == date(2026, 4, 28)  # still time to tell
    lapsed = foi(None, date(2026, 4, 15))
    assert lapsed.due_on == date(2026, 4, 14)
    assert lapsed.extension_tell_by == date(2026, 4, 14)
    assert any("not told to the requester by 14 April 2026: it does not apply" in move.what
               for move in lapsed.moves)
    # EIR: 20 working days to Tuesday 31 March; 20 more to Thursday 30 April if told by then.
    told = clock(Kind.EIR, received, extensions=[extension(20, date(2026, 3, 20),
                                                           date(2026, 3, 31))])
    late = clock(Kind.EIR, received, extensions=[extension(20, date(2026, 3, 20),
                                                           date(2026, 4, 1))])
    assert (told.due_on, told.extension_tell_by) == (date(2026, 4, 30), date(2026, 3, 31))
    assert late.due_on == date(2026, 3, 31)


def test_exam_marks_compare_results_day_with_the_clocks_start_after_a_restart() -> None:
    results = date(2026, 8, 20)
    # Asked on 1 June, proof of identity arrived on 1 October, after results day: the month
    # of subject access from 1 October (Sunday 1 November -> Monday 2 November), never the
    # 40 days after the results (28 September, before the clock even started).
    restarted = clock(Kind.EXAM_MARKS, date(2026, 6, 1), results_announced_on=results,
                      holds=[hold("identity", date(2026, 6, 2), date(2026, 10, 1))],
                      today=date(2026, 10, 2))
    assert (restarted.starts_on, restarted.due_on) == (date(2026, 10, 1), date(2026, 11, 2))
    assert restarted.extension_tell_by == date(2026, 11, 1)
    # ... and its extensions count as the rights' do: one month from 1 November.
    extended = clock(Kind.EXAM_MARKS, date(2026, 6, 1), results_announced_on=results,
                     holds=[hold("identity", date(2026, 6, 2), date(2026, 10, 1))],
                     extensions=[extension(1, date(2026, 10, 5), date(2026, 10, 5))],
                     today=date(2026, 10, 5))
    assert extended.due_on == date(2026, 12, 1)
    # Proof arrived before results day: the exam marks rule (40 days from 20 August).
    before = clock(Kind.EXAM_MARKS, date(2026, 6, 1), results_announced_on=results,
                   holds=[hold("identity", date(2026, 6, 2), date(2026, 8, 10))],
                   today=date(2026, 10, 2))
    assert (before.starts_on, before.due_on) == (date(2026, 8, 10), date(2026, 9, 28))
    # Still waiting on 1 September: as if the proof came that day, after results day.
    waiting = clock(Kind.EXAM_MARKS, date(2026, 6, 1), results_announced_on=results,
                    holds=[hold("identity", date(2026, 6, 2))], today=date(2026, 9, 1))
    assert (waiting.starts_on, waiting.due_on) == (date(2026, 9, 1), date(2026, 10, 1))


def test_something_asked_after_the_deadline_moves_nothing() -> None:
    # The month ran to 2 April 2026; proof of identity asked on 10 April and sent on 15
    # April would have restarted it to 15 May and hidden that the request was late.
    late = clock(Kind.SUBJECT_ACCESS, date(2026, 3, 2), today=date(2026, 4, 20),
                 holds=[hold("identity", date(2026, 4, 10), date(2026, 4, 15))])
    assert (late.starts_on, late.due_on) == (date(2026, 3, 2), date(2026, 4, 2))
    assert [(h.asked_on, limit) for h, limit in late.ignored] == [(date(2026, 4, 10),
                                                                   date(2026, 4, 2))]
    assert ("Proof of identity asked for on 10 April 2026, after 2 April 2026, the last day "
            "it could stop the clock: it moves nothing") in [move.what for move in late.moves]
    # The same clarification still open: no wait, no moving deadline.
    open_ = clock(Kind.SUBJECT_ACCESS, date(2026, 3, 2), today=date(2026, 4, 20),
                  holds=[hold("clarification", date(2026, 4, 10))])
    assert (open_.due_on, open_.waiting_since) == (date(2026, 4, 2), None)
    # FOI: a clarification after the 20 working days (14 April) is ignored even though an
    # extension runs to 28 April; a fees notice within the extended time still pauses it.
    foi = clock(Kind.FOI, date(2026, 3, 2), today=date(2026, 4, 25),
                extensions=[extension(10, date(2026, 3, 20), date(2026, 3, 20))],
                holds=[hold("clarification", date(2026, 4, 20), date(2026, 4, 22)),
                       hold("fees_notice", date(2026, 4, 20), date(2026, 4, 22))])
    assert [(h.reason, limit) for h, limit in foi.ignored] == [("clarification",
                                                                date(2026, 4, 14))]
    assert (foi.starts_on, foi.due_on) == (date(2026, 3, 2), date(2026, 5, 1))


def test_days_before_a_restart_are_never_said_not_to_count() -> None:
    # Proof of identity asked on 3 March arrived on 10 March (the month starts again then).
    # A clarification of 4 to 8 March moves nothing; one of 5 to 12 March adds 10, 11 and 12
    # March: 10 April + 3 = Monday 13 April.
    result = clock(Kind.SUBJECT_ACCESS, date(2026, 3, 2), today=date(2026, 4, 1),
                   holds=[hold("identity", date(2026, 3, 3), date(2026, 3, 10)),
                          hold("clarification", date(2026, 3, 4), date(2026, 3, 8)),
                          hold("clarification", date(2026, 3, 5), date(2026, 3, 12))])
    assert result.due_on == date(2026, 4, 13)
    said = [move.what for move in result.moves if "do not count" in move.what]
    assert said == ["Clarification asked on 5 March 2026 and received on 12 March 2026: 3 "
                    "days do not count"]


def test_a_closed_request_waits_no_more() -> None:
    # Answered on 20 March while proof of identity (asked on 3 March) never came: worked out
    # as of 20 March whatever today is, with no wait.
    answered = SimpleNamespace(kind=Kind.SUBJECT_ACCESS, received_on=date(2026, 3, 2), pk=None,
                               results_announced_on=None, acknowledged_on=None,
                               status="answered", responded_on=date(2026, 3, 20))
    result = work_out(answered, holds=[hold("identity", date(2026, 3, 3))], extensions=[],
                      calendar=CALENDAR, today=date(2026, 6, 1))
    assert (result.waiting_since, result.starts_on, result.due_on) == (
        None, date(2026, 3, 20), date(2026, 4, 20))
    assert result.moves[-1].what == "The deadline was Monday 20 April 2026"
