"""The daily tick of the clocks: every open request's clock is worked out again once a day,
just after midnight in the UK. A wait for the requester moves the deadline on each day (it
is the one that would apply if the answer came today), and an extension not told to the
requester in time lapses the day after its tell-by day, so the stored deadline of every
open request must follow the calendar, not only of those that wait. It is cheap (about
0.2 ms a request).

The first ten-minute tick after 00:05 (UK time) claims the day, with one conditional UPDATE as
the scheduler claims its slots, and works the clocks out in the SAME transaction: if the work
fails, the claim is rolled back with it and the next tick tries the day again; a second
worker waits on the claimed row, then finds the day taken."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.db.models import Q

from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import daily_slot, register_tick
from schoolkeep.duties.types import LONDON
from schoolkeep.inforequests.clocks.deadline import clocks_refresh_open
from schoolkeep.inforequests.models import Request, Status
from schoolkeep.tenancy.models import School

JOB = "requests.waiting-clocks"
RUN_AT = time(0, 5)


def claim_day(now: datetime) -> bool:
    """True once per day, for the first caller after that day's 00:05 (UK time). Call it in
    the transaction that does the day's work."""
    slot = daily_slot(now, RUN_AT)
    SchedulerState.objects.get_or_create(job=JOB)
    claimed = (SchedulerState.objects.filter(job=JOB)
               .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
               .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def open_clocks_refresh(now: datetime) -> int:
    """Work out again every open request of every school, as of today in the UK; how many
    moved."""
    today = now.astimezone(LONDON).date()
    schools = School.objects.filter(pk__in=Request.objects.filter(
        status=Status.OPEN).values("school_id")).order_by("pk")
    return clocks_refresh_open(schools=list(schools), today=today)


def daily(now: datetime) -> int:
    """Claim the day and refresh the clocks in one transaction (0 when the day was taken)."""
    with transaction.atomic():
        if not claim_day(now):
            return 0
        return open_clocks_refresh(now)


def register() -> None:
    register_tick(JOB, daily)
