"""Measure of the digital housekeeping, for the overview's area "training"
(``overview.types``):

- ``housekeeping.confirmed``: confirmations given, of those asked, across ALL the school's
  open campaigns (they may overlap: one for staff, another for governors, so a newer
  campaign must not hide an older one's figure); when none is open, the latest closed
  campaign's (its confirmations no longer change). A person asked in two open campaigns
  counts in each. A school that never launched one has no figure.

ONE query whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.overview.types import Figures, MeasureSpec

CONFIRMED = "housekeeping.confirmed"


class HousekeepingMeasures:
    module = "housekeeping"
    label = "Digital housekeeping"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(CONFIRMED, "training",
                    "Digital housekeeping confirmed in the open campaigns (else the latest closed)",
                    "confirmed their digital housekeeping",
                    empty="No digital housekeeping campaign has been launched",
                    url_name="housekeeping:campaign-list", permission="housekeeping.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        any_open = Campaign.objects.filter(school_id=OuterRef("school_id"),
                                           closed_at__isnull=True)
        latest_closed = (Campaign.objects.filter(school_id=OuterRef("school_id"),
                                                 closed_at__isnull=False)
                         .order_by("-launched_at", "-id").values("pk")[:1])
        counted = Q(campaign__closed_at__isnull=True) | (
            ~Exists(any_open) & Q(campaign_id=Subquery(latest_closed)))
        rows = (Confirmation.objects.filter(school_id__in=ids).filter(counted)
                .order_by().values("school_id")
                .annotate(met=Count("pk", filter=Q(confirmed_at__isnull=False)),
                          total=Count("pk"))
                .values_list("school_id", "met", "total"))
        return {school_id: {CONFIRMED: (met, total)} for school_id, met, total in rows
                if total}


provider = HousekeepingMeasures()
