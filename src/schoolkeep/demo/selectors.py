"""Reads for the demo: who can sign in, and a demo member's current two-factor code."""

from __future__ import annotations

import time
from dataclasses import dataclass

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.db.models import Prefetch

from schoolkeep.accounts.models import User
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import Invitation, Membership, OrganisationMembership
from schoolkeep.tenancy.roles import ROLES_WITHOUT_REQUIRED_MFA, Role, role_label


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    place: str  # a school, or the trust for a trust administrator
    roles: str
    two_factor: str
    active: bool


def demo_logins() -> list[DemoLogin]:
    """One row per demo member and school (or trust), in the order they were made."""
    users = (
        User.objects.filter(is_demo=True)
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_active=True)
                .select_related("school")
                .prefetch_related("roles")
                .order_by("school__name"),
            ),
            Prefetch(
                "organisation_memberships",
                queryset=OrganisationMembership.objects.filter(is_active=True).select_related(
                    "organisation"
                ),
            ),
        )
    )
    with_totp = set(
        Authenticator.objects.filter(
            user__is_demo=True, type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )
    rows: list[DemoLogin] = []
    for user in users:
        places: list[tuple[str, list[str]]] = [
            (m.school.name, [r.role for r in m.roles.all()]) for m in user.memberships.all()
        ]
        places += [
            (o.organisation.name, [Role.TRUST_ADMIN.value])
            for o in user.organisation_memberships.all()
        ]
        held = {role for _, roles in places for role in roles}
        if user.pk in with_totp:
            two_factor = "yes"
        elif held - ROLES_WITHOUT_REQUIRED_MFA:
            two_factor = "not set up (a duty on the SIRO's dashboard)"
        else:
            two_factor = "not needed"
        for index, (place, roles) in enumerate(places or [("(no school)", [])]):
            ordered = [role.value for role in Role if role.value in roles]
            rows.append(
                DemoLogin(
                    email=user.email,
                    full_name=user.full_name,
                    place=place,
                    roles=", ".join(role_label(role) for role in ordered),
                    two_factor=two_factor if index == 0 else "",
                    active=user.is_active,
                )
            )
    return rows


def demo_pending_invitations() -> list[Invitation]:
    """Open invitations of the schools where demo members belong."""
    return list(
        Invitation.objects.filter(
            school__memberships__user__is_demo=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("school")
        .distinct()
        .order_by("email")
    )


class NoDemoCode(DomainError):
    """No demo member with that e-mail, or they have no authenticator app enrolled."""


def demo_totp_code(email: str, *, at: float | None = None) -> tuple[str, int]:
    """A demo member's TOTP code for the moment ``at`` (now), and the seconds it has left.

    Computed with allauth's own functions from the secret allauth stored (decrypted through
    our MFA adapter), so the code passes allauth's real check at sign-in.
    """
    address = (email or "").strip()
    user = User.objects.filter(email__iexact=address, is_demo=True).first()
    if user is None:
        raise NoDemoCode(f"No demo member has the e-mail address {address!r}.", field="email")
    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        raise NoDemoCode(
            f"{user.email} has no authenticator app set up, so there is no code to show.",
            field="email",
        )
    secret = decrypt(authenticator.data["secret"])
    now = time.time() if at is None else at
    period = mfa_settings.TOTP_PERIOD
    counter = int(now) // period
    return format_hotp_value(hotp_value(secret, counter)), period - int(now) % period
