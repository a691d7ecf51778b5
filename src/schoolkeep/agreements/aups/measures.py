"""Measures of the acceptable use policies, for the overview (``overview.types``).

One measure per audience with a list of who must sign (staff, governors, parents):
``aups.signed-<audience>``, the people (or parents) on the list who have signed the current
requirement, out of everyone on the list, with the same rules as the AUP pages and duties
(``aups.duties.signer_figures``). Visitors and pupils sign at the kiosk and have no list, so
there is nothing to count them against: they are not measured. An audience whose policy is
not yet published has no figure (its ``empty`` words show).

ONE query: the schools' AUPs of the listed audiences, each annotated with its figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schoolkeep.agreements.aups.duties import signer_figures
from schoolkeep.agreements.aups.models import Audience, Aup
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

MEASURED = (Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS)
_WHO = {Audience.STAFF: "Staff", Audience.GOVERNORS: "Governors, trustees and members",
        Audience.PARENTS: "Parents and carers"}


def key_of(audience: str) -> str:
    return f"aups.signed-{audience}"


class AupMeasures:
    module = "aups"
    label = "Acceptable use policies"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(key_of(audience), "aups",
                    f"{_WHO[audience]} who have signed their acceptable use policy",
                    "have signed",
                    empty=f"The acceptable use policy for {Audience(audience).label.lower()}"
                          " is not published yet",
                    url_name="agreements:aup-list", permission="aups.records")
        for audience in MEASURED
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        aups = (Aup.objects.filter(school_id__in=list(school_ids), audience__in=MEASURED,
                                   sign_from__gt=0)
                .order_by().annotate(**signer_figures(today=local_date(now)))
                .only("school_id", "audience"))
        result: Figures = {}
        for aup in aups:
            signed = getattr(aup, "signed_count", None) or 0
            not_signed = getattr(aup, "not_signed_count", None) or 0
            result.setdefault(aup.school_id, {})[key_of(aup.audience)] = (
                signed, signed + not_signed)
        return result


provider = AupMeasures()
