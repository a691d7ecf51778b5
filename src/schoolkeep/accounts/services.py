"""Writes for accounts: users, sessions, API tokens and lockouts. Each one is audited."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from schoolkeep.accounts.lockout import sign_in_attempts_reset
from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.accounts.selectors import user_has_mfa, user_needs_mfa
from schoolkeep.audit import context as audit_context
from schoolkeep.audit.services import CHANGED, audit_record, diff
from schoolkeep.lib.crypto import token_hash
from schoolkeep.lib.errors import DomainError, NotAllowed

# The label of a sign-in event for an address that belongs to no account (an address is kept
# only under its account's audit key, which the account's erasure forgets).
NO_ACCOUNT = "An address with no account"

TOKEN_PREFIX = "sk_"  # nosec B105
TOKEN_RANDOM_BYTES = 32  # 256 bits
TOKEN_MIN_DAYS, TOKEN_MAX_DAYS, TOKEN_DEFAULT_DAYS = 1, 365, 90
TOKEN_LAST_USED_EVERY = timedelta(minutes=1)
TOKEN_USE_AUDITED_EVERY = timedelta(hours=1)


def _domain_error(exc: ValidationError) -> DomainError:
    """The first problem of a model's ValidationError, naming its field."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return DomainError(errors[0], field=None if field == "__all__" else field)
    return DomainError(exc.messages[0])


def _actor_label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor)[:200]
    return (audit_context.current().actor_label or "system")[:200]


# --- Users ---------------------------------------------------------------------------------


def user_create(
    *, email: str, full_name: str, password: str | None = None, actor: Any = None
) -> User:
    """A new account. Without a password it cannot sign in until one is set (invitations)."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    user = User(email=email, full_name=(full_name or "").strip())
    with transaction.atomic():
        if email and User.objects.filter(email__iexact=email).exists():
            raise DomainError("An account with this e-mail address already exists.",
                              field="email")
        if password:
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                raise DomainError(" ".join(exc.messages), field="password") from None
            user.set_password(password)
        else:
            user.set_unusable_password()
        try:
            user.full_clean()
        except ValidationError as exc:
            raise _domain_error(exc) from None
        user.save()
        # allauth signs people in by their EmailAddress row: the account's one, verified
        # (the address was proven by the invitation link or chosen by the operator).
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        audit_record(
            action="accounts.user.created", actor=actor, target=user,
            changes=diff(None, {"email": user.email, "full_name": user.full_name,
                                "password": "set" if password else None},
                         secret_fields=["password"]),
        )
    return user


def user_end_sessions(*, user: User, actor: Any = None, school: Any = None) -> int:
    """End every session of the user at once; returns how many were ended.

    allauth's UserSession rows name the sessions it saw begin; any other Django session
    of the user (one begun before tracking, say) is found by reading the session store.
    Ending the caller's own session this way: log the request out as well.
    """
    ended: set[str] = set()
    with transaction.atomic():
        for user_session in UserSession.objects.filter(user_id=user.pk):
            ended.add(user_session.session_key)
            user_session.end()
        wanted = str(user.pk)
        stale: list[str] = []
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.get_decoded().get(SESSION_KEY) == wanted:
                stale.append(session.session_key)
        Session.objects.filter(session_key__in=stale).delete()
        ended.update(stale)
        audit_record(action="accounts.user.sessions_ended", actor=actor, school=school,
                     target=user, changes={"sessions": {"before": len(ended), "after": 0}})
    return len(ended)


def user_deactivate_account(*, user: User, actor: Any, school: Any = None) -> User:
    """The account can no longer sign in: its tokens are revoked and its sessions ended.

    Its password is cleared too, so that a reset link sent before cannot set a new one (the
    link is bound to the password). A former member comes back only by a new invitation,
    where they choose a new password (``tenancy.services``)."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
            audit_record(action="accounts.user.deactivated", actor=actor, school=school,
                         target=user,
                         changes={"is_active": {"before": True, "after": False},
                                  "password": {"before": CHANGED, "after": CHANGED}})
        for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
            token_revoke(token=token, actor=actor, school=school)
        user_end_sessions(user=user, actor=actor, school=school)
    return user


