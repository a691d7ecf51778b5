"""Each request's deadline, worked out from its kind, its holds and extensions, the bank
holidays and the school's days: the only place in Schoolkeep that computes one.

``work_out`` is pure given its inputs (the request's kind and dates, its holds, its
extensions, a ``ClockCalendar`` and today), so it can be tested over every day of a year
without a database. ``clock_refresh`` works the clock out for a stored request and saves the
clock fields; the service that changed an input calls it and writes the audit event.

The rules, with their sources, are in docs/requests.md:

- The rights (subject access, rectification, erasure, restriction, objection, portability):
  one month from the day of receipt to the same date of the next month (its last day when it
  has none). Proof of identity, evidence of authority or a fee restarts the month on the day it
  arrives. A clarification the school reasonably needs excludes the days from asking to the
  answer, both included. A deadline on a weekend or an England bank holiday moves to the next
  working day. Up to two further months for complex or numerous requests, counted from the end
  of the first month, if the requester is told before the first month ends (that day is
  ``extension_tell_by``, never moved off a weekend); an extension not told by then lapses.
- Freedom of information: the earlier of the 20th day after receipt that is both a working day
  (no weekend, no bank holiday anywhere in the UK) and a school day, and the 60th working day.
  A clarification restarts the count; a fees notice pauses it. The public interest test may add
  working days. Environmental information: 20 working days, 20 more when complex and voluminous.
  Either extension holds only if the requester is told by the 20-day deadline.
- Exam marks asked for before the results: the earlier of five months from the request and
  40 days beginning with the announcement of the results (the day of the announcement is the
  first of the 40). When the clock starts (after any restart) on or after results day, the
  rights' month applies instead, with its extensions.
- Complaints: acknowledged within 30 days, beginning with the day received.
- A parent's request to see the educational record: 15 school days.

Something asked of the requester after the deadline it would move (after the 20-day deadline
for a clarification under FOI or the EIR) moves nothing: the services refuse it, and
``work_out`` leaves out any that came in another way (``Clock.ignored``).

While something asked of the requester is awaited, ``waiting_since`` is the day it was asked
and ``due_on`` is the deadline as it would be if the answer came today, so lists still sort.
Once the request is answered or withdrawn, no wait runs on: the clock is worked out as of the
day it closed and ``waiting_since`` is empty.

"How the deadline moved" (``Clock.moves``) is in date order and always ends with one move
"The deadline is ..." carrying the deadline, dated on or after every other move.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from schoolkeep.inforequests.clocks.calendar import ClockCalendar
from schoolkeep.inforequests.models import (
    PUBLIC_INFORMATION_KINDS,
    RIGHTS_KINDS,
    Hold,
    Kind,
    Request,
    Status,
)

MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Holds that start the month again when answered (the rights and exam marks).
RESTARTS = frozenset({Hold.Reason.IDENTITY, Hold.Reason.AUTHORITY, Hold.Reason.FEE})
# The kinds whose clock something asked of the requester can stop.
HOLD_KINDS = RIGHTS_KINDS | PUBLIC_INFORMATION_KINDS | {Kind.EXAM_MARKS}
RIGHTS_MAX_EXTENSION_MONTHS = 2
FOI_SCHOOL_DAYS = 20
FOI_WORKING_DAYS_LIMIT = 60
EIR_WORKING_DAYS = 20
EXAM_MARKS_MONTHS = 5
EXAM_MARKS_DAYS_AFTER_RESULTS = 40
COMPLAINT_DAYS = 30
EDUCATIONAL_RECORD_SCHOOL_DAYS = 15
# Counting never runs further than this many days (a calendar with no school days at all).
COUNT_LIMIT = 800

CLOCK_FIELDS = ("clock_starts_on", "due_on", "due_estimated", "extension_tell_by",
                "waiting_since", "reminded_50_at", "reminded_75_at", "reminded_90_at")
REMINDER_FIELDS = ("reminded_50_at", "reminded_75_at", "reminded_90_at")


@dataclass(frozen=True)
class Move:
    """One thing that set or moved the deadline: "Proof of identity arrived: the month
    restarts", with the deadline after it (None when it did not set one)."""

    on: date
    what: str
    due_on: date | None


