"""Writes for tenancy: organisations, schools, sites, members, roles, invitations, settings.

Every function runs in one transaction, validates with ``full_clean()``, raises ``DomainError``
on a broken rule and records an audit event for each record it changes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from schoolkeep.audit.services import CHANGED, audit_record, audit_record_many, diff, snapshot
from schoolkeep.lib.crypto import token_hash
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy import selectors
from schoolkeep.tenancy.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationMembership,
    School,
    Site,
)
from schoolkeep.tenancy.roles import SCHOOL_ROLES, Role

logger = logging.getLogger(__name__)

INVITATION_DAYS_MAX = 30
SETTINGS_FIELDS = ("idle_timeout_minutes", "require_mfa_for_all", "incident_reporting_instructions")


class InvitationNotFound(DomainError):
    """No invitation matches the link."""


class InvitationUnusable(DomainError):
    """The invitation exists but was used, revoked or has expired."""


# ---------------------------------------------------------------- helpers


_full_clean = full_clean_or_error


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _clean_roles(roles: list[str]) -> list[str]:
    allowed = {role.value for role in SCHOOL_ROLES}
    cleaned: list[str] = []
    for role in roles:
        value = str(role)
        if value not in allowed:
            raise DomainError(f"“{value}” is not a role a school member can hold.", field="roles")
        if value not in cleaned:
            cleaned.append(value)
    if not cleaned:
        raise DomainError("Choose at least one role.", field="roles")
    return [role.value for role in SCHOOL_ROLES if role.value in cleaned]


def _slug_for(name: str, slug: str | None) -> str:
    value = slugify(slug or name)[:80].strip("-")
    if not value:
        raise DomainError("Give a name with at least one letter or digit.", field="name")
    return value


def _lock_school(school: School) -> School:
    """Serialise membership changes of one school (row lock on PostgreSQL)."""
    return School.objects.select_for_update().get(pk=school.pk)


def _roles_of(membership: Membership) -> list[str]:
    held = set(MembershipRole.objects.filter(membership=membership).values_list("role", flat=True))
    return [role.value for role in SCHOOL_ROLES if role.value in held]


def _other_active_siros(membership: Membership) -> bool:
    return (
        MembershipRole.objects.filter(
            membership__school_id=membership.school_id,
            membership__is_active=True,
            membership__user__is_active=True,
            role=Role.SIRO,
        )
        .exclude(membership=membership)
        .exists()
    )


def _require_manager(*, school: School, actor: Any) -> None:
    """When a person acts (not the CLI or the system), they must be the school's SIRO."""
    if not _is_user(actor):
        return
    is_siro = MembershipRole.objects.filter(
        membership__school=school,
        membership__user=actor,
        membership__is_active=True,
        role=Role.SIRO,
    ).exists()
    if not is_siro:
        raise NotAllowed("Only the school's SIRO can do this.")


def _replace_roles(membership: Membership, roles: list[str]) -> None:
    MembershipRole.objects.filter(membership=membership).exclude(role__in=roles).delete()
    held = set(MembershipRole.objects.filter(membership=membership).values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in roles if role not in held]
    )


# ---------------------------------------------------------------- organisations, schools, sites


def organisation_create(
    *,
    name: str,
    slug: str | None = None,
    kind: str = Organisation.Kind.TRUST,
    actor: Any = None,
) -> Organisation:
    with transaction.atomic():
        value = _slug_for(name, slug)
        if Organisation.objects.filter(slug=value).exists():
            raise DomainError(
                f"An organisation with the short name “{value}” already exists.", field="slug"
            )
        organisation = Organisation(name=name.strip(), slug=value, kind=kind)
        _full_clean(organisation)
        organisation.save()
        audit_record(
            action="tenancy.organisation.created",
            actor=actor,
            target=organisation,
            changes=diff(None, snapshot(organisation, ["name", "slug", "kind"])),
        )
    return organisation


