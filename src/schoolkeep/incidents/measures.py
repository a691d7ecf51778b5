"""Measures of incident handling, for the overview (``overview.types``).

- ``incidents.settled-in-time``: reports whose 72-hour ICO clock ran (every report except
  those triaged as a security incident or near miss without personal data) and whose school
  became aware of them in the last ``WINDOW`` (365 days), counted once the clock has stopped
  or the deadline has passed; met when the clock stopped within 72 hours of awareness: the
  school decided not to report it, or sent its report to the ICO (``told_at``), in time. A
  decision to report that was not sent in time is not met: the law asks for the report
  within 72 hours (``incidents.models.ico_settled``, ``incidents.clock``). A report still
  inside its 72 hours is not yet counted either way: it is the measure's third number,
  pending ("and 1 still within its 72 hours"), so a school whose only reports are still
  running says so rather than "no breaches".

Figures only, never a reference: the overview shows them to governors, who may not see
incident reports. A trust administrator does not see them (``overview.breaches``).

ONE aggregate over the reports grouped by school, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, OuterRef, Q

from schoolkeep.incidents.clock import ICO_HOURS
from schoolkeep.incidents.models import NO_PERSONAL_DATA_KINDS, Decision, Incident, ico_settled
from schoolkeep.overview.types import Figures, MeasureSpec

SETTLED_IN_TIME = "incidents.settled-in-time"
WINDOW = timedelta(days=365)
_CLOCK = timedelta(hours=ICO_HOURS)


class IncidentMeasures:
    module = "incidents"
    label = "Incidents and breaches"
    view_permission = "overview.breaches"
    specs = [
        MeasureSpec(SETTLED_IN_TIME, "incidents",
                    "Possible breaches reported to the ICO, or decided not to, within 72 hours"
                    " (last 12 months)",
                    "were reported to the ICO, or decided not to be, within 72 hours",
                    # Only when there is none at all: a running one is a pending figure.
                    empty="No possible breach in the last 12 months",
                    url_name="incidents:incident-list", permission="incidents.view",
                    pending_words=("{n} still within its 72 hours",
                                   "{n} still within their 72 hours"),
                    pending_none="None decided yet"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ico = Decision.objects.filter(incident_id=OuterRef("pk"), kind=Decision.Kind.ICO)
        deadline = ExpressionWrapper(OuterRef("aware_at") + _CLOCK, output_field=DateTimeField())
        in_time = (Q(tell=False, decided_at__lte=deadline)
                   | Q(tell=True, told_at__isnull=False, told_at__lte=deadline))
        # Counted once the clock has stopped or run out; the rest is still running.
        counted = Q(settled=True) | Q(aware_at__lte=now - _CLOCK)
        rows = (Incident.objects
                .filter(school_id__in=list(school_ids), aware_at__gte=now - WINDOW)
                .exclude(kind__in=sorted(NO_PERSONAL_DATA_KINDS))
                .alias(settled=Exists(Decision.objects.filter(ico_settled(),
                                                              incident_id=OuterRef("pk"))),
                       in_time=Exists(ico.filter(in_time)))
                .order_by().values("school_id")
                .annotate(total=Count("pk", filter=counted),
                          met=Count("pk", filter=counted & Q(in_time=True)),
                          pending=Count("pk", filter=~counted))
                .values_list("school_id", "total", "met", "pending"))
        return {school_id: {SETTLED_IN_TIME: (met, total, pending)}
                for school_id, total, met, pending in rows}


provider = IncidentMeasures()
