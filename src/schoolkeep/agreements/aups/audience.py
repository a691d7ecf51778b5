"""Who must sign each acceptable use policy, and whether they have.

The lists are SQL: ``signers`` returns a queryset annotated with ``has_signed`` (an EXISTS
over the signatures that count), so a page of any length costs the same queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from schoolkeep.agreements.aups.models import Audience, Aup, Parent, Signature
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.roles import Role

STAFF_KINDS = frozenset({PersonKind.TEACHING, PersonKind.SUPPORT, PersonKind.AGENCY,
                         PersonKind.CONTRACTOR, PersonKind.VOLUNTEER})
GOVERNOR_KINDS = frozenset({PersonKind.GOVERNOR, PersonKind.TRUSTEE, PersonKind.MEMBER})


def audience_of_kind(kind: str) -> str:
    """The audience whose AUP a person of this kind signs."""
    return Audience.GOVERNORS if kind in GOVERNOR_KINDS else Audience.STAFF


def audience_of_roles(roles: frozenset[str] | set[str]) -> str | None:
    """For a member with no person record: governors sign the governors' AUP, every other
    school role the staff one; auditors and trust administrators none."""
    signing = set(roles) - {Role.AUDITOR, Role.TRUST_ADMIN}
    if not signing:
        return None
    return Audience.GOVERNORS if signing == {Role.GOVERNOR} else Audience.STAFF


def counting_signatures(aup: Aup) -> QuerySet[Signature]:
    """The signatures that keep a signer up to date: of a version numbered at least
    ``sign_from`` (none count before a version is published)."""
    if aup.sign_from == 0:
        return Signature.objects.none()
    return Signature.objects.filter(aup=aup, aup_version__number__gte=aup.sign_from)


def people_of_audience(*, aup: Aup, today: date) -> QuerySet[Person]:
    """Current people who must sign a staff or governors' AUP."""
    people = Person.objects.filter(current_q(today), school_id=aup.school_id)
    if aup.audience == Audience.STAFF:
        return people.filter(kind__in=list(STAFF_KINDS), uses_school_network=True)
    if aup.audience == Audience.GOVERNORS:
        return people.filter(kind__in=list(GOVERNOR_KINDS))
    return people.none()


def parents_of_school(*, aup: Aup) -> QuerySet[Parent]:
    """Parents who must sign the parents' AUP: every parent not archived."""
    if aup.audience != Audience.PARENTS:
        return Parent.objects.none()
    return Parent.objects.filter(school_id=aup.school_id, archived_at__isnull=True)


def signers(*, aup: Aup, today: date) -> QuerySet[Any]:
    """Everyone who must sign this AUP, annotated with ``has_signed``; empty for visitors and
    pupils, who have no list."""
    counting = counting_signatures(aup)
    if aup.audience == Audience.PARENTS:
        return parents_of_school(aup=aup).annotate(
            has_signed=Exists(counting.filter(parent=OuterRef("pk"))))
    return people_of_audience(aup=aup, today=today).annotate(
        has_signed=Exists(counting.filter(person=OuterRef("pk"))))


def signers_to_count(*, aup: Aup, today: date) -> QuerySet[Any]:
    """``signers`` without ``has_signed``, for counting with ``has_signed_q``."""
    if aup.audience == Audience.PARENTS:
        return parents_of_school(aup=aup)
    return people_of_audience(aup=aup, today=today)


def has_signed_q(aup: Aup) -> Q:
    """``has_signed`` of ``signers`` as a plain IN over the counting signatures' signers, for
    counts: the database reads those signatures once a query, not once a signer (the
    correlated EXISTS with its join to the versions was twice the time at 10,000)."""
    signer = "parent_id" if aup.audience == Audience.PARENTS else "person_id"
    return Q(pk__in=counting_signatures(aup).values(signer))


def signer_has_signed(*, aup: Aup, person: Person | None = None, parent: Parent | None = None,
                      user: Any = None) -> bool:
    """True when this signer's latest counting signature exists. A member with a person
    record is matched on the person, else on the account."""
    counting = counting_signatures(aup)
    if person is not None:
        return counting.filter(person=person).exists()
    if parent is not None:
        return counting.filter(parent=parent).exists()
    if user is not None:
        return counting.filter(user=user).exists()
    return False
