"""Measure of the digital housekeeping, for the overview's area "training"
(``overview.types``):

- ``housekeeping.confirmed``: people who confirmed their digital housekeeping, of those asked,
  in the school's latest campaign (open or closed; a closed campaign's confirmations no
  longer change). A school that never launched one has no figure.

ONE query whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, OuterRef, Q, Subquery

from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.overview.types import Figures, MeasureSpec

CONFIRMED = "housekeeping.confirmed"


class HousekeepingMeasures:
    module = "housekeeping"
    label = "Digital housekeeping"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(CONFIRMED, "training",
                    "People who confirmed their digital housekeeping in the latest campaign",
                    "confirmed their digital housekeeping",
                    empty="No digital housekeeping campaign has been launched",
                    url_name="housekeeping:campaign-list", permission="housekeeping.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        latest = (Campaign.objects.filter(school_id=OuterRef("school_id"))
                  .order_by("-launched_at", "-id").values("pk")[:1])
        rows = (Confirmation.objects.filter(school_id__in=ids)
                .filter(campaign_id=Subquery(latest)).order_by().values("school_id")
                .annotate(met=Count("pk", filter=Q(confirmed_at__isnull=False)),
                          total=Count("pk"))
                .values_list("school_id", "met", "total"))
        return {school_id: {CONFIRMED: (met, total)} for school_id, met, total in rows
                if total}


provider = HousekeepingMeasures()
