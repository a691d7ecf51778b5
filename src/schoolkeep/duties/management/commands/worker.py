"""``schoolkeep worker``: the background task worker and the scheduler, for production."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.duties.management.commands.serve import (
    refuse_after_failed_migration,
    refuse_demo_in_production,
)
from schoolkeep.duties.scheduler import Scheduler
from schoolkeep.lib.startup_checks import refuse_to_start_with_errors

logger = logging.getLogger(__name__)
# The loggers that say a task started, finished or was enqueued: quiet at ``-v 0``, where
# only warnings and errors are shown (``make run`` keeps the demo's logins on screen).
ROUTINE_LOGGERS = ("schoolkeep.duties.scheduler", "django_tasks", "django_tasks_db")


class Command(BaseCommand):
    help = (
        "Run the task worker (django-tasks-db's db_worker) with the scheduler that enqueues "
        "the daily reminders at 07:00 Europe/London and a tick every ten minutes. "
        "Stops cleanly on Ctrl-C or SIGTERM. Run one worker on SQLite."
    )
    # The checks run in handle(), deployment checks included, as one line per error.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Run the worker only (another worker process runs the scheduler).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between checks for new tasks when the queue is empty (default 1).",
        )

    def handle(self, *args: Any, no_scheduler: bool = False, interval: float = 1.0,
               **options: Any) -> None:
        if not 0 < interval <= 60:
            raise CommandError("--interval must be more than 0 and at most 60 seconds.")
        refuse_to_start_with_errors()  # e.g. no backup passphrase: the nightly backup would fail
        refuse_demo_in_production()  # reminders must never go to demo members
        refuse_after_failed_migration()  # no tasks, no nightly backup, on a half-migrated DB
        if int(options.get("verbosity", 1)) == 0:
            for name in ROUTINE_LOGGERS:
                logging.getLogger(name).setLevel(logging.WARNING)
        scheduler = None if no_scheduler else Scheduler()
        thread = scheduler.start_thread() if scheduler else None
        try:
            # db_worker handles SIGINT/SIGTERM itself: it finishes the running task and exits.
            call_command(
                "db_worker",
                reload=False,
                interval=interval,
                startup_delay=False,
                verbosity=options.get("verbosity", 1),
            )
        finally:
            if scheduler is not None and thread is not None:
                scheduler.stop()
                thread.join(timeout=10)
