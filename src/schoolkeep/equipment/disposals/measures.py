"""Measure of disposals, for the overview's area "transfers" (``overview.types``):

- ``disposals.certified``: disposed items that hold, have held or may hold personal data
  (``personal_data`` not False) and are matched to a certificate of secure deletion, out of
  all such disposed items. The unmatched ones are the duty ``disposals.without-certificate``.

ONE query whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.equipment.models import DisposalItem, Item
from schoolkeep.overview.types import Figures, MeasureSpec

CERTIFIED = "disposals.certified"


class DisposalMeasures:
    module = "disposals"
    label = "Disposals"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(CERTIFIED, "transfers",
                    "Disposed items holding personal data with a certificate of secure "
                    "deletion", "are named on a certificate of secure deletion",
                    empty="No disposed item holds personal data",
                    url_name="equipment:disposal-list", permission="equipment.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        rows = (DisposalItem.objects.filter(school_id__in=ids, item__status=Item.Status.DISPOSED)
                .exclude(item__personal_data=False).order_by().values("school_id")
                .annotate(met=Count("pk", filter=~Q(matched_by="")), total=Count("pk"))
                .values_list("school_id", "met", "total"))
        return {school_id: {CERTIFIED: (met, total)} for school_id, met, total in rows if total}


provider = DisposalMeasures()
