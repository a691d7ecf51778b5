"""Measures of the information asset register, for the overview (``overview.types``).

Over the current (not archived) assets of each school:

- ``assets.owned``: assets with an owner, a person of the school who has not left or an
  outside organisation (a name not yet matched to either does not count, as for the
  "owner missing" duty);
- ``assets.reviewed``: assets whose review is not overdue: the stored ``review_due_on``
  (kept by ``assets.review_due``) is today or later.

ONE aggregate over the assets grouped by school, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.assets.models import Asset
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

OWNED = "assets.owned"
REVIEWED = "assets.reviewed"


def owned_q(today: object) -> Q:
    """An asset whose owner is an outside organisation, or a person who has not left."""
    return Q(owner_organisation__isnull=False) | Q(owner_person__isnull=False) & (
        Q(owner_person__leaving_date__isnull=True) | Q(owner_person__leaving_date__gt=today))


class AssetMeasures:
    module = "assets"
    label = "Information assets"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(OWNED, "assets", "Information assets with an owner", "have an owner",
                    empty="No information assets are registered yet",
                    url_name="assets:asset-list", permission="assets.view"),
        MeasureSpec(REVIEWED, "assets", "Information assets reviewed on time",
                    "are not overdue for review",
                    empty="No information assets are registered yet",
                    url_name="assets:asset-list", permission="assets.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        today = local_date(now)
        rows = (Asset.objects.filter(school_id__in=list(school_ids), archived_at__isnull=True)
                .order_by().values("school_id")
                .annotate(total=Count("pk"), owned=Count("pk", filter=owned_q(today)),
                          reviewed=Count("pk", filter=Q(review_due_on__gte=today)))
                .values_list("school_id", "total", "owned", "reviewed"))
        return {school_id: {OWNED: (owned, total), REVIEWED: (reviewed, total)}
                for school_id, total, owned, reviewed in rows}


provider = AssetMeasures()
