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
  working day. Up to two further months for complex or numerous requests, told within the
  first month.
- Freedom of information: the earlier of the 20th day after receipt that is both a working day
  (no weekend, no bank holiday anywhere in the UK) and a school day, and the 60th working day.
  A clarification restarts the count; a fees notice pauses it. The public interest test may add
  working days. Environmental information: 20 working days, 20 more when complex and voluminous.
- Exam marks asked for before the results: the earlier of five months from the request and
  40 days beginning with the announcement of the results (the day of the announcement is the
  first of the 40).
- Complaints: acknowledged within 30 days, beginning with the day received.
- A parent's request to see the educational record: 15 school days.

While something asked of the requester is awaited, ``waiting_since`` is the day it was asked
and ``due_on`` is the deadline as it would be if the answer came today, so lists still sort.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.inforequests.clocks.calendar import ClockCalendar
from schoolkeep.inforequests.models import (
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
                "waiting_since")


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


class _Trail:
    """The moves, written as the deadline is worked out."""

    def __init__(self) -> None:
        self.moves: list[Move] = []

    def add(self, on: date, what: str, due_on: date | None = None) -> None:
        self.moves.append(Move(on=on, what=what, due_on=due_on))


# --- the rights: a calendar month ---------------------------------------------------------------


def _restart(request: Any, holds: Sequence[Any], today: date, trail: _Trail
             ) -> tuple[date, date | None]:
    """The day the month starts (the last restart) and the first day of a wait still open."""
    start: date = request.received_on
    waiting: date | None = None
    for hold in holds:
        if hold.reason not in RESTARTS:
            continue
        label = Hold.Reason(hold.reason).label
        trail.add(hold.asked_on, f"{label} asked for: the clock waits for it")
        if hold.answered_on is None:
            waiting = hold.asked_on if waiting is None else min(waiting, hold.asked_on)
            start = max(start, today, hold.asked_on)
        elif hold.answered_on > start:
            start = hold.answered_on
            trail.add(hold.answered_on, f"{label} arrived on {long_date(hold.answered_on)}: "
                                        "the clock starts again from that day")
        else:
            trail.add(hold.answered_on, f"{label} arrived on {long_date(hold.answered_on)}")
    return start, waiting


def _excluded_days(holds: Sequence[Any], reasons: Iterable[str], *, start: date, today: date
                   ) -> tuple[set[date], date | None]:
    """The days from asking to the answer (both included; to today while still awaited) of
    the holds of these reasons, from ``start`` on; and the first day of a wait still open."""
    wanted = set(reasons)
    days: set[date] = set()
    waiting: date | None = None
    for hold in holds:
        if hold.reason not in wanted:
            continue
        last = hold.answered_on
        if last is None:
            waiting = hold.asked_on if waiting is None else min(waiting, hold.asked_on)
            last = max(today, hold.asked_on)
        day = max(hold.asked_on, start)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days, waiting


def _shift_by_pauses(end: date, start: date, paused: set[date]) -> date:
    """The end of a period of calendar days with the paused days not counted: each paused day
    on or before the (moving) end pushes it one day on."""
    for day in sorted(paused):
        if start <= day <= end:
            end += timedelta(days=1)
    return end


