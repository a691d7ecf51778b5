"""What the housekeeping app erases when a person is erased (``privacy.erasure``): their
confirmations of the campaigns (with their links); a closed campaign keeps its figures; their
name leaves the labels of the campaigns they launched or closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    names_of,
    person_subject,
)
from schoolkeep.housekeeping.models import Campaign, Confirmation, ConfirmLink
from schoolkeep.privacy.erasure.registry import register_provider


class HousekeepingErasure(PersonDataOnly):
    name = "housekeeping"
    covers = frozenset({"housekeeping.confirmation", "housekeeping.confirmlink"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        count = ConfirmLink.objects.filter(confirmation__person_id__in=person_ids).delete()[0]
        count += Confirmation.objects.filter(person_id__in=person_ids).delete()[0]
        campaigns = Campaign.objects.filter(school=school)
        count += blank_labels([
            (campaigns, "launched_by_label"), (campaigns, "closed_by_label"),
            (Confirmation.objects.filter(school=school), "confirmed_by_label"),
        ], names_of(person_ids))
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(HousekeepingErasure())
    register_subject("housekeeping.confirmation", person_subject())
