"""Records the duties part's tests share: requests written straight into the table with the
clock fields given (the duties read ``due_on``, ``waiting_since`` and the rest as stored;
the clocks part tests how they are worked out), each naming a person and carrying a
narrative that must never reach a duty's title, an e-mail or the governor pack."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schoolkeep.inforequests.models import (
    Channel,
    Extension,
    Hold,
    Kind,
    Request,
    RequesterType,
    SearchTask,
    SubjectType,
)

LONDON = ZoneInfo("Europe/London")
# Monday 7 December 2026, noon in London: its last five working days run to Friday 11.
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()
REQUESTER = "Ophelia Thistlewood"
SUBJECT = "Barnaby Thistlewood"
NARRATIVE = "every note about Barnaby's counselling sessions"


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def make(school: Any, *, due: int | date, kind: str = Kind.SUBJECT_ACCESS,
         received: int | date = -20, starts: int | date | None = None,
         **fields: Any) -> Request:
    """A request of ``school`` received ``received`` days from today (or on that date), its
    clock starting then (or on ``starts``) and due ``due`` days from today (or then)."""
    received_on = received if isinstance(received, date) else days(received)
    starts_on = starts if isinstance(starts, date) else (
        days(starts) if starts is not None else received_on)
    due_on = due if isinstance(due, date) else days(due)
    number = Request.objects.filter(school=school).count() + 1
    values: dict[str, Any] = {
        "school": school, "reference": f"RQ-2026-{number:04d}", "reference_year": 2026,
        "reference_number": number, "kind": kind, "channel": Channel.EMAIL,
        "requester_type": RequesterType.PARENT, "requester_name": REQUESTER,
        "requester_contact": "ophelia@example.org", "subject_type": SubjectType.PUPIL,
        "subject_name": SUBJECT, "description": f"Please send {NARRATIVE}.",
        "received_on": received_on,
        "received_at": datetime.combine(received_on, time(9, 0), tzinfo=LONDON),
        "clock_starts_on": starts_on, "due_on": due_on, **fields}
    return Request.objects.create(**values)


def hold(request: Request, *, asked: int, reason: str = Hold.Reason.IDENTITY,
         answered: int | None = None) -> Hold:
    """A hold; while unanswered the request waits from the day it was asked."""
    made = Hold.objects.create(request=request, reason=reason, asked_on=days(asked),
                               answered_on=None if answered is None else days(answered),
                               note=f"Asked {REQUESTER} for a passport")
    if answered is None:
        Request.objects.filter(pk=request.pk).update(waiting_since=days(asked))
    return made


def search(request: Request, assignee: Any, *, due: int | None = None,
           state: str = SearchTask.State.OPEN, place: str = "CPOMS") -> SearchTask:
    return SearchTask.objects.create(request=request, assignee=assignee, place=place,
                                     due_on=None if due is None else days(due), state=state,
                                     note=f"Look for {SUBJECT}")


def extension(request: Request, *, decided: int = -1, told: int | None = None,
              tell_by: int = 10) -> Extension:
    """An extension, the request's tell-by day ``tell_by`` days from today (every request an
    extension can be decided on has one: the clocks set it for the rights, FOI and EIR)."""
    Request.objects.filter(pk=request.pk).update(extension_tell_by=days(tell_by))
    return Extension.objects.create(request=request, decided_on=days(decided), amount=1,
                                    reason=f"{REQUESTER} asked for ten years of records",
                                    told_on=None if told is None else days(told))