def _rights(request: Any, holds: Sequence[Any], extensions: Sequence[Any],
            calendar: ClockCalendar, today: date, trail: _Trail) -> Clock:
    received: date = request.received_on
    trail.add(received, f"Received on {long_date(received)}: one month runs to "
                        f"{long_date(add_months(received, 1))}", add_months(received, 1))
    start, waiting = _restart(request, holds, today, trail)
    paused, waiting_clarification = _excluded_days(
        holds, {Hold.Reason.CLARIFICATION}, start=start, today=today)
    for hold in holds:
        if hold.reason == Hold.Reason.CLARIFICATION and hold.answered_on is not None:
            count = (hold.answered_on - max(hold.asked_on, start)).days + 1
            if count > 0:
                trail.add(hold.answered_on,
                          f"Clarification asked on {long_date(hold.asked_on)} and received on "
                          f"{long_date(hold.answered_on)}: {_plural(count, 'day')} do not count")
    if waiting_clarification is not None:
        trail.add(waiting_clarification, "Clarification asked for: the clock stops until it "
                                         "arrives")
        waiting = waiting_clarification if waiting is None else min(waiting,
                                                                    waiting_clarification)

    first_month = _shift_by_pauses(add_months(start, 1), start, paused)
    tell_by = calendar.next_working_day_england(first_month)
    # An extension holds only if the requester is told within the first month: one not yet
    # told counts while there is still time to tell, and lapses after.
    valid = [e for e in extensions
             if (e.told_on <= tell_by if e.told_on is not None else today <= tell_by)]
    months = min(RIGHTS_MAX_EXTENSION_MONTHS, sum(int(e.amount) for e in valid))
    end = _shift_by_pauses(add_months(start, 1 + months), start, paused)
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
    elif start != received or paused or months:
        trail.add(end, f"The deadline is {long_date(due)}", due)
    return Clock(starts_on=start, due_on=due, estimated=False, extension_tell_by=tell_by,
                 waiting_since=waiting, moves=trail.moves,
                 rule=("One month from the day the request was received (or the day proof of "
                       "identity, authority or a fee arrived) to the same date of the next "
                       "month, or that month's last day when it has no such date. Days waiting "
                       "for a clarification do not count. A deadline on a weekend or a bank "
                       "holiday in England moves to the next working day. It can be extended "
                       "by up to two more months for complex or numerous requests if the "
                       "requester is told within the first month."))


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
                 calendar: ClockCalendar, today: date, trail: _Trail) -> Clock:
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
        elif hold.answered_on > start:
            start = hold.answered_on
            trail.add(hold.answered_on, f"Clarification received on "
                                        f"{long_date(hold.answered_on)}: the count starts again")
    paused, waiting_fee = _excluded_days(holds, {Hold.Reason.FEES_NOTICE}, start=start,
                                         today=today)
    for hold in holds:
        if hold.reason == Hold.Reason.FEES_NOTICE:
            trail.add(hold.asked_on, "Fees notice sent: the count stops until the fee is paid")
            if hold.answered_on is not None:
                trail.add(hold.answered_on, f"Fee paid on {long_date(hold.answered_on)}: the "
                                            "count runs again")
    if waiting_fee is not None:
        waiting = waiting_fee if waiting is None else min(waiting, waiting_fee)
    if foi:
        base, estimated = _count(calendar, start, paused, working=FOI_WORKING_DAYS_LIMIT,
                                 school=FOI_SCHOOL_DAYS)
    else:
        base, estimated = _count(calendar, start, paused, working=EIR_WORKING_DAYS,
                                 school=None)
    trail.add(base, f"The deadline is {long_date(base)}"
              + (" (worked out on estimated term dates)" if estimated else ""), base)
    due = base
    for extension in extensions:
        amount = int(extension.amount)
        due = _add_working_days(calendar, due, amount, paused)
        reason = "the public interest test" if foi else "complex and voluminous information"
        trail.add(extension.decided_on,
                  f"Extended by {_plural(amount, 'working day')} ({reason}): the deadline "
                  f"is {long_date(due)}", due)
    rule = ("The 20th day after the request was received counting only days that are both "
            "working days and school days, or the 60th working day if that comes first. "
            "Working days leave out weekends and bank holidays anywhere in the UK. A "
            "clarification starts the count again; the days waiting for a fee do not count."
            if foi else
            "20 working days after the request was received (weekends and bank holidays "
            "anywhere in the UK left out), 20 more when the information asked for is complex "
            "and voluminous. A clarification starts the count again; the days waiting for a "
            "fee do not count.")
    return Clock(starts_on=start, due_on=due, estimated=estimated, extension_tell_by=base,
                 waiting_since=waiting, moves=trail.moves, rule=rule)


# --- exam marks, complaints, the educational record ---------------------------------------------


def _exam_marks(request: Any, holds: Sequence[Any], calendar: ClockCalendar, today: date,
                trail: _Trail) -> Clock:
    received: date = request.received_on
    trail.add(received, f"Received on {long_date(received)}")
    start, waiting = _restart(request, holds, today, trail)
    paused, waiting_clarification = _excluded_days(
        holds, {Hold.Reason.CLARIFICATION}, start=start, today=today)
    if waiting_clarification is not None:
        waiting = waiting_clarification if waiting is None else min(waiting,
                                                                    waiting_clarification)
    due = _shift_by_pauses(add_months(start, EXAM_MARKS_MONTHS), start, paused)
    trail.add(start, f"Five months run to {long_date(due)}", due)
    announced = getattr(request, "results_announced_on", None)
    if announced is not None:
        # "40 days beginning with the announcement": the day of the announcement is the first.
        after_results = announced + timedelta(days=EXAM_MARKS_DAYS_AFTER_RESULTS - 1)
        if after_results < due:
            due = after_results
            trail.add(announced, f"Results announced on {long_date(announced)}: 40 days, "
                                 "beginning with that day, run to "
                                 f"{long_date(due)}, which comes first", due)
    return Clock(starts_on=start, due_on=due, estimated=False, extension_tell_by=None,
                 waiting_since=waiting, moves=trail.moves,
                 rule=("Five months from the day the request was received (to the same date "
                       "five months on), or 40 days beginning with the day the results are "
                       "announced if that comes first."))


