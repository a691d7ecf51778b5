"""Measure of equipment loans, for the overview's area "transfers" (``overview.types``):

- ``loans.not-overdue``: items out on loan that are not overdue (due back on their expected
  return, or on the borrower's leaving date when that is earlier), out of all items out on
  loan. An item recorded lost or stolen while on loan is counted by its incident, not here;
  nor is one disposed of.
  The overdue ones are the duty ``loans.overdue``.

ONE query whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.duties.types import local_date
from schoolkeep.equipment.loans.selectors import due_on
from schoolkeep.equipment.loans.services import GONE
from schoolkeep.equipment.models import Loan
from schoolkeep.overview.types import Figures, MeasureSpec

NOT_OVERDUE = "loans.not-overdue"


class LoanMeasures:
    module = "loans"
    label = "Equipment on loan"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(NOT_OVERDUE, "transfers", "Equipment on loan that is not overdue",
                    "are not overdue", empty="No equipment is out on loan",
                    url_name="equipment:loan-list", permission="equipment.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        today = local_date(now)
        rows = (Loan.objects.filter(school_id__in=ids, returned_on__isnull=True)
                .exclude(item__status__in=sorted(GONE)).annotate(due=due_on()).order_by()
                .values("school_id")
                .annotate(met=Count("pk", filter=Q(due__gte=today)), total=Count("pk"))
                .values_list("school_id", "met", "total"))
        return {school_id: {NOT_OVERDUE: (met, total)} for school_id, met, total in rows
                if total}


provider = LoanMeasures()
