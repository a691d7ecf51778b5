"""Measures of the information asset register, for the overview (``overview.types``).

Over the current (not archived) assets of each school:

- ``assets.owned``: assets with an owner, a person of the school who has not left or an
  outside organisation (a name not yet matched to either does not count, as for the
  "owner missing" duty);
- ``assets.reviewed``: assets whose review is not overdue: the stored ``review_due_on``
  (kept by ``assets.review_due``) is today or later.

ONE query whatever the number of schools: the current assets grouped by school (read from
the ``asset_duty_counts`` index alone, no join), UNION ALL the assets of owners who have
left, found from the few leavers by the people's (school, leaving date) index and taken off
the owned figure, as ``assets.duties`` counts its totals. (Joining each asset to its owner
to read the leaving date cost a row lookup per asset.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value

from schoolkeep.assets.models import Asset
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.people.models import Person

OWNED = "assets.owned"
REVIEWED = "assets.reviewed"

# An owner person or an outside organisation (never both: ``asset_one_kind_of_owner``).
HAS_OWNER = Q(owner_person__isnull=False) | Q(owner_organisation__isnull=False)


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
        counted: dict[int, list[int]] = {}
        for school_id, *columns in _rows(list(school_ids), local_date(now)):
            found = counted.setdefault(school_id, [0, 0, 0])
            for n, value in enumerate(columns):
                found[n] += value
        return {school_id: {OWNED: (owned, total), REVIEWED: (reviewed, total)}
                for school_id, (total, owned, reviewed) in counted.items()}


def _rows(ids: list[int], today: date) -> QuerySet[Any]:
    """(school, total, owned, reviewed) rows to add up per school: one per school from the
    assets, with an owner of either kind counted as owned; one per school with leavers
    among the owners, their current assets as minus owned."""
    per_asset = (Asset.objects.filter(school_id__in=ids, archived_at__isnull=True)
                 .order_by().values("school_id")
                 .annotate(total=Count("pk"), owned=Count("pk", filter=HAS_OWNER),
                           reviewed=Count("pk", filter=Q(review_due_on__gte=today)))
                 .values_list("school_id", "total", "owned", "reviewed"))
    # One filter(): the same inner join to the assets for both conditions (an isnull=True
    # across the relation alone would keep leavers who own nothing, through a LEFT JOIN).
    per_leaver = (Person.objects.filter(school_id__in=ids, leaving_date__lte=today,
                                        owned_assets__isnull=False,
                                        owned_assets__archived_at__isnull=True)
                  .order_by().values("school_id")
                  .annotate(no_total=Value(0),
                            left=Sum(Value(-1), output_field=IntegerField()),
                            no_reviewed=Value(0))
                  .values_list("school_id", "no_total", "left", "no_reviewed"))
    return per_asset.union(per_leaver, all=True)


provider = AssetMeasures()
