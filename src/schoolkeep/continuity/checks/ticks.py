"""The scheduler's tick that brings Schoolkeep's own sets up to date after the nightly
backup: once a night, after 03:00 Europe/London (an hour after the backup starts at 02:00),
for every school (``install.ensure_install_sets``): a new school gets its sets, and a copy
folder set up, changed or removed by the operator shows in every school's sets.

The night is claimed as the backup's is (one conditional UPDATE on ``SchedulerState``), so
several workers or a restart never run it twice; a night missed is caught up at the next
tick.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q

from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import daily_slot, register_tick

RUN_AT = time(3, 0)
JOB = "continuity.install-sets"


def claim_night(now: datetime) -> bool:
    """True once per night, for the first caller after that night's 03:00."""
    slot = daily_slot(now, RUN_AT)
    SchedulerState.objects.get_or_create(job=JOB)
    claimed = (SchedulerState.objects.filter(job=JOB)
               .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
               .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def install_sets_tick(now: datetime) -> None:
    if claim_night(now):
        ensure_install_sets()


def register() -> None:
    register_tick(JOB, install_sets_tick)