def school_create(
    *,
    name: str,
    slug: str | None = None,
    organisation: Organisation | None = None,
    kind: str = School.Kind.MAINTAINED,
    actor: Any = None,
) -> School:
    with transaction.atomic():
        value = _slug_for(name, slug)
        if School.objects.filter(slug=value).exists():
            raise DomainError(
                f"A school with the short name “{value}” already exists.", field="slug"
            )
        school = School(name=name.strip(), slug=value, kind=kind, organisation=organisation)
        _full_clean(school)
        school.save()
        audit_record(
            action="tenancy.school.created",
            school=school,
            actor=actor,
            target=school,
            changes=diff(None, snapshot(school, ["name", "slug", "kind", "organisation"])),
        )
    return school


def site_create(*, school: School, name: str, actor: Any = None) -> Site:
    with transaction.atomic():
        if Site.objects.filter(school=school, name__iexact=name.strip()).exists():
            raise DomainError("This school already has a site with that name.", field="name")
        site = Site(school=school, name=name.strip())
        _full_clean(site)
        site.save()
        audit_record(
            action="tenancy.site.created",
            school=school,
            actor=actor,
            target=site,
            changes=diff(None, snapshot(site, ["name"])),
        )
    return site


# ---------------------------------------------------------------- memberships


def membership_create(
    *, school: School, user: Any, roles: list[str], actor: Any = None
) -> Membership:
    """Add a user to a school with roles (or bring back their deactivated membership)."""
    cleaned = _clean_roles(roles)
    with transaction.atomic():
        _lock_school(school)
        membership = Membership.objects.filter(school=school, user=user).first()
        if membership is not None and membership.is_active:
            raise DomainError(f"{user} is already a member of {school}.", field="email")
        if membership is None:
            membership = Membership(school=school, user=user)
            _full_clean(membership)
            membership.save()
            action, before = "tenancy.membership.created", None
        else:
            before = {"is_active": False, "roles": _roles_of(membership)}
            membership.is_active = True
            membership.version += 1
            membership.save(update_fields=["is_active", "version"])
            action = "tenancy.membership.reactivated"
        _replace_roles(membership, cleaned)
        audit_record(
            action=action,
            school=school,
            actor=actor,
            target=membership,
            changes=diff(before, {"is_active": True, "roles": cleaned, "user": user.email}),
        )
    return membership


def audit_in_every_school(*, organisation: Organisation,
                          label_in: Callable[[School], str] | None = None,
                          **event: Any) -> None:
    """One event (``audit_record``'s arguments) in the audit chain of each school of the
    organisation, for a trust-level change that reaches into every school, so that it shows
    in each school's own trail and export. ``label_in``: the event's target label in a given
    school, where it differs. A trust without schools yet still records it, in the global
    chain."""
    schools = School.objects.filter(organisation=organisation).order_by("pk")
    audit_record_many([{**event, "school": school,
                        **({"target_label": label_in(school)} if label_in else {})}
                       for school in schools] or [event])


def organisation_membership_create(
    *, organisation: Organisation, user: Any, actor: Any = None
) -> OrganisationMembership:
    """Make a user a trust administrator of an organisation: they may read every school of
    it, so the change is audited in every one of those schools."""
    with transaction.atomic():
        # One writer at a time for the trust (and no school joins it half-way through).
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        existing = OrganisationMembership.objects.filter(
            organisation=organisation, user=user
        ).first()
        if existing is not None and existing.is_active:
            raise DomainError(f"{user} is already an administrator of {organisation}.")
        if existing is None:
            existing = OrganisationMembership(organisation=organisation, user=user)
            _full_clean(existing)
            existing.save()
            action, before = "tenancy.organisation_membership.created", None
        else:
            existing.is_active = True
            existing.save(update_fields=["is_active"])
            action, before = "tenancy.organisation_membership.reactivated", {"is_active": False}
        audit_in_every_school(
            organisation=organisation,
            action=action,
            actor=actor,
            target=existing,
            changes=diff(before, {"is_active": True, "user": user.email}),
        )
    return existing