def _complaint(request: Any, trail: _Trail) -> Clock:
    received: date = request.received_on
    due = received + timedelta(days=COMPLAINT_DAYS - 1)
    trail.add(received, f"Received on {long_date(received)}: acknowledge it by "
                        f"{long_date(due)}", due)
    acknowledged = getattr(request, "acknowledged_on", None)
    if acknowledged is not None:
        trail.add(acknowledged, f"Acknowledged on {long_date(acknowledged)}: no further legal "
                                "deadline; the complaint is followed to its outcome")
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


# --- the public functions -----------------------------------------------------------------------


def work_out(request: Any, *, holds: Iterable[Any] | None = None,
             extensions: Iterable[Any] | None = None, calendar: ClockCalendar | None = None,
             today: date | None = None) -> Clock:
    """The request's clock, from its kind and dates, its holds and extensions (read from the
    request when not given), the calendar (the school's when not given) and today (for a wait
    still open: the deadline as if the answer came today)."""
    if holds is None:
        holds = list(request.holds.all()) if request.pk else []
    if extensions is None:
        extensions = list(request.extensions.all()) if request.pk else []
    if calendar is None:
        calendar = ClockCalendar(request.school)
    today = today or _today()
    hold_list = sorted(holds, key=lambda h: (h.asked_on, h.answered_on or date.max))
    extension_list = sorted(extensions, key=lambda e: e.decided_on)
    trail = _Trail()
    kind = request.kind
    announced = getattr(request, "results_announced_on", None)
    if kind == Kind.EXAM_MARKS and announced is not None and announced <= request.received_on:
        # Asked for once the results were out: an ordinary subject access request.
        trail.add(announced, f"Results announced on {long_date(announced)}, before the "
                             "request: the usual one month applies")
        clock = _rights(request, hold_list, extension_list, calendar, today, trail)
    elif kind in RIGHTS_KINDS:
        clock = _rights(request, hold_list, extension_list, calendar, today, trail)
    elif kind in (Kind.FOI, Kind.EIR):
        clock = _information(request, hold_list, extension_list, calendar, today, trail)
    elif kind == Kind.EXAM_MARKS:
        clock = _exam_marks(request, hold_list, calendar, today, trail)
    elif kind == Kind.COMPLAINT:
        clock = _complaint(request, trail)
    elif kind == Kind.EDUCATIONAL_RECORD:
        clock = _educational_record(request, calendar, trail)
    else:
        raise ValueError(f"No clock for the kind {kind!r}.")
    # The moves in the order they happened (those of one day in the order worked out).
    return replace(clock, moves=sorted(clock.moves, key=lambda move: move.on))


def _apply(request: Request, clock: Clock) -> bool:
    """Copy the clock onto the request's fields; whether any changed."""
    values = {"clock_starts_on": clock.starts_on, "due_on": clock.due_on,
              "due_estimated": clock.estimated, "extension_tell_by": clock.extension_tell_by,
              "waiting_since": clock.waiting_since}
    changed = False
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
    ``kinds``, or only those waiting for the requester, when asked): after a bank holiday or
    the term dates changed, and each day for requests waiting for the requester. The number
    of requests whose clock changed. One calendar per school; no audit (the change that
    caused it is audited)."""
    changed: list[Request] = []
    for school in schools:
        calendar = ClockCalendar(school)
        requests = Request.objects.filter(school=school, status=Status.OPEN)
        if kinds is not None:
            requests = requests.filter(kind__in=list(kinds))
        if waiting_only:
            requests = requests.filter(waiting_since__isnull=False)
        for request in requests.prefetch_related("holds", "extensions"):
            clock = work_out(request, calendar=calendar, today=today)
            if _apply(request, clock):
                changed.append(request)
    if changed:
        Request.objects.bulk_update(changed, list(CLOCK_FIELDS), batch_size=200)
    return len(changed)
