"""The suppliers' measure, for the overview (``overview.types``).

- ``processors.agreements-in-date``: of the school's current processors (not the other
  controllers, which need no Article 28 agreement), how many have their agreement on file
  and not past its review or expiry date.

Figures only, never a name. ONE aggregate over the suppliers grouped by school, whatever
the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db.models import Count, Q

from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

from .models import Processor, ProcessorRole

AGREEMENTS_IN_DATE = "processors.agreements-in-date"


def in_date(today: date) -> Q:
    """A processor's agreement on file and not past its review or expiry date."""
    return Q(agreement_on_file=True) & (
        Q(agreement_review_on__isnull=True) | Q(agreement_review_on__gte=today))


class ProcessorMeasures:
    module = "processors"
    label = "Suppliers and their agreements"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(AGREEMENTS_IN_DATE, "privacy", "Processors with an agreement in date",
                    "have an agreement on file and in date", empty="No processor recorded",
                    url_name="processors:processor-list", permission="processors.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        rows = (Processor.objects
                .filter(school_id__in=list(school_ids), archived_at__isnull=True,
                        role=ProcessorRole.PROCESSOR)
                .order_by().values("school_id")
                .annotate(total=Count("pk"), met=Count("pk", filter=in_date(local_date(now))))
                .values_list("school_id", "total", "met"))
        return {school_id: {AGREEMENTS_IN_DATE: (met, total)}
                for school_id, total, met in rows}


provider = ProcessorMeasures()
