"""Measure of the recovery plan, for the overview's area "backups" (``overview.types``):

- ``recovery_plan.tested``: schools whose recovery plan was tested within the last year (a
  tabletop exercise counts), out of the schools with a plan or with something recorded as
  needing protection. A school with neither has no figure.
  Its duties are ``recovery_plan.missing`` and ``recovery_plan.untested``.

ONE query whatever the number of schools (``status.statuses``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schoolkeep.continuity.plan.status import statuses
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

TESTED = "recovery_plan.tested"


class RecoveryPlanMeasures:
    module = "recovery_plan"
    label = "Recovery plan"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(TESTED, "backups", "Recovery plan tested within the year",
                    "have a recovery plan tested within the year",
                    empty="No recovery plan or backups recorded yet",
                    url_name="continuity:plan", permission="continuity.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        today = local_date(now)
        return {school_id: {TESTED: (int(status.has_plan
                                         and status.tested_within_year(today)), 1)}
                for school_id, status in statuses(school_ids).items()
                if status.has_plan or status.first_scope_at is not None}


provider = RecoveryPlanMeasures()
