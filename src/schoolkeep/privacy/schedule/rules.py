"""When a record's retention period ends: the rule of a record type applied to its event.

A record type keeps its period as a rule (``years``/``months``/``days`` after an ``event``).
``retention_ends_on`` turns one rule and one event date into the day the period ends. Pure
functions, no queries: the erasure runner, the "due for destruction" page and the duties call
them row by row.

Two calendar details decided here once:
- 29 February plus whole years lands on 28 February in a year without one (a period never
  runs past the anniversary's month), and the same for month ends (31 January + 1 month is
  28 or 29 February).
- For ``financial_year_end`` the period starts at the end of the financial year containing
  the event: 31 March for a maintained school (the local authority's year, April to March),
  31 August for an academy or an independent school (the academies' year, September to
  August; an independent school sets its own, so adjust the type if it differs).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any, Protocol

from schoolkeep.privacy.schedule.models import RetentionEvent


class PeriodRule(Protocol):
    """A record type's rule, or anything read-only with the same four values."""

    @property
    def event(self) -> str: ...
    @property
    def years(self) -> int: ...
    @property
    def months(self) -> int: ...
    @property
    def days(self) -> int: ...


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the last day of the month it lands in."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def financial_year_end(day: date, *, school: Any = None) -> date:
    """The last day of the financial year that contains ``day`` (see the module's note)."""
    end_month = 3 if _maintained(school) else 8
    end_day = calendar.monthrange(day.year, end_month)[1]
    end = date(day.year, end_month, end_day)
    return end if day <= end else date(day.year + 1, end_month, end_day)


def _maintained(school: Any) -> bool:
    if school is None:
        return True  # the local authority's year is the commoner one for a school
    return getattr(school, "kind", "maintained") == "maintained"


def period_start(record_type: PeriodRule, event_date: date, *, school: Any = None) -> date:
    if record_type.event == RetentionEvent.FINANCIAL_YEAR_END:
        return financial_year_end(event_date, school=school)
    return event_date


def retention_ends_on(record_type: PeriodRule, event_date: date, *, school: Any = None) -> date:
    """The last day of the period of ``record_type`` for a record whose event fell on
    ``event_date``: the period runs to the end of that (anniversary) day, so the record is
    due (destroyed, reviewed, transferred) from the day after, when this date < today."""
    start = period_start(record_type, event_date, school=school)
    ends = add_months(start, 12 * (record_type.years or 0) + (record_type.months or 0))
    return ends + timedelta(days=record_type.days or 0)


def latest_event_on(record_type: PeriodRule, today: date, *, school: Any = None) -> date:
    """The latest event date whose period has ended before ``today`` (``retention_ends_on``
    < today: the anniversary day itself is still within the period): a record whose event
    fell on or before this day is due. Used to turn "past its period" into one SQL filter."""
    # Going backwards by the same amounts, then stepping forward over the clamping of month
    # ends, gives the largest event date with retention_ends_on(...) < today.
    if record_type.event == RetentionEvent.FINANCIAL_YEAR_END:
        # The period starts at a year end: the latest year end whose period has ended.
        end = financial_year_end(today, school=school)
        while retention_ends_on(record_type, end, school=school) >= today:
            end = financial_year_end(date(end.year - 1, end.month, 1), school=school)
        return end
    back = today - timedelta(days=1 + (record_type.days or 0))
    guess = add_months(back, -(12 * (record_type.years or 0) + (record_type.months or 0)))
    while retention_ends_on(record_type, guess + timedelta(days=1), school=school) < today:
        guess += timedelta(days=1)
    while retention_ends_on(record_type, guess, school=school) >= today:
        guess -= timedelta(days=1)
    return guess


def describe_period(record_type: PeriodRule) -> str:
    """The period in plain words: "6 years after leaving the school"."""
    parts = []
    for amount, unit in ((record_type.years, "year"), (record_type.months, "month"),
                         (record_type.days, "day")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    length = " and ".join(parts) if parts else "No time"
    return f"{length} after {EVENT_PHRASES.get(record_type.event, record_type.event)}"


EVENT_PHRASES: dict[str, str] = {
    RetentionEvent.LEAVING: "leaving",
    RetentionEvent.DATE_OF_BIRTH: "the pupil's date of birth",
    RetentionEvent.FINANCIAL_YEAR_END: "the end of the financial year",
    RetentionEvent.INCIDENT: "the incident",
    RetentionEvent.CLOSURE: "the file or case is closed",
    RetentionEvent.CREATION: "the record is made",
    RetentionEvent.DECISION: "the decision",
}
