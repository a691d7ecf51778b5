"""What the access app erases when a person is erased (``privacy.erasure``): their DBS
exceptions go; the system accounts stay (they are the system's, and a leaver's account
should already be closed) but lose the link to the person and the name and e-mail read from
the system; the name of whoever recorded or reviewed leaves the labels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.access.models import AccessReview, AdministratorDbsException, SystemAccount
from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    names_of,
    person_subject,
    unset,
    users_of,
)
from schoolkeep.privacy.erasure.registry import register_provider


class AccessErasure(PersonDataOnly):
    name = "access"
    covers = frozenset({"access.systemaccount", "access.administratordbsexception",
                        "access.accessreview"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        accounts = SystemAccount.objects.filter(school=school)
        count = accounts.filter(person_id__in=person_ids).update(display_name="", email="",
                                                                 person=None)
        count += unset([(accounts, "responsible_person_id")], person_ids)
        count += SystemAccount.shared_with.through.objects.filter(
            person_id__in=person_ids).delete()[0]
        count += AdministratorDbsException.objects.filter(person_id__in=person_ids).delete()[0]
        reviews = AccessReview.objects.filter(school=school)
        count += unset([(reviews, "reviewed_by_id")], users_of(person_ids))
        count += blank_labels([(reviews, "reviewed_by_label")], names)
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(AccessErasure())
    register_subject("access.administratordbsexception", person_subject())
