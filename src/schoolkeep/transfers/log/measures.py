"""The transfer log's measure, for the overview (area "transfers", "Sending data and
equipment"):

- ``transfers.approved-channel``: transfers sent in the last 12 months (by the day sent,
  Europe/London) over a channel approved for their kind of data and recipient when they
  were logged, out of every transfer sent in those months. A school with no transfer in
  the period has no figure.

ONE query for any number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db.models import Count, Q

from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.transfers.models import Transfer

APPROVED_CHANNEL = "transfers.approved-channel"


def year_before(today: date) -> date:
    """The first day of the 12 months ending ``today`` (29 February becomes the 28th)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


class TransferMeasures:
    module = "transfers"
    label = "Transfers of data"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(APPROVED_CHANNEL, "transfers",
                    "Transfers in the last 12 months sent by an approved channel",
                    "were sent by an approved channel",
                    empty="No transfer logged in the last 12 months",
                    url_name="transfers:transfer-list", permission="transfers.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        today = local_date(now)
        rows = (Transfer.objects.filter(school_id__in=ids, sent_on__gt=year_before(today),
                                        sent_on__lte=today)
                .order_by().values("school_id")
                .annotate(total=Count("pk"), met=Count("pk", filter=Q(approved=True)))
                .values_list("school_id", "met", "total"))
        return {school_id: {APPROVED_CHANNEL: (met, total)} for school_id, met, total in rows}


provider = TransferMeasures()
