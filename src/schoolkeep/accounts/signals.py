"""Sign-in events, audited: logins, failures, lockouts and two-factor changes.

Nothing here writes an e-mail address or a password to the plain logs: the audit trail is
where sign-in events are kept (a failed attempt's address is its target label there, sealed
under the account's key; an address with no account is not kept).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from schoolkeep.accounts.services import NO_ACCOUNT
from schoolkeep.audit.services import audit_record


def _user_by_email(email: str) -> Any:
    from schoolkeep.accounts.models import User

    return User.objects.filter(email__iexact=email).first() if email else None


def _member_school_ids(user: Any) -> list[int]:
    from schoolkeep.tenancy.models import Membership

    if user is None:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True).values_list("school_id", flat=True)
    )


@receiver(auth_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from schoolkeep.accounts.middleware import start_session_clock

    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
    audit_record(action="accounts.login.succeeded", actor=user, target=user)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="accounts.logout", actor=user, target=user)


@receiver(auth_signals.user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                  **kwargs: Any) -> None:
    # Never the password: only which account was tried, and only in the audit trail.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:200].lower()
    user = _user_by_email(tried)
    # The address tried is the account's: sealed under its key (forgotten with it). An
    # address with no account is nobody's on record: not kept.
    audit_record(action="accounts.login.failed", target=user, target_type="accounts.user",
                 target_label=tried if user is not None else NO_ACCOUNT, subject=user)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str | None = None,
                ip_address: str | None = None, **kwargs: Any) -> None:
    """Audited once, when the limit is reached (attempts during the lockout extend it and
    are audited as failed logins), in each school the account belongs to."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != settings.AXES_FAILURE_LIMIT:
        return
    email = (username or "").lower()
    user = _user_by_email(email)
    # The e-mail only under the account's key (see _login_failed).
    label = f"{email if user is not None else NO_ACCOUNT} from {ip_address or 'an unknown address'}"
    changes = {"locked": {"before": False, "after": True}}
    school_ids: list[int | None] = [*_member_school_ids(user)] or [None]
    for school_id in school_ids:
        audit_record(action="accounts.lockout.locked", school=school_id, target=user,
                     target_type="accounts.user", target_label=label, changes=changes,
                     subject=user)


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(action="accounts.mfa.added", actor=user, target=user,
                 changes={"type": {"before": None, "after": authenticator.type}})
    if request is not None and hasattr(request, "session"):
        rotate_session_key(request)  # a new factor means a new session key


def rotate_session_key(request: Any) -> None:
    """A new session key, keeping the session's data and its row in allauth's session list
    (so that "Where you are signed in" still shows, and can end, this session)."""
    from allauth.usersessions.models import UserSession

    old_key = request.session.session_key
    request.session.cycle_key()
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(sender: Any, request: Any, user: Any, authenticator: Any,
                reauthentication: bool = False, **kwargs: Any) -> None:
    audit_record(action="accounts.mfa.failed", target=user,
                 changes={"type": {"before": None, "after": authenticator.type}})


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(action="accounts.mfa.removed", actor=user, target=user,
                 changes={"type": {"before": authenticator.type, "after": None}})
