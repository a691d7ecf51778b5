"""Reads for tenancy. Every school-scoped lookup goes through ``get_for_school_or_404``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404

from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import (
    Invitation,
    Membership,
    MembershipRole,
    OrganisationMembership,
    School,
)
from schoolkeep.tenancy.roles import Role

M = TypeVar("M", bound=Model)


def get_for_school_or_404(source: type[M] | QuerySet[M], *, school: School, **lookup: Any) -> M:
    """The record of this school matching ``lookup``; another school's record is a 404."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    try:
        return queryset.get(school=school, **lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
        # ValidationError/ValueError/TypeError: a malformed id is simply not found.
        raise Http404("Not found") from None


def access_list_for_user(user: Any) -> list[SchoolAccess]:
    """Every school the user can open, with their roles there (two or three queries)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("school")
        .prefetch_related(
            # membership_id must be loaded too, or each role row is fetched again to match it.
            Prefetch("roles", queryset=MembershipRole.objects.only("role", "membership_id"))
        )
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


def member_list(
    *, school: School, search: str = "", role: str = "", active: bool = True
) -> QuerySet[Membership]:
    """Members of a school for the member list, searchable by name or e-mail, by role.

    One query for the page of memberships (with their users) and one for all their roles.
    """
    queryset = (
        Membership.objects.filter(school=school, is_active=active)
        .select_related("user")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.order_by("role")))
        .order_by("user__full_name", "user__email", "pk")
    )
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(user__full_name__icontains=search) | Q(user__email__icontains=search)
        )
    if role:
        queryset = queryset.filter(roles__role=role)
    return queryset


def invitation_list_open(*, school: School, limit: int = 100) -> list[Invitation]:
    """Invitations neither accepted nor revoked (expired ones included), newest first."""
    return list(
        Invitation.objects.filter(school=school, accepted_at__isnull=True, revoked_at__isnull=True)
        .order_by("-created_at")[:limit]
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, or None for an unknown token."""
    from schoolkeep.lib.crypto import token_hash

    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("school")
        .filter(token_hash=token_hash(token))
        .first()
    )


def active_role_holders(*, school: School, roles: list[str]) -> dict[str, list[Any]]:
    """{role: [users]} for active members of a school holding those roles, in one query."""
    rows = (
        MembershipRole.objects.filter(
            membership__school=school,
            membership__is_active=True,
            membership__user__is_active=True,
            role__in=roles,
        )
        .select_related("membership__user")
        .order_by("membership__user__full_name", "membership__user__email")
    )
    result: dict[str, list[Any]] = {role: [] for role in roles}
    for row in rows:
        result[row.role].append(row.membership.user)
    return result


def school_has_active_siro(school: School) -> bool:
    return MembershipRole.objects.filter(
        membership__school=school,
        membership__is_active=True,
        membership__user__is_active=True,
        role=Role.SIRO,
    ).exists()


def may_invite(*, school: School, user: Any) -> bool:
    """The SIRO may invite; so may a trust administrator while the school has no active SIRO."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    is_siro = MembershipRole.objects.filter(
        membership__school=school,
        membership__user=user,
        membership__is_active=True,
        role=Role.SIRO,
    ).exists()
    if is_siro:
        return True
    if school.organisation_id is None:
        return False
    is_trust_admin = OrganisationMembership.objects.filter(
        organisation_id=school.organisation_id, user=user, is_active=True
    ).exists()
    return is_trust_admin and not school_has_active_siro(school)


def access_may_invite(access: SchoolAccess) -> bool:
    """``may_invite`` for the current request's access, without asking again what it knows."""
    if access.can("members.manage"):
        return True
    return access.is_trust_admin and not school_has_active_siro(access.school)
