"""Measures of backup checks and restore tests, for the overview's area "backups"
(``overview.types``):

- ``backup_checks.recent``: backup sets in use with a successful check within the school's
  window (Schoolkeep's own sets count their nightly runs), out of all its sets in use;
- ``restore_tests.this-term``: a restore test in the current term, 1 of 1 (or 0 of 1), for
  each school that has recorded a set of its own.

The duties ``backup_checks.missing`` and ``restore_tests.due`` follow up what is short. A
fixed number of queries whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from schoolkeep.continuity.checks.latest import last_success_by_set
from schoolkeep.continuity.checks.status import restore_dues, windows
from schoolkeep.continuity.models import BackupSet
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

RECENT = "backup_checks.recent"
THIS_TERM = "restore_tests.this-term"


class CheckMeasures:
    module = "backup_checks"
    label = "Backup checks and restore tests"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(RECENT, "backups", "Backups with a recent successful check",
                    "have a recent successful check", empty="No backup sets are recorded",
                    url_name="continuity:check-list", permission="continuity.view"),
        MeasureSpec(THIS_TERM, "backups", "A restore test this term",
                    "tested this term", empty="No backup sets are recorded",
                    url_name="continuity:restore-list", permission="continuity.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        today = local_date(now)
        last = last_success_by_set(ids)
        window = windows(ids)
        result: Figures = {}
        recent: dict[int, list[int]] = {}  # school id: [met, total]
        for set_id, school_id in (BackupSet.objects.filter(school_id__in=ids,
                                                           retired_at__isnull=True)
                                  .values_list("pk", "school_id")):
            counted = recent.setdefault(school_id, [0, 0])
            day = last.get(set_id)
            counted[0] += int(day is not None
                              and day >= today - timedelta(days=window[school_id]))
            counted[1] += 1
        for school_id, (met, total) in recent.items():
            result[school_id] = {RECENT: (met, total)}
        for school_id, due in restore_dues(ids, today=today).items():
            result.setdefault(school_id, {})[THIS_TERM] = (int(due.tested_this_term), 1)
        return result


provider = CheckMeasures()
