"""Reads for tenancy. Every school-scoped lookup goes through ``get_for_school_or_404``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVar

from allauth.mfa.models import Authenticator
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import (
    CharField,
    Exists,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils import timezone

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
    """Every school the user can open, with their roles there (one query)."""
    return user_access(user).schools


@dataclass(frozen=True)
class UserAccess:
    """What the middleware needs to know of a signed-in user, read in one query."""

    schools: list[SchoolAccess]
    # Whether the user has a second factor (TOTP or a security key); None when the user has
    # no school, since nothing then asks for one.
    has_second_factor: bool | None


def user_access(user: Any) -> UserAccess:
    """The schools the user can open, their roles there and whether they have a second
    factor, in one query whatever the number of schools.

    One row per (school, role) the user holds as a member, and one per school of a trust
    they administer: the two halves of a UNION ALL, each reached by an index on the user.

    A membership ends on the leaving date of the user's person record in that school
    (Europe/London's today): from that day the school is not opened, on every request and
    for API tokens alike, even before ``tenancy.leaving``'s tick marks the membership
    inactive. A trust administrator keeps their trust's schools.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserAccess(schools=[], has_second_factor=None)
    from schoolkeep.accounts.selectors import SECOND_FACTOR_TYPES
    from schoolkeep.people.models import Person

    has_left = Exists(Person.objects.filter(
        user_id=user.pk, school_id=OuterRef("pk"), leaving_date__lte=timezone.localdate()))

    has_second_factor = Exists(
        Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES)
    )
    as_member = School.objects.filter(
        ~has_left, memberships__user_id=user.pk, memberships__is_active=True
    ).annotate(
        # The join of the filter above, extended to the roles (a member may hold none).
        role=F("memberships__roles__role"),
        via_trust=Value(False),
        second_factor=has_second_factor,
    ).order_by()
    as_trust_admin = School.objects.filter(
        organisation__memberships__user_id=user.pk, organisation__memberships__is_active=True
    ).annotate(
        role=Value(Role.TRUST_ADMIN.value, output_field=CharField()),
        via_trust=Value(True),
        second_factor=has_second_factor,
    ).order_by()
    roles_by_school: dict[int, set[str]] = defaultdict(set)
    schools: dict[int, School] = {}
    member_of: set[int] = set()
    second_factor: bool | None = None
    for school in as_member.union(as_trust_admin, all=True):
        schools.setdefault(school.pk, school)
        if school.role:
            roles_by_school[school.pk].add(school.role)
        if not school.via_trust:
            member_of.add(school.pk)
        second_factor = bool(school.second_factor)
    accesses = [
        SchoolAccess(
            school=school,
            roles=frozenset(roles_by_school[pk]),
            via_trust=pk not in member_of,
        )
        for pk, school in schools.items()
    ]
    accesses.sort(key=lambda access: access.school.name)
    return UserAccess(schools=accesses, has_second_factor=second_factor)


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
