"""Checks services make about who is acting, shared by every module."""

from __future__ import annotations

from typing import Any

from schoolkeep.audit.context import current
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.tenancy.models import MembershipRole, Organisation, OrganisationMembership, School
from schoolkeep.tenancy.roles import PERMISSIONS, Role, roles_allow


def is_user(actor: Any) -> bool:
    """True for a signed-in person; False for the command line, the demo or the system."""
    return bool(getattr(actor, "is_authenticated", False))


def actor_label(actor: Any) -> str:
    """How an actor is named on a record: the user, else the audit context ("cli:alice")."""
    if is_user(actor):
        return str(actor)[:200]
    return (current().actor_label or "system")[:200]


def user_holds(*, school: School | int, user: Any, permission: str) -> bool:
    """True when the user's active membership of the school grants the permission."""
    _, roles = PERMISSIONS[permission]
    return MembershipRole.objects.filter(
        membership__school=school, membership__user=user, membership__is_active=True,
        role__in=list(roles),
    ).exists()


def require_permission(*, school: School | int, actor: Any, permission: str,
                       message: str) -> None:
    """A person acting must hold ``permission`` in the school; the command line and the
    system (no user) are trusted callers."""
    if is_user(actor) and not user_holds(school=school, user=actor, permission=permission):
        raise NotAllowed(message)


def organisation_roles(*, organisation: Organisation | int, user: Any) -> frozenset[str]:
    """The roles a user holds at the trust's level: trust administrator, or none (a school
    role never reaches the trust)."""
    administers = OrganisationMembership.objects.filter(
        organisation=organisation, user=user, is_active=True).exists()
    return frozenset({Role.TRUST_ADMIN}) if administers else frozenset()


def require_organisation_permission(*, organisation: Organisation | int, actor: Any,
                                    permission: str, message: str) -> None:
    """A person acting on a trust (its own defaults, not one school's records) must hold
    ``permission`` at the trust's level; the command line and the system are trusted."""
    if is_user(actor) and not roles_allow(
            organisation_roles(organisation=organisation, user=actor), permission):
        raise NotAllowed(message)