def membership_set_roles(*, membership: Membership, roles: list[str], actor: Any,
                         version: int | None = None) -> Membership:
    """Replace a member's roles. A school always keeps at least one active SIRO.
    ``version`` is the membership's version the form was opened with: when two SIROs edit
    one member's roles at once, the second save raises StaleVersion naming who saved first
    instead of replacing the first silently. None skips the comparison (set-up code)."""
    cleaned = _clean_roles(roles)
    with transaction.atomic():
        _lock_school(membership.school)
        _require_manager(school=membership.school, actor=actor)
        membership = (Membership.objects.select_for_update(of=("self",))
                      .select_related("user", "school").get(pk=membership.pk))
        if not membership.is_active:
            raise DomainError("This member has been deactivated; invite them again instead.")
        if version is not None and membership.version != version:
            raise stale_error(school=membership.school, target=membership, what="these roles")
        before = _roles_of(membership)
        if before == cleaned:
            return membership
        if (
            Role.SIRO.value in before
            and Role.SIRO.value not in cleaned
            and not _other_active_siros(membership)
        ):
            raise DomainError(
                "The school must keep a SIRO. Give the SIRO role to someone else first.",
                field="roles",
            )
        _replace_roles(membership, cleaned)
        membership.version += 1
        membership.save(update_fields=["version"])
        audit_record(
            action="tenancy.membership.roles_changed",
            school=membership.school,
            actor=actor,
            target=membership,
            changes=diff({"roles": before}, {"roles": cleaned}),
        )
        for hook in list(_member_roles_changed_hooks):
            hook(membership=membership, old_roles=before, new_roles=cleaned, actor=actor)
    return membership


# Callables run when a member's roles change, inside the same transaction, as
# ``hook(*, membership, old_roles, new_roles, actor)`` (the roles as lists of role values in
# the order of SCHOOL_ROLES): a change of role is a mover's change (leavers/).
_member_roles_changed_hooks: list[Callable[..., object]] = []


def register_member_roles_changed_hook(hook: Callable[..., object]) -> Callable[..., object]:
    if hook not in _member_roles_changed_hooks:
        _member_roles_changed_hooks.append(hook)
    return hook


def membership_deactivate(*, membership: Membership, actor: Any) -> Membership:
    """Remove a member from the school at once: their sessions end now, and when they belong
    nowhere else their account is deactivated (which also revokes their API tokens)."""
    from schoolkeep.accounts.services import user_deactivate_account, user_end_sessions

    with transaction.atomic():
        _lock_school(membership.school)
        _require_manager(school=membership.school, actor=actor)
        membership = (Membership.objects.select_for_update(of=("self",))
                      .select_related("user", "school").get(pk=membership.pk))
        if not membership.is_active:
            raise DomainError("This member has already been deactivated.")
        user = membership.user
        if _is_user(actor) and actor.pk == user.pk:
            raise DomainError("You cannot deactivate yourself. Ask another SIRO to do it.")
        roles = _roles_of(membership)
        if Role.SIRO.value in roles and not _other_active_siros(membership):
            raise DomainError(
                "The school must keep a SIRO. Give the SIRO role to someone else first."
            )
        membership.is_active = False
        membership.version += 1
        membership.save(update_fields=["is_active", "version"])
        audit_record(
            action="tenancy.membership.deactivated",
            school=membership.school,
            actor=actor,
            target=membership,
            changes=diff({"is_active": True, "roles": roles}, {"is_active": False, "roles": roles}),
        )
        belongs_elsewhere = (
            Membership.objects.filter(user=user, is_active=True).exists()
            or OrganisationMembership.objects.filter(user=user, is_active=True).exists()
        )
        if belongs_elsewhere or not user.is_active:
            user_end_sessions(user=user, actor=actor, school=membership.school)
        else:
            # Also revokes their API tokens and ends their sessions.
            user_deactivate_account(user=user, actor=actor, school=membership.school)
    return membership


# ---------------------------------------------------------------- invitations


