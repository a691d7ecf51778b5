"""Who should have an account on a system, and which systems a person should have an account
on, as the asset register says: a system holds assets, an asset names the access labels whose
members may enter its information, and a label lists the school's members. A current person
whose user is an active member of such a label of a current asset should have an account.

Each answer is one query (subqueries, no DISTINCT): the reconciliation of a user list, the
starter checklist and the coverage pages call them once per system or person.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from schoolkeep.assets.models import AccessLabel, Asset
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import Membership, School


def expected_people(*, school: School, system: System, today: date) -> QuerySet[Person]:
    """The current people of the school who should have an account on ``system``, by name."""
    labels = AccessLabel.objects.filter(
        school=school, assets__school=school, assets__archived_at__isnull=True,
        assets__systems=system,
    ).values("pk")
    users = Membership.objects.filter(
        school=school, is_active=True, access_labels__in=labels).values("user_id")
    return (Person.objects.filter(school=school, user_id__in=users)
            .filter(current_q(today)).order_by("name_key", "pk"))


def expected_systems(*, school: School, person: Person, today: date) -> list[System]:
    """The school's current systems ``person`` should have an account on, by name. A person
    with no user, or who has left by ``today``, should have none (and costs no query)."""
    if person.user_id is None or person.school_id != school.pk:
        return []
    if person.leaving_date is not None and person.leaving_date <= today:
        return []
    memberships = Membership.objects.filter(
        school=school, user_id=person.user_id, is_active=True).values("pk")
    labels = AccessLabel.objects.filter(school=school, members__in=memberships).values("pk")
    assets = Asset.objects.filter(school=school, archived_at__isnull=True,
                                  access_labels__in=labels).values("pk")
    held = Asset.systems.through.objects.filter(asset_id__in=assets).values("system_id")
    return list(System.objects.filter(school=school, archived_at__isnull=True, pk__in=held)
                .order_by("name_key", "pk"))