@dataclass(frozen=True)
class Clock:
    starts_on: date
    due_on: date
    estimated: bool
    extension_tell_by: date | None
    waiting_since: date | None
    moves: list[Move]
    rule: str  # the rule in plain English
    # Holds asked after the deadline they would have moved, which move nothing, each with
    # that deadline (the last day it could have been asked).
    ignored: tuple[tuple[Any, date], ...] = ()


def long_date(day: date) -> str:
    """ "7 December 2026" (the UK way, month in English whatever the server's locale)."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def long_day(day: date) -> str:
    """ "Monday 7 December 2026"."""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


def add_months(day: date, months: int) -> date:
    """The same date ``months`` later; the last day of that month when it has no such date
    (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _today() -> date:
    return timezone.localdate()


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def closed_on(request: Any) -> date | None:
    """The day an answered or withdrawn request closed (None while it is open)."""
    status = getattr(request, "status", Status.OPEN)
    if status == Status.ANSWERED:
        return getattr(request, "responded_on", None)
    if status == Status.WITHDRAWN:
        return getattr(request, "withdrawn_on", None)
    return None


def runs_rights_clock(request: Any) -> bool:
    """Whether the request's deadline is the rights' month (and so may be extended by
    months): the rights, and exam marks whose clock started on or after results day."""
    if request.kind in RIGHTS_KINDS:
        return True
    announced = getattr(request, "results_announced_on", None)
    starts = getattr(request, "clock_starts_on", None)
    return (request.kind == Kind.EXAM_MARKS and announced is not None and starts is not None
            and starts >= announced)


class _Trail:
    """The moves, written as the deadline is worked out."""

    def __init__(self) -> None:
        self.moves: list[Move] = []

    def add(self, on: date, what: str, due_on: date | None = None) -> None:
        self.moves.append(Move(on=on, what=what, due_on=due_on))


def _closed_with_request(hold: Any, closed: date | None) -> bool:
    """A wait ended by closing the request (the services close open holds that day)."""
    return closed is not None and hold.answered_on == closed


def _told_in_time(extension: Any, tell_by: date, today: date) -> bool:
    """An extension holds if the requester was told by ``tell_by``, or, not told yet, while
    there is still time to tell."""
    told = extension.told_on
    return told <= tell_by if told is not None else today <= tell_by


# --- waits, restarts and pauses ---------------------------------------------------------------


def _restart(holds: Sequence[Any], received: date, today: date, trail: _Trail,
             closed: date | None = None) -> tuple[date, date | None]:
    """The day the clock starts (the last restart) and the first day of a wait still open."""
    start = received
    waiting: date | None = None
    for hold in holds:
        if hold.reason not in RESTARTS:
            continue
        label = Hold.Reason(hold.reason).label
        trail.add(hold.asked_on, f"{label} asked for: the clock waits for it")
        if hold.answered_on is None:
            waiting = hold.asked_on if waiting is None else min(waiting, hold.asked_on)
            start = max(start, today, hold.asked_on)
        elif _closed_with_request(hold, closed):
            start = max(start, hold.answered_on)
            trail.add(hold.answered_on, f"{label} not received when the request was closed "
                                        f"on {long_date(hold.answered_on)}: the wait ends")
        elif hold.answered_on > start:
            start = hold.answered_on
            trail.add(hold.answered_on, f"{label} arrived on {long_date(hold.answered_on)}: "
                                        "the clock starts again from that day")
        else:
            trail.add(hold.answered_on, f"{label} arrived on {long_date(hold.answered_on)}")
    return start, waiting


def _pause_days(holds: Sequence[Any], reasons: Iterable[str], *, start: date, today: date
                ) -> tuple[list[tuple[Any, set[date]]], date | None]:
    """For each hold of these reasons, the days it adds (from asking, or from ``start`` if
    later, to the answer, both included; to today while still awaited; a day already added
    by another is not added again); and the first day of a wait still open."""
    wanted = set(reasons)
    seen: set[date] = set()
    found: list[tuple[Any, set[date]]] = []
    waiting: date | None = None
    for hold in holds:
        if hold.reason not in wanted:
            continue
        last = hold.answered_on
        if last is None:
            waiting = hold.asked_on if waiting is None else min(waiting, hold.asked_on)
            last = max(today, hold.asked_on)
        days = _days(max(hold.asked_on, start), last) - seen if last >= start else set()
        seen |= days
        found.append((hold, days))
    return found, waiting


def _clarification_moves(paused: list[tuple[Any, set[date]]], trail: _Trail,
                         closed: date | None) -> None:
    for hold, days in paused:
        if hold.answered_on is None:
            trail.add(hold.asked_on, "Clarification asked for: the clock stops until it "
                                     "arrives")
            continue
        count = (f": {_plural(len(days), 'day')} do not count" if days else
                 ", before the clock started again: it moves nothing")
        if _closed_with_request(hold, closed):
            trail.add(hold.answered_on,
                      f"Clarification asked on {long_date(hold.asked_on)}, not received when "
                      f"the request was closed on {long_date(hold.answered_on)}{count}")
        else:
            trail.add(hold.answered_on,
                      f"Clarification asked on {long_date(hold.asked_on)} and received on "
                      f"{long_date(hold.answered_on)}{count}")


# --- the rights: a calendar month ---------------------------------------------------------------

RIGHTS_RULE = ("One month from the day the request was received (or the day proof of "
               "identity, authority or a fee arrived) to the same date of the next month, or "
               "that month's last day when it has no such date. Days waiting for a "
               "clarification do not count. A deadline on a weekend or a bank holiday in "
               "England moves to the next working day. It can be extended by up to two more "
               "months, counted from the end of the first month, for complex or numerous "
               "requests, if the requester is told before the first month ends.")


def _rights(request: Any, holds: Sequence[Any], extensions: Sequence[Any],
            calendar: ClockCalendar, today: date, trail: _Trail,
            closed: date | None) -> Clock:
    received: date = request.received_on
    trail.add(received, f"Received on {long_date(received)}: one month runs to "
                        f"{long_date(add_months(received, 1))}", add_months(received, 1))
    start, waiting = _restart(holds, received, today, trail, closed)
    paused, waiting_clarification = _pause_days(holds, {Hold.Reason.CLARIFICATION},
                                                start=start, today=today)
    _clarification_moves(paused, trail, closed)
    if waiting_clarification is not None:
        waiting = waiting_clarification if waiting is None else min(waiting,
                                                                    waiting_clarification)
    # The first month, and the day to tell the requester of an extension by: its last day,
    # moved on by the clarifications asked within it (s.54(3C)(b)), never off a weekend.
    first_month = add_months(start, 1)
    tell_by = first_month
    for _hold, days in paused:
        if days and min(days) <= tell_by:
            tell_by += timedelta(days=len(days))
    valid = [e for e in extensions if _told_in_time(e, tell_by, today)]
    months = min(RIGHTS_MAX_EXTENSION_MONTHS, sum(int(e.amount) for e in valid))
    # The extension runs on from the end of the first month (the stricter reading at a
    # month's end: 31 January + 1 month + 1 month = 28 March, not 31 March), then the days
    # of every clarification are added.
    end = add_months(first_month, months) + timedelta(days=sum(len(d) for _h, d in paused))
    for extension in extensions:
        if extension in valid:
            trail.add(extension.decided_on,
                      f"Extended by {_plural(int(extension.amount), 'month')} (complex or "
                      "numerous requests; two months at most in all)")
        else:
            trail.add(extension.decided_on,
                      f"Extension of {_plural(int(extension.amount), 'month')} not told to "
                      f"the requester by {long_date(tell_by)}: it does not apply")
    due = calendar.next_working_day_england(end)
    if due != end:
        why = ("a weekend day" if end.weekday() >= 5 else
               f"a bank holiday in England ({calendar.bank_holiday_name(end)})")
        trail.add(end, f"The deadline, {long_day(end)}, is {why}: it moves to "
                       f"{long_day(due)}", due)
    return Clock(starts_on=start, due_on=due, estimated=False, extension_tell_by=tell_by,
                 waiting_since=waiting, moves=trail.moves, rule=RIGHTS_RULE)


# --- freedom of information and environmental information: working days ------------------------


def _count(calendar: ClockCalendar, start: date, paused: set[date], *, working: int,
           school: int | None) -> tuple[date, bool]:
    """The day the count ends, counting from the day after ``start`` (paused days never count):
    the ``working``-th UK working day, or the ``school``-th day that is both a UK working day and
    a school day when that comes first; and whether an estimated term decided a day counted."""
    day = start
    working_count = school_count = 0
    estimated = False
    for _ in range(COUNT_LIMIT):
        day += timedelta(days=1)
        if day in paused or not calendar.working_day_uk(day):
            continue
        working_count += 1
        if school is not None:
            estimated = estimated or calendar.estimated(day)
            if calendar.school_day(day):
                school_count += 1
                if school_count == school:
                    return day, estimated
        if working_count == working:
            return day, estimated
    return day, True


def _add_working_days(calendar: ClockCalendar, day: date, count: int, paused: set[date]) -> date:
    for _ in range(count):
        day += timedelta(days=1)
        while day in paused or not calendar.working_day_uk(day):
            day += timedelta(days=1)
    return day


def _information(request: Any, holds: Sequence[Any], extensions: Sequence[Any],
                 calendar: ClockCalendar, today: date, trail: _Trail,
                 closed: date | None) -> Clock:
    foi = request.kind == Kind.FOI
    received: date = request.received_on
    start = received
    waiting: date | None = None
    trail.add(received, f"Received on {long_date(received)}")
    for hold in holds:
        if hold.reason != Hold.Reason.CLARIFICATION:
            continue
        trail.add(hold.asked_on, "Clarification asked for: the count starts again when it "
                                 "arrives")
        if hold.answered_on is None:
            waiting = hold.asked_on if waiting is None else min(waiting, hold.asked_on)
            start = max(start, today, hold.asked_on)
        elif _closed_with_request(hold, closed):
            start = max(start, hold.answered_on)
            trail.add(hold.answered_on, "Clarification not received when the request was "
                                        f"closed on {long_date(hold.answered_on)}")
        elif hold.answered_on > start:
            start = hold.answered_on
            trail.add(hold.answered_on, f"Clarification received on "
                                        f"{long_date(hold.answered_on)}: the count starts again")
    fees, waiting_fee = _pause_days(holds, {Hold.Reason.FEES_NOTICE}, start=start,
                                    today=today)
    paused: set[date] = set().union(*(days for _hold, days in fees)) if fees else set()
    for hold, days in fees:
        trail.add(hold.asked_on, "Fees notice sent: the count stops until the fee is paid")
        if hold.answered_on is not None:
            counted = sum(1 for day in days if day > start and calendar.working_day_uk(day))
            what = (f"Fee not paid when the request was closed on "
                    f"{long_date(hold.answered_on)}" if _closed_with_request(hold, closed)
                    else f"Fee paid on {long_date(hold.answered_on)}: the count runs again")
            if counted:
                what += f"; {_plural(counted, 'working day')} waiting for it do not count"
            trail.add(hold.answered_on, what)
    if waiting_fee is not None:
        waiting = waiting_fee if waiting is None else min(waiting, waiting_fee)
    if foi:
        base, estimated = _count(calendar, start, paused, working=FOI_WORKING_DAYS_LIMIT,
                                 school=FOI_SCHOOL_DAYS)
        counted_words = "20 school days (or 60 working days, if sooner)"
    else:
        base, estimated = _count(calendar, start, paused, working=EIR_WORKING_DAYS,
                                 school=None)
        counted_words = "20 working days"
    trail.add(start, f"{counted_words} run to {long_date(base)}"
              + (" (worked out on estimated term dates)" if estimated else ""), base)
    # An extension holds only if the requester is told within the 20 days (FOIA s.17(2),
    # EIR reg 7(3)); one not told yet counts while there is time to tell, then lapses.
    due = base
    reason = "the public interest test" if foi else "complex and voluminous information"
    for extension in extensions:
        amount = int(extension.amount)
        if _told_in_time(extension, base, today):
            due = _add_working_days(calendar, due, amount, paused)
            trail.add(extension.decided_on,
                      f"Extended by {_plural(amount, 'working day')} ({reason}): the deadline "
                      f"is {long_date(due)}", due)
        else:
            trail.add(extension.decided_on,
                      f"Extension of {_plural(amount, 'working day')} not told to the "
                      f"requester by {long_date(base)}: it does not apply")
    rule = ("The 20th day after the request was received counting only days that are both "
            "working days and school days, or the 60th working day if that comes first. "
            "Working days leave out weekends and bank holidays anywhere in the UK. A "
            "clarification starts the count again; the days waiting for a fee do not count. "
            "More time for the public interest test holds only if the requester is told "
            "within the 20 days."
            if foi else
            "20 working days after the request was received (weekends and bank holidays "
            "anywhere in the UK left out), 20 more when the information asked for is complex "
            "and voluminous, if the requester is told within the first 20. A clarification "
            "starts the count again; the days waiting for a fee do not count.")
    return Clock(starts_on=start, due_on=due, estimated=estimated, extension_tell_by=base,
                 waiting_since=waiting, moves=trail.moves, rule=rule)


# --- exam marks, complaints, the educational record ---------------------------------------------


def _exam_marks(request: Any, holds: Sequence[Any], extensions: Sequence[Any],
                today: date, trail: _Trail, closed: date | None) -> Clock:
    received: date = request.received_on
    trail.add(received, f"Received on {long_date(received)}")
    start, waiting = _restart(holds, received, today, trail, closed)
    paused, waiting_clarification = _pause_days(holds, {Hold.Reason.CLARIFICATION},
                                                start=start, today=today)
    _clarification_moves(paused, trail, closed)
    if waiting_clarification is not None:
        waiting = waiting_clarification if waiting is None else min(waiting,
                                                                    waiting_clarification)
    due = (add_months(start, EXAM_MARKS_MONTHS)
           + timedelta(days=sum(len(days) for _hold, days in paused)))
    trail.add(start, f"Five months run to {long_date(due)}", due)
    announced = getattr(request, "results_announced_on", None)
    if announced is not None:
        # "40 days beginning with the announcement": the day of the announcement is the first.
        # Results day is after the start here, so this never comes before the start.
        after_results = announced + timedelta(days=EXAM_MARKS_DAYS_AFTER_RESULTS - 1)
        if after_results < due:
            due = after_results
            trail.add(announced, f"Results announced on {long_date(announced)}: 40 days, "
                                 "beginning with that day, run to "
                                 f"{long_date(due)}, which comes first", due)
    for extension in extensions:
        trail.add(extension.decided_on,
                  f"Extension of {_plural(int(extension.amount), 'month')} does not apply: "
                  "exam marks asked for before the results are announced have no extension")
    return Clock(starts_on=start, due_on=due, estimated=False, extension_tell_by=None,
                 waiting_since=waiting, moves=trail.moves,
                 rule=("Five months from the day the request was received (to the same date "
                       "five months on), or 40 days beginning with the day the results are "
                       "announced if that comes first. Asked for (or proof of identity "
                       "arriving) on or after results day: the usual month of subject "
                       "access."))


def _complaint(request: Any, trail: _Trail) -> Clock:
    received: date = request.received_on
    due = received + timedelta(days=COMPLAINT_DAYS - 1)
    trail.add(received, f"Received on {long_date(received)}: acknowledge it by "
                        f"{long_date(due)}", due)
    acknowledged = getattr(request, "acknowledged_on", None)
    if acknowledged is not None:
        trail.add(acknowledged, f"Acknowledged on {long_date(acknowledged)}")
    return Clock(starts_on=received, due_on=due, estimated=False, extension_tell_by=None,
                 waiting_since=None, moves=trail.moves,
                 rule=("Acknowledge the complaint within 30 days, beginning with the day it "
                       "was received; then take the steps needed to respond and tell the "
                       "complainant the outcome without undue delay."))


def _educational_record(request: Any, calendar: ClockCalendar, trail: _Trail) -> Clock:
    received: date = request.received_on
    day = received
    counted = 0
    estimated = False
    for _ in range(COUNT_LIMIT):
        day += timedelta(days=1)
        if day.weekday() >= 5:
            continue
        estimated = estimated or calendar.estimated(day)
        if calendar.school_day(day):
            counted += 1
            if counted == EDUCATIONAL_RECORD_SCHOOL_DAYS:
                break
    else:
        estimated = True
    trail.add(received, f"Received on {long_date(received)}: 15 school days run to "
                        f"{long_date(day)}"
              + (" (worked out on estimated term dates)" if estimated else ""), day)
    return Clock(starts_on=received, due_on=day, estimated=estimated, extension_tell_by=None,
                 waiting_since=None, moves=trail.moves,
                 rule=("15 school days after the request was received (days the school holds "
                       "a session: not weekends, holidays, INSET or closure days, or bank "
                       "holidays)."))


# --- putting it together ------------------------------------------------------------------------


def _compute(request: Any, holds: Sequence[Any], extensions: Sequence[Any],
             calendar: ClockCalendar, today: date, trail: _Trail,
             closed: date | None) -> Clock:
    """The clock from holds already accepted (asked before the deadline they move)."""
    kind = request.kind
    if kind == Kind.EXAM_MARKS:
        announced = getattr(request, "results_announced_on", None)
        if announced is not None:
            start, _waiting = _restart(holds, request.received_on, today, _Trail(), closed)
            if start >= announced:
                # Asked for (or the clock started again) once the results were out: an
                # ordinary subject access request, never a deadline before the start.
                trail.add(announced, f"Results announced on {long_date(announced)}, on or "
                                     "before the day the clock started "
                                     f"({long_date(start)}): the usual month of subject "
                                     "access applies")
                return _rights(request, holds, extensions, calendar, today, trail, closed)
        return _exam_marks(request, holds, extensions, today, trail, closed)
    if kind in RIGHTS_KINDS:
        return _rights(request, holds, extensions, calendar, today, trail, closed)
    if kind in PUBLIC_INFORMATION_KINDS:
        return _information(request, holds, extensions, calendar, today, trail, closed)
    if kind == Kind.COMPLAINT:
        return _complaint(request, trail)
    if kind == Kind.EDUCATIONAL_RECORD:
        return _educational_record(request, calendar, trail)
    raise ValueError(f"No clock for the kind {kind!r}.")


def _as_of(hold: Any, day: date) -> Any:
    """The hold as it stood on ``day``: still awaited if its answer came later."""
    answered = hold.answered_on if hold.answered_on is not None and \
        hold.answered_on <= day else None
    return SimpleNamespace(reason=hold.reason, asked_on=hold.asked_on, answered_on=answered)


def _accept(request: Any, holds: Sequence[Any], extensions: Sequence[Any],
            calendar: ClockCalendar) -> tuple[list[Any], list[tuple[Any, date]]]:
    """The holds that count, and those asked after the deadline they would move (the
    deadline as it stood the day each was asked, from the holds before it; for a
    clarification under FOI or the EIR, the 20-day deadline), with that deadline."""
    if request.kind not in HOLD_KINDS:
        return list(holds), []
    accepted: list[Any] = []
    ignored: list[tuple[Any, date]] = []
    for hold in holds:
        asked: date = hold.asked_on
        then = _compute(request, [_as_of(h, asked) for h in accepted], extensions, calendar,
                        asked, _Trail(), None)
        limit = then.due_on
        if request.kind in PUBLIC_INFORMATION_KINDS and \
                hold.reason == Hold.Reason.CLARIFICATION and then.extension_tell_by:
            limit = then.extension_tell_by
        if asked > limit:
            ignored.append((hold, limit))
        else:
            accepted.append(hold)
    return accepted, ignored


def _final(clock: Clock, request: Any, closed: date | None) -> Move:
    """The last move: the deadline, dated on or after every other move."""
    due = clock.due_on
    on = max([due, *(move.on for move in clock.moves)])
    if request.kind == Kind.COMPLAINT:
        acknowledged = getattr(request, "acknowledged_on", None)
        if acknowledged is not None:
            when = "in time" if acknowledged <= due else "after it"
            what = (f"The deadline to acknowledge it was {long_day(due)}; it was acknowledged "
                    f"on {long_date(acknowledged)}, {when}. No further legal deadline: the "
                    "complaint is followed to its outcome")
        else:
            verb = "was" if closed else "is"
            what = f"The deadline to acknowledge it {verb} {long_day(due)}"
        return Move(on=on, what=what, due_on=due)
    what = f"The deadline {'was' if closed else 'is'} {long_day(due)}"
    if clock.estimated:
        what += " (worked out on estimated term dates)"
    if clock.waiting_since is not None:
        what += ", if the requester's answer came today"
    return Move(on=on, what=what, due_on=due)


def work_out(request: Any, *, holds: Iterable[Any] | None = None,
             extensions: Iterable[Any] | None = None, calendar: ClockCalendar | None = None,
             today: date | None = None) -> Clock:
    """The request's clock, from its kind and dates, its holds and extensions (read from the
    request when not given), the calendar (the school's when not given) and today (for a wait
    still open: the deadline as if the answer came today). An answered or withdrawn request
    is worked out as of the day it closed, with no wait."""
    if holds is None:
        holds = list(request.holds.all()) if request.pk else []
    if extensions is None:
        extensions = list(request.extensions.all()) if request.pk else []
    if calendar is None:
        calendar = ClockCalendar(request.school)
    today = today or _today()
    closed = closed_on(request)
    if closed is not None:
        today = min(today, closed)
    hold_list = sorted(holds, key=lambda h: (h.asked_on, h.answered_on or date.max))
    extension_list = sorted(extensions, key=lambda e: e.decided_on)
    accepted, ignored = _accept(request, hold_list, extension_list, calendar)
    trail = _Trail()
    for hold, limit in ignored:
        trail.add(hold.asked_on,
                  f"{Hold.Reason(hold.reason).label} asked for on {long_date(hold.asked_on)}, "
                  f"after {long_date(limit)}, the last day it could stop the clock: it "
                  "moves nothing")
    clock = _compute(request, accepted, extension_list, calendar, today, trail, closed)
    if closed is not None:
        answered = getattr(request, "status", "") == Status.ANSWERED
        trail.add(closed, f"{'Answered' if answered else 'Withdrawn'} on "
                          f"{long_date(closed)}: the clock stops")
        clock = replace(clock, waiting_since=None)
    # The moves in the order they happened (those of one day in the order worked out), then
    # the deadline.
    moves = sorted(trail.moves, key=lambda move: move.on)
    clock = replace(clock, moves=moves, ignored=tuple(ignored))
    return replace(clock, moves=[*moves, _final(clock, request, closed)])


def _apply(request: Request, clock: Clock) -> bool:
    """Copy the clock onto the request's fields; whether any changed."""
    values = {"clock_starts_on": clock.starts_on, "due_on": clock.due_on,
              "due_estimated": clock.estimated, "extension_tell_by": clock.extension_tell_by,
              "waiting_since": clock.waiting_since}
    changed = False
    if request.clock_starts_on is not None and request.clock_starts_on != clock.starts_on:
        # The clock started again (identity arrived, a clarification restarted FOI, the day
        # of receipt was corrected): its reminders count from the new start.
        for name in REMINDER_FIELDS:
            setattr(request, name, None)
    for name, value in values.items():
        if getattr(request, name) != value:
            setattr(request, name, value)
            changed = True
    return changed


def clock_refresh(request: Request, *, calendar: ClockCalendar | None = None) -> Clock:
    """Work the request's clock out and save its clock fields (only those). A request not yet
    saved gets the fields set and is saved by its caller. No audit: the service that changed an
    input writes it."""
    clock = work_out(request, calendar=calendar)
    if _apply(request, clock) and request.pk:
        request.save(update_fields=list(CLOCK_FIELDS))
    return clock


def days_left(request: Any, today: date) -> int:
    """Calendar days from today to the deadline: 0 on the day, negative when overdue."""
    return (request.due_on - today).days


def elapsed_fraction(request: Any, today: date) -> float:
    """How much of the time from the clock's start to the deadline has gone: 0 at the start,
    1 on the deadline, more after it."""
    total = (request.due_on - request.clock_starts_on).days
    gone = (today - request.clock_starts_on).days
    if total <= 0:
        return 1.0 if gone >= 0 else 0.0
    return max(0.0, gone / total)


def clocks_refresh_open(*, schools: Iterable[Any], today: date | None = None,
                        kinds: Iterable[str] | None = None, waiting_only: bool = False) -> int:
    """Work out again the clock of every open request of these schools (only those of these
    ``kinds``, or only those waiting for the requester, when asked): each day (a wait moves
    on, an extension not told in time lapses), and after a bank holiday or the term dates
    changed. The number of requests whose clock changed. One calendar per school; no audit
    (the change that caused it is audited).

    The requests are row-locked while they are read and saved (in the caller's transaction,
    or one of its own), as the services lock a request before changing it: a service's
    fresher clock is never overwritten by one worked out from what was read before it."""
    changed = 0
    with transaction.atomic():
        for school in schools:
            calendar = ClockCalendar(school)
            requests = Request.objects.select_for_update().filter(school=school,
                                                                  status=Status.OPEN)
            if kinds is not None:
                requests = requests.filter(kind__in=list(kinds))
            if waiting_only:
                requests = requests.filter(waiting_since__isnull=False)
            rows = list(requests.order_by("pk"))
            prefetch_related_objects(rows, "holds", "extensions")
            moved = [request for request in rows
                     if _apply(request, work_out(request, calendar=calendar, today=today))]
            if moved:
                Request.objects.bulk_update(moved, list(CLOCK_FIELDS), batch_size=200)
            changed += len(moved)
    return changed
