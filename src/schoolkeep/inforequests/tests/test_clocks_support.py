"""Helpers for the clocks part's tests (no tests here): a stored request of any kind, with
the clock worked out as intake would (through ``clock_refresh``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from schoolkeep.inforequests.clocks.deadline import clock_refresh
from schoolkeep.inforequests.models import Kind, Request, RequesterType

_numbers: dict[int, int] = {}


def stored_request(school: Any, *, kind: str = Kind.SUBJECT_ACCESS,
                   received_on: date = date(2026, 3, 2), **fields: Any) -> Request:
    number = _numbers[school.pk] = _numbers.get(school.pk, 0) + 1
    while Request.objects.filter(school=school, reference_year=received_on.year,
                                 reference_number=number).exists():
        number = _numbers[school.pk] = number + 1
    request = Request(
        school=school, kind=kind, channel="email",
        reference=f"RQ-{received_on.year}-{number:04d}", reference_year=received_on.year,
        reference_number=number, requester_type=RequesterType.PARENT,
        requester_name="A Parent", description="Everything you hold",
        received_on=received_on,
        received_at=datetime(received_on.year, received_on.month, received_on.day, 10,
                             tzinfo=UTC),
        **fields)
    clock_refresh(request)
    request.full_clean()
    request.save()
    return request


# --- gov.uk's published bank holidays, typed in (never read from the library) ----------------
# https://www.gov.uk/bank-holidays, weekdays only (a weekend never counts anyway). 2028 is
# there for the deadlines of requests received late in 2027.

def _days(*values: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


ENGLAND_AND_WALES = _days(
    # 2026: New Year's Day, Good Friday, Easter Monday, early May, spring, summer, Christmas
    # Day, Boxing Day (substitute day: 26 December is a Saturday)
    "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
    "2026-12-25", "2026-12-28",
    # 2027: Christmas Day and Boxing Day fall on a weekend: substitute days 27 and 28 December
    "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
    "2027-12-27", "2027-12-28",
    # 2028: New Year's Day is a Saturday: substitute day 3 January
    "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28",
    "2028-12-25", "2028-12-26",
)
SCOTLAND = _days(
    # 2026: 2 January, the World Cup bank holiday proclaimed for 15 June, the summer bank
    # holiday on 3 August, St Andrew's Day; no Easter Monday, no late August
    "2026-01-01", "2026-01-02", "2026-04-03", "2026-05-04", "2026-05-25", "2026-06-15",
    "2026-08-03", "2026-11-30", "2026-12-25", "2026-12-28",
    # 2027: 2 January is a Saturday: substitute day 4 January
    "2027-01-01", "2027-01-04", "2027-03-26", "2027-05-03", "2027-05-31", "2027-08-02",
    "2027-11-30", "2027-12-27", "2027-12-28",
    "2028-01-03", "2028-01-04", "2028-04-14", "2028-05-01", "2028-05-29", "2028-08-07",
    "2028-11-30", "2028-12-25", "2028-12-26",
)
NORTHERN_IRELAND = _days(
    # St Patrick's Day and the Battle of the Boyne (12 July 2026 is a Sunday: 13 July)
    "2026-01-01", "2026-03-17", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
    "2026-07-13", "2026-08-31", "2026-12-25", "2026-12-28",
    "2027-01-01", "2027-03-17", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
    "2027-07-12", "2027-08-30", "2027-12-27", "2027-12-28",
    "2028-01-03", "2028-03-17", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29",
    "2028-07-12", "2028-08-28", "2028-12-25", "2028-12-26",
)
ANYWHERE_IN_THE_UK = ENGLAND_AND_WALES | SCOTLAND | NORTHERN_IRELAND


def england_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in ENGLAND_AND_WALES


def uk_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in ANYWHERE_IN_THE_UK


# --- a school's year, typed in: terms with half-terms, INSET days and a closure -----------------
# (first day, last day, days without pupils)
TERMS: list[tuple[date, date, list[tuple[date, date]]]] = [
    (date(2026, 1, 5), date(2026, 3, 27), [(date(2026, 2, 16), date(2026, 2, 20))]),
    (date(2026, 4, 13), date(2026, 7, 22), [(date(2026, 5, 26), date(2026, 5, 29))]),
    # INSET on the first day, half-term
    (date(2026, 9, 1), date(2026, 12, 18), [(date(2026, 9, 1), date(2026, 9, 1)),
                                            (date(2026, 10, 26), date(2026, 10, 30))]),
    (date(2027, 1, 4), date(2027, 3, 25), [(date(2027, 1, 4), date(2027, 1, 4)),
                                           (date(2027, 2, 15), date(2027, 2, 19))]),
    # A closure for the polling day on 6 May 2027, half-term
    (date(2027, 4, 12), date(2027, 7, 21), [(date(2027, 5, 6), date(2027, 5, 6)),
                                            (date(2027, 6, 1), date(2027, 6, 4))]),
    (date(2027, 9, 1), date(2027, 12, 17), [(date(2027, 9, 1), date(2027, 9, 2)),
                                            (date(2027, 10, 25), date(2027, 10, 29))]),
    (date(2028, 1, 4), date(2028, 3, 31), [(date(2028, 2, 14), date(2028, 2, 18))]),
    (date(2028, 4, 18), date(2028, 7, 21), [(date(2028, 5, 29), date(2028, 6, 2))]),
]


def school_day(day: date) -> bool:
    """A day with sessions by the typed table: inside a term, not a day without pupils, a
    weekday, not a bank holiday in England."""
    if not england_working_day(day):
        return False
    return any(first <= day <= last and not any(a <= day <= b for a, b in off)
               for first, last, off in TERMS)
