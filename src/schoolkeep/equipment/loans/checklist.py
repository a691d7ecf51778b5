"""The leaver checklist's "return equipment" step (``leavers.step_sources``): each loan of
the leaver that is open, or was returned since their checklist started, is a step; it is
done once the item is back (or, lost or stolen, can no longer come back: its incident
follows it up; or it was disposed of). ONE query for any number of checklists."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from schoolkeep.equipment.loans.selectors import loans_of_people
from schoolkeep.equipment.loans.services import GONE
from schoolkeep.equipment.models import Loan
from schoolkeep.leavers.step_sources import SourceStep

if TYPE_CHECKING:
    from schoolkeep.leavers.models import Checklist


def _label(loan: Loan) -> str:
    item = loan.item
    if loan.returned_on is not None:
        return f"{item.label} (returned on {loan.returned_on:%d/%m/%Y})"
    if item.status in GONE:
        return f"{item.label} ({item.get_status_display().lower()} while on loan)"
    return f"{item.label} (due back {loan.expected_return_on:%d/%m/%Y})"


def return_equipment_steps(checklists: list[Checklist]) -> dict[int, list[SourceStep]]:
    """{checklist pk: the steps of its leaver's loans}, for leaver checklists only."""
    from schoolkeep.leavers.models import Checklist

    leavers = [checklist for checklist in checklists
               if checklist.kind == Checklist.Kind.LEAVER]
    if not leavers:
        return {}
    started = {checklist.pk: timezone.localdate(checklist.created_at) for checklist in leavers}
    by_person: dict[int, list[Loan]] = defaultdict(list)
    for loan in loans_of_people(sorted({c.person_id for c in leavers}),
                                returned_since=min(started.values())):
        by_person[loan.person_id].append(loan)
    found: dict[int, list[SourceStep]] = {}
    for checklist in leavers:
        steps = [SourceStep(subject_id=str(loan.public_id), label=_label(loan),
                            done=loan.returned_on is not None or loan.item.status in GONE,
                            url=reverse("equipment:loan-detail", args=[loan.public_id]))
                 for loan in by_person[checklist.person_id]
                 if loan.school_id == checklist.school_id
                 and (loan.returned_on is None or loan.returned_on >= started[checklist.pk])]
        if steps:
            found[checklist.pk] = steps
    return found
