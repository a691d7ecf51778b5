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
