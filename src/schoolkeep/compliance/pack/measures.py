"""Measure of the governor pack, for the overview's area "governance" (``overview.types``):

- ``governor_pack.received``: 1 of 1 when this term's governor pack was received by the
  governing body (a pack was received this term or last, so this term's is not overdue:
  ``status.standings``), else 0 of 1; for the schools that have built or received a pack.
  A school that never has has no figure ("No governor pack built yet"); its duty
  ``governor_pack.due`` still falls overdue after its first term.

ONE query whatever the number of schools. The control ``governor-pack-received`` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schoolkeep.compliance.pack.status import standings
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

RECEIVED = "governor_pack.received"


class GovernorPackMeasures:
    module = "governor_pack"
    label = "Governor pack"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(RECEIVED, "governance", "This term's governor pack received by the governors",
                    "have had this term's governor pack received by the governors",
                    empty="No governor pack built yet",
                    url_name="compliance:pack-list", permission="compliance.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        return {school_id: {RECEIVED: (int(standing.received_this_term), 1)}
                for school_id, standing in standings(school_ids, today=local_date(now)).items()
                if standing.has_pack or standing.last_received is not None}


provider = GovernorPackMeasures()
