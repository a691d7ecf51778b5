"""The measure of DPIAs, for the overview (``overview.types``), area ``privacy``.

- ``dpias.completed-where-required``: of the school's current information assets whose
  current DPIA says one is required (the screening, or the register's old "DPIA needed"
  migrated as a legacy DPIA), how many have it completed: signed off by the SIRO. A DPIA's
  sign-off stays counted after its review date has passed (the review is a duty of its own,
  ``dpias.review-due``). The third number, pending: current assets with special category or
  children's data not yet screened, which may need one (the duty ``dpias.required-not-done``
  asks for their screening).

Figures only, never an asset's name: the overview shows them to governors.

ONE aggregate over the assets grouped by school, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q

from schoolkeep.assets.models import Asset
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.privacy.dpias.models import Dpia

COMPLETED_WHERE_REQUIRED = "dpias.completed-where-required"


def _current_dpia(**conditions: object) -> Exists:
    return Exists(Dpia.objects.filter(asset_id=OuterRef("pk"), archived_at__isnull=True,
                                      **conditions))


class DpiaMeasures:
    module = "dpias"
    label = "DPIAs"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(COMPLETED_WHERE_REQUIRED, "privacy",
                    "Assets that need a DPIA with one completed",
                    "have their DPIA completed (signed off)",
                    empty="No asset needs a DPIA",
                    url_name="dpias:dpia-list", permission="dpias.view",
                    pending_words=("{n} asset with sensitive or children's data not screened",
                                   "{n} assets with sensitive or children's data not "
                                   "screened"),
                    pending_none="No asset needs a DPIA yet"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        required = Q(_current_dpia(screening_required=True))
        completed = Q(_current_dpia(screening_required=True, signed_off_on__isnull=False))
        unscreened = ((Q(special_category_data=True) | Q(children_data=True))
                      & ~Q(_current_dpia(screening_required__isnull=False)))
        rows = (Asset.objects
                .filter(school_id__in=list(school_ids), archived_at__isnull=True)
                .order_by().values("school_id")
                .annotate(total=Count("pk", filter=required),
                          met=Count("pk", filter=completed),
                          pending=Count("pk", filter=unscreened))
                .filter(Q(total__gt=0) | Q(pending__gt=0))
                .values_list("school_id", "total", "met", "pending"))
        return {school_id: {COMPLETED_WHERE_REQUIRED: (met, total, pending)}
                for school_id, total, met, pending in rows}


provider = DpiaMeasures()
