"""Reads for the Backups page: the runs, newest first, and the summary above them.

Backups are of the whole installation, so nothing here takes a school. The page never shows
a folder's path: ``run_reason`` puts the backups folder, the copy folder and the data folder
into words before a failure's reason is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet

from schoolkeep.backups import services_nightly, ticks_backups
from schoolkeep.backups.models import BackupRun
from schoolkeep.duties.scheduler import daily_slot
from schoolkeep.duties.types import LONDON


@dataclass(frozen=True)
class BackupSummary:
    last_good: BackupRun | None
    next_due: datetime  # aware, Europe/London
    backup_time: time  # Europe/London
    keep_days: int
    keep_weeks: int
    has_copy: bool


def backup_run_list() -> QuerySet[BackupRun]:
    """Every run, newest first (ties broken by id, so pages never overlap)."""
    return BackupRun.objects.order_by("-started_at", "-pk")


def next_backup_due(now: datetime) -> datetime:
    """The next nightly slot after ``now``: the scheduler's first tick after it takes the
    backup. A calendar day later in London, so the hour stays right across clock changes."""
    last = daily_slot(now, ticks_backups.BACKUP_TIME).astimezone(LONDON)
    return datetime.combine(last.date() + timedelta(days=1), ticks_backups.BACKUP_TIME,
                            tzinfo=LONDON)


def backup_summary(*, now: datetime) -> BackupSummary:
    """What the top of the page says: one query (the last good backup)."""
    return BackupSummary(
        last_good=services_nightly.last_good_backup(),
        next_due=next_backup_due(now),
        backup_time=ticks_backups.BACKUP_TIME,
        keep_days=services_nightly.KEEP_DAYS,
        keep_weeks=services_nightly.KEEP_WEEKS,
        has_copy=services_nightly.copy_dir() is not None,
    )


def run_reason(message: str) -> str:
    """A failure's one-line reason with the server's folders named in words, not paths."""
    folders = [(services_nightly.copy_dir(), "the second copy folder"),
               (services_nightly.backups_dir(), "the backups folder"),
               (settings.DATA_DIR, "the data folder")]
    for folder, words in folders:
        if folder is not None and str(folder):
            message = message.replace(str(folder), words)
    return message
