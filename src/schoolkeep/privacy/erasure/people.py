"""Erasing people: every provider erases what it holds about them, then their row goes.

The Person row is deleted, not blanked: a blanked row would still carry the kind of post,
the dates and the sites, and every column left is one more place a test (and a regulator)
must look. What the audit trail needs (the kind and the public id) is kept by the
tombstone. Their audit keys are forgotten last (``audit.sealing.forget``), so every value
sealed under them in the trail reads "erased"; their user's key too, once the user is no
longer a member of any school (a user who also works elsewhere keeps their name there).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.registry import providers

PERSON_LABEL = "people.person"
USER_LABEL = "accounts.user"


def erase_people(school: Any, person_ids: list[int], *, now: datetime) -> int:
    """Erase these people of ``school`` and what every provider holds about them, in one
    transaction; how many people were erased. A model that still protects a row of theirs
    (a provider missing) raises ``ProtectedError`` and nothing is erased."""
    from schoolkeep.audit.sealing import forget
    from schoolkeep.tenancy.models import Membership, OrganisationMembership

    if not person_ids:
        return 0
    with transaction.atomic():
        person_ids = _not_held(school, person_ids)
        if not person_ids:
            return 0
        people = Person.objects.filter(school=school, pk__in=person_ids)
        traces = list(people.values_list("pk", "public_id", "kind", "leaving_date"))
        ids = [pk for pk, _public_id, _kind, _left in traces]
        user_ids = {uid for uid in people.values_list("user_id", flat=True) if uid}
        _leave_traces(school, traces, now=now)
        for provider in providers():
            provider.erase_person_data(school, ids, now=now)
        # What is left (the sites' links, anything cascading) goes with the rows.
        erased = Person.objects.filter(pk__in=ids).delete()[1].get("people.Person", 0)
        # A user who is still a member of a school or of a trust keeps their name.
        still_members = set(Membership.objects.filter(user_id__in=user_ids)
                            .values_list("user_id", flat=True))
        still_members |= set(OrganisationMembership.objects.filter(user_id__in=user_ids)
                             .values_list("user_id", flat=True))
        subjects = [(PERSON_LABEL, str(pk)) for pk in ids]
        subjects += [(USER_LABEL, str(uid)) for uid in sorted(user_ids - still_members)]
        forget(subjects)
    return erased


def _not_held(school: Any, person_ids: list[int]) -> list[int]:
    """Lock the people's rows, then ask their holds again (an open leaver checklist, the
    DPO's hold) inside the erasure's transaction: a hold added since the run listed them
    wins. The runner asks first and does not pass held people; a direct caller may."""
    from schoolkeep.people.erasure import PeopleProvider

    locked = list(Person.objects.select_for_update().filter(school=school, pk__in=person_ids)
                  .order_by("pk").values_list("pk", flat=True))
    held = PeopleProvider().holds(school, [_item(pk) for pk in locked])
    return [pk for pk in locked if pk not in held]


def _item(pk: int) -> Any:
    from datetime import date

    from schoolkeep.privacy.erasure.registry import DueItem

    return DueItem(provider="people", record_type_key="", model_label=PERSON_LABEL, pk=pk,
                   ends_on=date.min, description="")


def _leave_traces(school: Any, traces: list[tuple[Any, ...]], *, now: datetime) -> None:
    """Each person's tombstone with their kind of post and leaving date (no name): the
    school's paper files of leavers (personnel files, the Single Central Record) still fall
    due for destruction after the Person row is gone (``privacy.schedule.due``). The
    runner's own tombstone of the same person is then a no-op (one per subject)."""
    from schoolkeep.privacy.erasure.models import Tombstone
    from schoolkeep.privacy.schedule.keys import OWN_LEAVERS

    Tombstone.objects.bulk_create(
        [Tombstone(school_id=getattr(school, "pk", school), subject_type=PERSON_LABEL,
                   subject_id=str(public_id), record_type_key=OWN_LEAVERS, erased_at=now,
                   person_kind=kind, event_on=left) for _pk, public_id, kind, left in traces],
        ignore_conflicts=True, batch_size=500)