# --- API tokens ----------------------------------------------------------------------------


def _token_fields(token: ApiToken) -> dict[str, Any]:
    return {"name": token.name, "user": token.user.email, "read_only": token.read_only,
            "expires_at": token.expires_at}


def token_create(
    *,
    user: User,
    name: str,
    read_only: bool = False,
    days: int = TOKEN_DEFAULT_DAYS,
    actor: Any = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is never stored or shown
    again (only its SHA-256 is kept)."""
    from schoolkeep.tenancy.selectors import access_list_for_user

    if isinstance(days, bool) or not isinstance(days, int) or not (
        TOKEN_MIN_DAYS <= days <= TOKEN_MAX_DAYS
    ):
        raise DomainError(
            f"A token lasts between {TOKEN_MIN_DAYS} and {TOKEN_MAX_DAYS} days.", field="days"
        )
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the token a name, such as what will use it.", field="name")
    if not user.is_active:
        raise NotAllowed("This account is deactivated.", field="user")
    if user_needs_mfa(access_list_for_user(user)) and not user_has_mfa(user):
        raise NotAllowed(
            "Your role needs two-factor sign-in before you can create API tokens. "
            "Set up an authenticator app first.",
            field="user",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:10],
        token_hash=token_hash(secret),
        read_only=bool(read_only),
        created_by_label=_actor_label(actor),
        expires_at=timezone.now() + timedelta(days=days),
    )
    with transaction.atomic():
        try:
            token.full_clean()
        except ValidationError as exc:
            raise _domain_error(exc) from None
        token.save()
        audit_record(action="accounts.token.created", actor=actor, target=token,
                     changes=diff(None, _token_fields(token)))
    return token, secret


def token_revoke(*, token: ApiToken, actor: Any, school: Any = None) -> ApiToken:
    if token.revoked_at is not None:
        raise DomainError("This token is already revoked.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="accounts.token.revoked", actor=actor, school=school, target=token,
                     changes={"revoked_at": {"before": None, "after": token.revoked_at}})
    return token


def token_record_use(*, token: ApiToken, now: datetime | None = None) -> None:
    """Note that a token was used: ``last_used_at`` at most once a minute, and an audit event
    at most once an hour per token, so that the trail shows use without drowning in it."""
    now = now or timezone.now()
    updates: dict[str, datetime] = {}
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_EVERY:
        updates["last_used_at"] = now
    audit = token.use_audited_at is None or now - token.use_audited_at >= TOKEN_USE_AUDITED_EVERY
    if audit:
        updates["use_audited_at"] = now
    if not updates:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(**updates)
        for field, value in updates.items():
            setattr(token, field, value)
        if audit:
            audit_record(action="accounts.token.used", actor=token.user, target=token)


# --- Lockouts ------------------------------------------------------------------------------


def lockout_clear(*, attempt: AccessAttempt, actor: Any, school: Any) -> int:
    """Unlock one account at one address (every failure recorded for that pair)."""
    username = (attempt.username or "").lower()
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(
            username__iexact=username, ip_address=attempt.ip_address
        )
        failures = sum(a.failures_since_start for a in attempts)
        deleted, _ = attempts.delete()
        # The sign-in form's own count too, or it would go on refusing (accounts/lockout.py).
        sign_in_attempts_reset(email=username, address=attempt.ip_address or "")
        user = User.objects.filter(email__iexact=username).first()
        # The e-mail only under the account's key, forgotten with it.
        shown = username if user is not None else NO_ACCOUNT
        audit_record(
            action="accounts.lockout.cleared", actor=actor, school=school,
            target=user, target_type="accounts.user",
            target_label=f"{shown} from {attempt.ip_address}",
            changes={"failures": {"before": failures, "after": 0}}, subject=user,
        )
    return deleted
