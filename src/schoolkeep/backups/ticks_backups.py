"""The nightly backup's clock: at 02:00 Europe/London, through the ten-minute tick.

The scheduler's ``tick`` task calls ``nightly_tick(now)`` every ten minutes. It takes the
backup once per night: the first tick after that night's 02:00 claims the night (one
conditional UPDATE on ``SchedulerState``, as the scheduler claims its slots, so several
workers or a restart never take it twice). A night missed while no worker ran is caught
up at the next tick: a late backup is better than none.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q

from schoolkeep.backups.services_nightly import nightly_backup
from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import daily_slot, register_tick

BACKUP_TIME = time(2, 0)
JOB = "backups.nightly"


def claim_night(now: datetime) -> bool:
    """True once per night, for the first caller after that night's 02:00."""
    slot = daily_slot(now, BACKUP_TIME)
    SchedulerState.objects.get_or_create(job=JOB)
    claimed = (SchedulerState.objects.filter(job=JOB)
               .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
               .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def nightly_tick(now: datetime) -> None:
    if claim_night(now):
        nightly_backup(now)


def register() -> None:
    register_tick(JOB, nightly_tick)
