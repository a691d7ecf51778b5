"""Reads for tenancy. Every school-scoped lookup goes through ``get_for_school_or_404``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404

from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import Membership, MembershipRole, OrganisationMembership, School
from schoolkeep.tenancy.roles import Role

M = TypeVar("M", bound=Model)


def get_for_school_or_404(source: type[M] | QuerySet[M], *, school: School, **lookup: Any) -> M:
    """The record of this school matching ``lookup``; another school's record is a 404."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    try:
        return queryset.get(school=school, **lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        # ValueError/TypeError: a malformed id is simply not found.
        raise Http404("Not found") from None


def access_list_for_user(user: Any) -> list[SchoolAccess]:
    """Every school the user can open, with their roles there (two or three queries)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("school")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.only("role")))
    )
    roles_by_school: dict[int, set[str]] = defaultdict(set)
    schools: dict[int, School] = {}
    membership_by_school: dict[int, Membership] = {}
    for membership in memberships:
        schools[membership.school_id] = membership.school
        membership_by_school[membership.school_id] = membership
        roles_by_school[membership.school_id].update(r.role for r in membership.roles.all())
    org_ids = list(
        OrganisationMembership.objects.filter(user=user, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    trust_school_ids: set[int] = set()
    if org_ids:
        for school in School.objects.filter(organisation_id__in=org_ids):
            schools.setdefault(school.pk, school)
            roles_by_school[school.pk].add(Role.TRUST_ADMIN)
            trust_school_ids.add(school.pk)
    result = [
        SchoolAccess(
            school=school,
            roles=frozenset(roles_by_school[pk]),
            membership=membership_by_school.get(pk),
            via_trust=pk in trust_school_ids and pk not in membership_by_school,
        )
        for pk, school in schools.items()
    ]
    return sorted(result, key=lambda access: access.school.name)


def members_with_roles(school: School) -> QuerySet[Membership]:
    """Active members of a school with their users and roles, for lists and owner lookups."""
    return (
        Membership.objects.filter(school=school, is_active=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("user__full_name")
    )


def user_ids_by_role(school_ids: list[int]) -> dict[tuple[int, str], list[int]]:
    """{(school id, role): [user ids]} for active members, in one query."""
    rows = MembershipRole.objects.filter(
        membership__school_id__in=school_ids,
        membership__is_active=True,
        membership__user__is_active=True,
    ).values_list("membership__school_id", "role", "membership__user_id")
    result: dict[tuple[int, str], list[int]] = defaultdict(list)
    for school_id, role, user_id in rows:
        result[(school_id, role)].append(user_id)
    return result