def _require_may_invite(*, school: School, actor: Any) -> None:
    if _is_user(actor) and not selectors.may_invite(school=school, user=actor):
        raise NotAllowed(
            "Only the school's SIRO can invite members (or a trust administrator while the"
            " school has no SIRO)."
        )


def invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("join:accept", args=[token])


def _send_invitation_email(
    *, email: str, full_name: str, school_name: str, inviter: str, url: str, expires_at: Any
) -> None:
    context = {
        "full_name": full_name,
        "school_name": school_name,
        "inviter": inviter,
        "url": url,
        "expires_at": expires_at,
    }
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}you are invited to join {school_name}",
        message=render_to_string("tenancy/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def invitation_create(
    *,
    school: School,
    email: str,
    full_name: str,
    roles: list[str],
    actor: Any,
    days: int = 7,
    send_email: bool = True,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and its token (never stored).

    An open invitation to the same address in the same school is replaced. The e-mail with
    the link leaves only after the transaction commits.
    """
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError("Enter an e-mail address like name@example.org.", field="email") from None
    cleaned = _clean_roles(roles)
    if not 1 <= days <= INVITATION_DAYS_MAX:
        raise DomainError(
            f"An invitation lasts between 1 and {INVITATION_DAYS_MAX} days.", field="days"
        )
    with transaction.atomic():
        _lock_school(school)
        _require_may_invite(school=school, actor=actor)
        if Membership.objects.filter(
            school=school, is_active=True, user__email__iexact=address
        ).exists():
            raise DomainError(f"{address} is already a member of this school.", field="email")
        now = timezone.now()
        for previous in Invitation.objects.filter(
            school=school, email__iexact=address, accepted_at__isnull=True, revoked_at__isnull=True
        ):
            previous.revoked_at = now
            previous.save(update_fields=["revoked_at"])
            audit_record(
                action="tenancy.invitation.revoked",
                school=school,
                actor=actor,
                target=previous,
                changes=diff({"revoked_at": None}, {"revoked_at": now}),
            )
        token = secrets.token_urlsafe(32)  # 256 bits
        invitation = Invitation(
            school=school,
            email=address,
            full_name=(full_name or "").strip(),
            roles=cleaned,
            token_hash=token_hash(token),
            invited_by_label=_actor_label(actor),
            expires_at=now + timedelta(days=days),
        )
        _full_clean(invitation)
        invitation.save()
        audit_record(
            action="tenancy.invitation.created",
            school=school,
            actor=actor,
            target=invitation,
            changes=diff(
                None,
                snapshot(invitation, ["email", "full_name", "roles", "expires_at"]),
            ),
        )
        if send_email:
            send = partial(
                _send_invitation_email,
                email=address,
                full_name=invitation.full_name,
                school_name=school.name,
                inviter=invitation.invited_by_label,
                url=invitation_url(token),
                expires_at=invitation.expires_at,
            )
            # robust: a mail server failure is logged, it does not undo the invitation.
            transaction.on_commit(send, robust=True)
    return invitation, token


def _actor_label(actor: Any) -> str:
    if _is_user(actor):
        return str(actor)[:200]
    from schoolkeep.audit.context import current

    return (current().actor_label or "system")[:200]


def invitation_revoke(*, invitation: Invitation, actor: Any) -> Invitation:
    with transaction.atomic():
        _require_may_invite(school=invitation.school, actor=actor)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError("This invitation has already been accepted.")
        if invitation.revoked_at is not None:
            raise DomainError("This invitation has already been withdrawn.")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="tenancy.invitation.revoked",
            school=invitation.school_id,
            actor=actor,
            target=invitation,
            changes=diff({"revoked_at": None}, {"revoked_at": invitation.revoked_at}),
        )
    return invitation


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be accepted; else the reason, as a DomainError."""
    if invitation is None:
        raise InvitationNotFound(
            "This invitation link is not valid. Check that you copied all of it."
        )
    state = invitation.state()
    if state == "accepted":
        raise InvitationUnusable(
            "This invitation has already been used. Sign in with your e-mail address and password."
        )
    if state == "revoked":
        raise InvitationUnusable(
            "This invitation was withdrawn. Ask your school's SIRO to invite you again."
        )
    if state == "expired":
        raise InvitationUnusable(
            "This invitation has expired. Ask your school's SIRO to invite you again."
        )
    return invitation


def invitation_accept(*, token: str, full_name: str, password: str) -> Any:
    """Use an invitation once: create the account (or reuse the e-mail's existing account)
    and add the membership with the invited roles. Returns the user."""
    from schoolkeep.accounts.services import user_create

    user_model = get_user_model()
    with transaction.atomic():
        found = selectors.invitation_for_token(token)
        if found is not None:
            found = Invitation.objects.select_for_update().select_related("school").get(pk=found.pk)
        invitation = invitation_check(found)
        school = invitation.school
        user = user_model.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            name = (full_name or invitation.full_name).strip()
            if not name:
                raise DomainError("Enter your full name.", field="full_name")
            _check_password(password, email=invitation.email, full_name=name)
            user = user_create(
                email=invitation.email, full_name=name, password=password, actor=None
            )
        elif not user.is_active:
            _reactivate_account(user, full_name=full_name, password=password, school=school)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            action="tenancy.invitation.accepted",
            school=school,
            actor=user,
            target=invitation,
            changes=diff({"accepted_at": None}, {"accepted_at": invitation.accepted_at}),
        )
        membership = membership_create(school=school, user=user, roles=invitation.roles,
                                       actor=user)
        for hook in _member_joined_hooks:
            hook(membership=membership)
    return user


