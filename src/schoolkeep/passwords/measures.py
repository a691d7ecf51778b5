"""Measures of the password change cycles, for the overview (area "access").

- ``passwords.changes-current``: holders whose password change on a system is not overdue,
  out of every holder of a system with a due date (one per person and system, whatever the
  number of cycles they hold on it).

The termly rule does not fit in SQL, so this is not one aggregate: it reads each table once
for all the schools (``passwords.selectors.current_counts``, a fixed number of queries) and
counts in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.passwords.selectors import current_counts

CURRENT = "passwords.changes-current"


class PasswordMeasures:
    module = "passwords"
    label = "Password changes"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(CURRENT, "access", "Password changes not overdue",
                    "have changed their password in time",
                    empty="No password cycles yet",
                    url_name="passwords:overdue", permission="passwords.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        counts = current_counts(school_ids=school_ids, today=local_date(now))
        return {school_id: {CURRENT: figures} for school_id, figures in counts.items()}


provider = PasswordMeasures()

