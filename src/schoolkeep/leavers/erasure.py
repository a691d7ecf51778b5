"""What the leavers app erases when a person is erased (``privacy.erasure``): their
checklists (a leaver is erased only once their leaver checklist is closed) with the steps
recorded on them; on other people's checklists, the link to them as a new holder and their
name as the one who did a step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    names_of,
    person_subject,
    unset,
    users_of,
)
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.privacy.erasure.registry import register_provider


class LeaversErasure(PersonDataOnly):
    name = "leavers"
    covers = frozenset({"leavers.checklist", "leavers.steprecord"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        count = StepRecord.objects.filter(checklist__person_id__in=person_ids).delete()[0]
        count += Checklist.objects.filter(person_id__in=person_ids).delete()[0]
        steps = StepRecord.objects.filter(school=school)
        count += unset([(steps, "new_holder_id")], person_ids)
        count += unset([(steps, "done_by_id")], users_of(person_ids))
        count += blank_labels([(steps, "done_by_label"), (steps, "subject_label"),
                               (Checklist.objects.filter(school=school), "created_by_label")],
                              names)
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(LeaversErasure())
    register_subject("leavers.checklist", person_subject())
