"""Measure of what needs protecting, for the overview's area "backups" (``overview.types``):

- ``backup_scopes.meeting-321``: scopes in use that meet the 3-2-1 rule, out of all scopes
  in use. The others are the duty ``backup_scopes.failing-321``.

The rule's few queries whatever the number of schools (``rule321.counts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schoolkeep.continuity import rule321
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

MEETING = "backup_scopes.meeting-321"


class ScopeMeasures:
    module = "backup_scopes"
    label = "Backups and the 3-2-1 rule"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(MEETING, "backups", "What needs protecting that meets the 3-2-1 rule",
                    "meet the 3-2-1 rule", empty="Nothing is recorded as needing protection",
                    url_name="continuity:scope-list", permission="continuity.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        return {school_id: {MEETING: (met, total)}
                for school_id, (met, total) in rule321.counts(ids, today=local_date(now))
                .items() if total}


provider = ScopeMeasures()
