"""What the passwords app erases when a person is erased (``privacy.erasure``): their
password changes, change links and reminders go, they leave the cycles' holders; a forced
change raised for them as a leaver stays (it is the system's record) without the link."""

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
from schoolkeep.passwords.models import (
    ChangeLink,
    ForcedChange,
    PasswordChange,
    PasswordCycle,
    Reminder,
)
from schoolkeep.privacy.erasure.registry import register_provider


class PasswordsErasure(PersonDataOnly):
    name = "passwords"
    covers = frozenset({"passwords.passwordcycle", "passwords.passwordchange",
                        "passwords.forcedchange", "passwords.changelink",
                        "passwords.reminder"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        count = PasswordCycle.holders.through.objects.filter(
            person_id__in=person_ids).delete()[0]
        count += PasswordChange.objects.filter(person_id__in=person_ids).delete()[0]
        count += ChangeLink.objects.filter(person_id__in=person_ids).delete()[0]
        count += Reminder.objects.filter(person_id__in=person_ids).delete()[0]
        count += unset([(ForcedChange.objects.filter(school=school), "leaver_id")], person_ids)
        count += unset([(ChangeLink.objects.filter(school=school), "created_by_id")],
                       users_of(person_ids))
        count += blank_labels([
            (PasswordChange.objects.filter(school=school), "recorded_by_label"),
            (ForcedChange.objects.filter(school=school), "raised_by_label"),
        ], names)
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(PasswordsErasure())
    for label in ("passwords.passwordchange", "passwords.changelink", "passwords.reminder"):
        register_subject(label, person_subject())
