"""Measures of the Single Central Record, for the overview (``overview.types``).

- ``people.record-complete``: current people (not yet at their leaving date) with every
  check the school's rules require, the agency's confirmation included, out of all current
  people;
- ``people.agency-confirmed``: current agency and supply workers whose agency has confirmed
  in writing that it did the checks, out of all current agency workers.

Both read the facts each person keeps (``checks_missing``, ``agency_confirmation_missing``,
kept by ``people.missing_checks``), so no rule is applied per person: ONE aggregate over
the people grouped by school, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.selectors import current_q

COMPLETE = "people.record-complete"
AGENCY = "people.agency-confirmed"

_AGENCY = Q(kind=PersonKind.AGENCY)
_COMPLETE = Q(checks_missing=False, agency_confirmation_missing=False)


class PeopleMeasures:
    module = "people"
    label = "Single Central Record"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(COMPLETE, "record", "People with every required check",
                    "have every required check",
                    empty="No people are on the record yet",
                    url_name="people:record", permission="scr.view"),
        MeasureSpec(AGENCY, "record", "Agency workers whose agency has confirmed its checks",
                    "have the agency's written confirmation",
                    empty="No agency or supply workers",
                    url_name="people:record", permission="scr.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        rows = (Person.objects.filter(current_q(local_date(now)), school_id__in=list(school_ids))
                .order_by().values("school_id")
                .annotate(total=Count("pk"), complete=Count("pk", filter=_COMPLETE),
                          agency=Count("pk", filter=_AGENCY),
                          confirmed=Count("pk", filter=_AGENCY
                                          & Q(agency_confirmation_missing=False)))
                .values_list("school_id", "total", "complete", "agency", "confirmed"))
        return {school_id: {COMPLETE: (complete, total), AGENCY: (confirmed, agency)}
                for school_id, total, complete, agency, confirmed in rows}


provider = PeopleMeasures()
