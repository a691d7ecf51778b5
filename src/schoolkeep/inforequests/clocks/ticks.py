"""A daily tick for the clocks that wait: while the school waits for the requester (proof
of identity, a clarification, a fee), a request's deadline is the one it would have if the
answer came today, so it moves on each day. Once a night, just after midnight in the UK, the
first ten-minute tick claims the day (one conditional UPDATE, as the scheduler claims its
slots) and works out again the open requests that wait."""

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
    """True once per day, for the first caller after that day's 00:05 (UK time)."""
    slot = daily_slot(now, RUN_AT)
    SchedulerState.objects.get_or_create(job=JOB)
    claimed = (SchedulerState.objects.filter(job=JOB)
               .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
               .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def waiting_clocks_refresh(now: datetime) -> int:
    """Work out again every open request that waits for the requester; how many moved."""
    today = now.astimezone(LONDON).date()
    schools = School.objects.filter(pk__in=Request.objects.filter(
        status=Status.OPEN, waiting_since__isnull=False).values("school_id"))
    with transaction.atomic():
        return clocks_refresh_open(schools=list(schools), today=today, waiting_only=True)


def daily(now: datetime) -> int:
    with transaction.atomic():
        claimed = claim_day(now)
    return waiting_clocks_refresh(now) if claimed else 0


def register() -> None:
    register_tick(JOB, daily)
