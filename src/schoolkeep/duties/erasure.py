"""What the duties app erases when a person is erased (``privacy.erasure``): the log of the
reminder e-mails sent to their user about this school."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import PersonDataOnly, users_of
from schoolkeep.duties.models import ReminderLog
from schoolkeep.privacy.erasure.registry import register_provider


class DutiesErasure(PersonDataOnly):
    name = "duties"
    covers = frozenset({"duties.reminderlog"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        user_ids = users_of(person_ids)
        if not user_ids:
            return 0
        return ReminderLog.objects.filter(school=school, user_id__in=user_ids).delete()[0]


def register() -> None:
    register_provider(DutiesErasure())
