"""Measures of incident handling, for the overview (``overview.types``).

- ``incidents.decided-in-time``: reports whose 72-hour ICO clock ran (every report except
  those triaged as a security incident or near miss without personal data) and whose
  school became aware of them in the last ``WINDOW`` (365 days), counted once the decision
  is made or the deadline has passed; met when the ICO decision was recorded within 72 hours
  of awareness (``incidents.clock``). A report still inside its 72 hours without a decision
  is not yet counted either way.

Figures only, never a reference: the overview shows them to governors, who may not see
incident reports. A trust administrator does not see them (``overview.breaches``).

ONE aggregate over the reports grouped by school, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, OuterRef, Q

from schoolkeep.incidents.clock import ICO_HOURS
from schoolkeep.incidents.models import NO_PERSONAL_DATA_KINDS, Decision, Incident
from schoolkeep.overview.types import Figures, MeasureSpec

DECIDED_IN_TIME = "incidents.decided-in-time"
WINDOW = timedelta(days=365)
_CLOCK = timedelta(hours=ICO_HOURS)


class IncidentMeasures:
    module = "incidents"
    label = "Incidents and breaches"
    view_permission = "overview.breaches"
    specs = [
        MeasureSpec(DECIDED_IN_TIME, "incidents",
                    "Possible breaches decided within 72 hours (last 12 months)",
                    "had the decision about telling the ICO made within 72 hours",
                    empty="No possible breaches in the last 12 months",
                    url_name="incidents:incident-list", permission="incidents.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ico = Decision.objects.filter(incident_id=OuterRef("pk"), kind=Decision.Kind.ICO)
        deadline = ExpressionWrapper(OuterRef("aware_at") + _CLOCK, output_field=DateTimeField())
        rows = (Incident.objects
                .filter(school_id__in=list(school_ids), aware_at__gte=now - WINDOW)
                .exclude(kind__in=sorted(NO_PERSONAL_DATA_KINDS))
                .alias(decided=Exists(ico),
                       in_time=Exists(ico.filter(decided_at__lte=deadline)))
                .filter(Q(decided=True) | Q(aware_at__lte=now - _CLOCK))
                .order_by().values("school_id")
                .annotate(total=Count("pk"), met=Count("pk", filter=Q(in_time=True)))
                .values_list("school_id", "total", "met"))
        return {school_id: {DECIDED_IN_TIME: (met, total)} for school_id, total, met in rows}


provider = IncidentMeasures()
