"""What the continuity app erases when a person is erased (``privacy.erasure``): scopes and
backup sets they owned lose their owner (the page then asks for a new one); a contact of the
recovery plan with their e-mail loses their name, telephone and e-mail; their name leaves the
labels of the checks, tests and plans they recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    emails_of,
    names_of,
    unset,
)
from schoolkeep.continuity.models import (
    BackupCheck,
    BackupSet,
    PlanContact,
    PlanTest,
    RecoveryPlan,
    RestoreTest,
    Scope,
)
from schoolkeep.privacy.erasure.registry import register_provider


class ContinuityErasure(PersonDataOnly):
    name = "continuity"
    covers = frozenset({"continuity.scope", "continuity.backupset", "continuity.plancontact"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        # A plan contact is matched by the leaver's e-mail only: a name may be a namesake's.
        emails = emails_of(person_ids)
        count = unset([(Scope.objects.filter(school=school), "owner_id"),
                       (BackupSet.objects.filter(school=school), "owner_id")], person_ids)
        if emails:
            count += PlanContact.objects.filter(school=school, email__in=emails).update(
                name="", phone="", email="")
        count += blank_labels([
            (BackupCheck.objects.filter(school=school), "recorded_by_label"),
            (RestoreTest.objects.filter(school=school), "recorded_by_label"),
            (PlanTest.objects.filter(school=school), "recorded_by_label"),
            (RecoveryPlan.objects.filter(school=school), "updated_by_label"),
        ], names)
        return count


def register() -> None:
    register_provider(ContinuityErasure())
