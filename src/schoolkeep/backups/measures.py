"""Measures of Schoolkeep's own backup, for the overview (``overview.types``).

- ``backups.recent``: a good backup of this installation of Schoolkeep finished in the last
  36 hours (``duties_backups.MISSING_AFTER``, the same rule as the backup duty): 1 of 1, or
  0 of 1. The backup holds every school of the installation, so every school shows the same
  figure. It says nothing about the school's other systems (its MIS, its file server).

ONE query, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schoolkeep.backups.duties_backups import MISSING_AFTER
from schoolkeep.backups.models import BackupRun
from schoolkeep.overview.types import Figures, MeasureSpec

RECENT = "backups.recent"


class BackupMeasures:
    module = "backups"
    label = "Backups"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(RECENT, "backups",
                    "Schoolkeep's own backup: a good one in the last 36 hours",
                    "finished well", url_name="backups:backup-list",
                    permission="systems.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        good = BackupRun.objects.filter(ok=True, finished_at__gt=now - MISSING_AFTER,
                                        finished_at__lte=now).exists()
        return {school_id: {RECENT: (int(good), 1)} for school_id in school_ids}


provider = BackupMeasures()
