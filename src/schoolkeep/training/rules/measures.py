"""Measures of the DfE's training rule, for the overview's area "training":

- ``training.staff-trained``: members of staff who use the network and have not left, with
  cyber security training valid today, out of all of them;
- ``training.governor-trained``: 1 of 1 when at least one governor or trustee who has not
  left holds training valid today, 0 of 1 when none does (a school with neither staff in
  scope nor governors has no figure).

Both from ONE query grouped by school, whatever the number of schools (validity tested in
SQL as ``status.valid_on_q`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.people.models import Person
from schoolkeep.training.rules.people import (
    GOVERNANCE_KINDS,
    STAFF_KINDS,
    network_users_q,
    not_left,
)
from schoolkeep.training.rules.status import has_valid_record

STAFF_TRAINED = "training.staff-trained"
GOVERNOR_TRAINED = "training.governor-trained"


class TrainingMeasures:
    module = "training"
    label = "Cyber security training"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(STAFF_TRAINED, "training", "Staff using the network trained in cyber security",
                    "are trained", empty="No staff who use the network are recorded",
                    url_name="training:status", permission="training.view"),
        MeasureSpec(GOVERNOR_TRAINED, "training", "A governor trained in cyber security",
                    "trained governor", empty="No governors or staff are recorded",
                    url_name="training:status", permission="training.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        today = local_date(now)
        staff = Q(network_users_q(today), kind__in=STAFF_KINDS)
        governance = Q(kind__in=GOVERNANCE_KINDS)
        rows = (Person.objects.filter(not_left(today), school_id__in=ids)
                .filter(staff | governance).annotate(valid=has_valid_record(today))
                .order_by().values("school_id")
                .annotate(staff_total=Count("pk", filter=staff),
                          staff_met=Count("pk", filter=staff & Q(valid=True)),
                          governors_met=Count("pk", filter=governance & Q(valid=True)))
                .values_list("school_id", "staff_total", "staff_met", "governors_met"))
        figures: Figures = {}
        for school_id, staff_total, staff_met, governors_met in rows:
            found = figures.setdefault(school_id, {})
            if staff_total:
                found[STAFF_TRAINED] = (staff_met, staff_total)
            found[GOVERNOR_TRAINED] = (1 if governors_met else 0, 1)
        return figures


provider = TrainingMeasures()
