"""The daily erasure, through the scheduler's ten-minute tick.

The first tick after 01:30 (UK time) claims the day with one conditional UPDATE, as the
scheduler claims its slots, so several workers or a restart run it once; then it runs the
erasure of every school in batches, each batch its own transaction. A day missed while no
worker ran is caught up at the next tick. The claim is committed before the work: a run
that fails half-way keeps what it erased and the rest is erased the next day.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.db.models import Q

from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import daily_slot, register_tick
from schoolkeep.duties.types import LONDON

JOB = "privacy.erasure"
RUN_AT = time(1, 30)  # after the clocks (00:05), before the nightly backup (02:00)


def claim_day(now: datetime) -> bool:
    slot = daily_slot(now, RUN_AT)
    with transaction.atomic():
        SchedulerState.objects.get_or_create(job=JOB)
        claimed = (SchedulerState.objects.filter(job=JOB)
                   .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
                   .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def daily(now: datetime) -> int:
    """Erase what is due in every school once a day; how many records were erased."""
    from schoolkeep.privacy.erasure.runner import run_erasure

    if not claim_day(now):
        return 0
    return run_erasure(today=now.astimezone(LONDON).date(), now=now).erased_count


def register() -> None:
    register_tick(JOB, daily)