# Callables run when someone joins a school by invitation, inside the same transaction
# (people/apps.py links the new member's account to their person record).
_member_joined_hooks: list[Callable[..., object]] = []


def register_member_joined_hook(hook: Callable[..., object]) -> Callable[..., object]:
    if hook not in _member_joined_hooks:
        _member_joined_hooks.append(hook)
    return hook


def _check_password(password: str, *, email: str, full_name: str) -> None:
    if not password:
        raise DomainError("Choose a password.", field="password")
    candidate = get_user_model()(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None


def _reactivate_account(user: Any, *, full_name: str, password: str, school: School) -> None:
    """A former member invited again: their account comes back with the password they choose.
    Audited in the school they come back to (as leaving is audited in the school they left)."""
    name = (full_name or user.full_name).strip()
    _check_password(password, email=user.email, full_name=name)
    before = {"is_active": user.is_active, "full_name": user.full_name}
    user.is_active = True
    user.full_name = name
    user.set_password(password)
    user.save(update_fields=["is_active", "full_name", "password"])
    changes = diff(before, {"is_active": True, "full_name": name})
    changes["password"] = {"before": CHANGED, "after": CHANGED}  # never the hash itself
    audit_record(action="accounts.user.reactivated", school=school, actor=user, target=user,
                 changes=changes)


# ---------------------------------------------------------------- settings


def school_update_settings(
    *,
    school: School,
    actor: Any,
    idle_timeout_minutes: int,
    require_mfa_for_all: bool,
    incident_reporting_instructions: str,
    version: int,
) -> School:
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        current = School.objects.select_for_update().get(pk=school.pk)
        if current.version != version:
            raise StaleVersion(
                "Someone else changed these settings while you were editing. "
                "The form now shows their changes; make yours again."
            )
        before = snapshot(current, SETTINGS_FIELDS)
        current.idle_timeout_minutes = idle_timeout_minutes
        current.require_mfa_for_all = require_mfa_for_all
        current.incident_reporting_instructions = (incident_reporting_instructions or "").strip()
        _full_clean(current)
        changes = diff(before, snapshot(current, SETTINGS_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*SETTINGS_FIELDS, "version"])
        audit_record(
            action="tenancy.school.settings_changed",
            school=current,
            actor=actor,
            target=current,
            changes=changes,
        )
    return current
