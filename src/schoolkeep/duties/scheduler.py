"""A small scheduler that runs beside the task worker and enqueues the periodic jobs.

django-tasks has no periodic tasks, so the worker process runs ``Scheduler.run`` in a
thread. Every ``interval`` seconds it asks, for each job, which slot the clock is in:

- ``send_reminders``: daily at 07:00 Europe/London (07:00 stays 07:00 across the clock
  changes). A slot missed while no worker ran is caught up once if it is less than
  ``CATCH_UP`` old (a worker restarted at 09:30 still sends that day's reminders);
  an older one is skipped, so nobody is e-mailed in the evening.
- ``tick``: every ten minutes, on the tens (UTC). Later modules add the clocks they need
  (legal deadlines, retention) with ``register_tick``; the ``tick`` task calls each one.

The last slot of each job is kept in ``SchedulerState``; claiming a slot is one conditional
UPDATE (``last_slot < slot``), so restarts, and several workers on one database, enqueue
each slot exactly once. The job is enqueued in ``transaction.on_commit`` of that claim.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.types import LONDON

logger = logging.getLogger(__name__)

REMINDER_TIME = time(7, 0)
TICK_EVERY = timedelta(minutes=10)
CATCH_UP = timedelta(hours=12)

# --- the tick registry ------------------------------------------------------------------

TickCallable = Callable[[datetime], object]
_ticks: dict[str, TickCallable] = {}


def register_tick(name: str, func: TickCallable) -> TickCallable:
    """Have ``func(now)`` called every ten minutes by the ``tick`` task (name it uniquely,
    such as "incidents.ico-clock"). Registering a name again replaces it."""
    _ticks[name] = func
    return func


def registered_ticks() -> dict[str, TickCallable]:
    return dict(_ticks)


def run_ticks(now: datetime) -> dict[str, list[str]]:
    """Call every tick; one failing tick is logged and does not stop the others."""
    ran, failed = [], []
    for name, func in registered_ticks().items():
        try:
            func(now)
        except Exception:
            logger.exception("Tick %s failed", name)
            failed.append(name)
        else:
            ran.append(name)
    return {"ran": ran, "failed": failed}


# --- slots --------------------------------------------------------------------------------


def daily_slot(now: datetime, at: time = REMINDER_TIME) -> datetime:
    """The latest ``at`` (Europe/London) not after ``now``, as a UTC instant."""
    local = now.astimezone(LONDON)
    slot = datetime.combine(local.date(), at, tzinfo=LONDON)
    if slot > local:
        slot = datetime.combine(local.date() - timedelta(days=1), at, tzinfo=LONDON)
    return slot.astimezone(UTC)


def every_slot(now: datetime, step: timedelta = TICK_EVERY) -> datetime:
    """The latest multiple of ``step`` since the epoch (UTC) not after ``now``."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    steps = (now - epoch) // step
    return epoch + steps * step


@dataclass(frozen=True)
class Job:
    name: str
    slot: Callable[[datetime], datetime]
    enqueue: Callable[[], Any]
    catch_up: timedelta | None = None  # None: always run a missed slot


def _enqueue_reminders() -> Any:
    from schoolkeep.duties.tasks import send_reminders

    return send_reminders.enqueue()


def _enqueue_tick() -> Any:
    from schoolkeep.duties.tasks import tick

    return tick.enqueue()


JOBS: tuple[Job, ...] = (
    Job("send_reminders", daily_slot, _enqueue_reminders, catch_up=CATCH_UP),
    Job("tick", every_slot, _enqueue_tick),
)


def _claim(job: Job, slot: datetime, now: datetime) -> bool:
    """Move the job's last slot forward to ``slot``; False if it was there already."""
    SchedulerState.objects.get_or_create(job=job.name)
    claimed = (
        SchedulerState.objects.filter(job=job.name)
        .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
        .update(last_slot=slot, last_enqueued_at=now)
    )
    return claimed == 1


def run_due_jobs(now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Enqueue each job whose current slot has not been enqueued yet; returns their names."""
    moment = now or timezone.now()
    enqueued = []
    for job in jobs:
        slot = job.slot(moment)
        with transaction.atomic():
            if not _claim(job, slot, moment):
                continue
            if job.catch_up is not None and moment - slot > job.catch_up:
                logger.info("Skipped %s for %s: missed by more than %s", job.name, slot,
                            job.catch_up)
                continue
            transaction.on_commit(job.enqueue)
        enqueued.append(job.name)
        logger.info("Enqueued %s for %s", job.name, slot.isoformat())
    return enqueued


class Scheduler:
    """Calls ``run_due_jobs`` every ``interval`` seconds until ``stop()``."""

    def __init__(self, *, interval: float = 20.0) -> None:
        self.interval = interval
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run_once(self) -> list[str]:
        close_old_connections()
        try:
            return run_due_jobs()
        except Exception:
            # The database may be briefly unavailable; try again at the next beat.
            logger.exception("The scheduler could not check its jobs")
            return []

    def run(self) -> None:
        logger.info("Scheduler started: reminders at 07:00 Europe/London, a tick every 10 min")
        try:
            while not self._stop.is_set():
                self.run_once()
                self._stop.wait(self.interval)
        finally:
            connection.close()
            logger.info("Scheduler stopped")

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="schoolkeep-scheduler", daemon=True)
        thread.start()
        return thread
